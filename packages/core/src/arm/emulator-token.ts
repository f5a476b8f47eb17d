// The bearer tokens the local ARM emulator accepts (one definition, used by the emulator and by
// the orchestrator's emulator credential). Unsigned on purpose: the emulator only listens on
// loopback and trusts nothing else; the token carries who calls (for deny-settings exclusions).

export const emulatorTokenPrefix = 'cf-arm-emulator.';

export interface EmulatorTokenClaims {
  /** Object id of the caller. */
  oid: string;
  tid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export const defaultEmulatorPrincipalId = '00000000-0000-0000-0000-00000000c1a0';
export const defaultEmulatorTenantId = '72f988bf-0000-0000-0000-00000000e4a7';

// Microsoft Graph is not emulated, so bootstrap gives the two pipeline identities fixed object ids
// on the emulator and assigns them their roles there; a token with one of these oids runs "as ci"
// (the deployment role) or "as pr" (Reader + what-if only).
/** The CI identity's service principal on the emulator. */
export const emulatorCiPrincipalId = '00000000-0000-0000-0000-0000000c1c1d';
/** The pull-request identity's service principal on the emulator. */
export const emulatorPrPrincipalId = '00000000-0000-0000-0000-0000000c1c2e';

export function makeEmulatorToken(claims: Partial<EmulatorTokenClaims> = {}, lifetimeSeconds = 3600): { token: string; expiresOnTimestamp: number } {
  const exp = claims.exp ?? Math.floor(Date.now() / 1000) + lifetimeSeconds;
  const full: EmulatorTokenClaims = { oid: claims.oid ?? defaultEmulatorPrincipalId, tid: claims.tid ?? defaultEmulatorTenantId, exp };
  return { token: emulatorTokenPrefix + Buffer.from(JSON.stringify(full)).toString('base64url'), expiresOnTimestamp: exp * 1000 };
}

/** The claims of a token the emulator accepts, or a reason why it is refused. */
export function readEmulatorToken(token: string, nowSeconds = Date.now() / 1000): EmulatorTokenClaims | { refused: string } {
  if (!token.startsWith(emulatorTokenPrefix)) return { refused: 'The access token is invalid.' };
  let claims: Partial<EmulatorTokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(token.slice(emulatorTokenPrefix.length), 'base64url').toString('utf8')) as Partial<EmulatorTokenClaims>;
  } catch {
    return { refused: 'The access token is invalid.' };
  }
  if (typeof claims.oid !== 'string' || typeof claims.tid !== 'string' || typeof claims.exp !== 'number') return { refused: 'The access token is invalid.' };
  if (claims.exp <= nowSeconds) return { refused: 'The access token expiry UTC time is earlier than current UTC time.' };
  return claims as EmulatorTokenClaims;
}
