// Bearer token check, with ARM's 401 answers (AuthenticationFailed / InvalidAuthenticationToken).
import { readEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { ArmError } from './errors.ts';

const challenge = { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' };

/** The caller's object id; throws a 401 ArmError without a valid token. */
export function authenticate(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {}, challenge);
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (match === null) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {}, challenge);
  const claims = readEmulatorToken(match[1]!);
  if ('refused' in claims) throw new ArmError(401, 'InvalidAuthenticationToken', claims.refused, {}, challenge);
  return claims.oid;
}
