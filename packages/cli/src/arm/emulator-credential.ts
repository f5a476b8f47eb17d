// A TokenCredential for the local ARM emulator (the real SDK clients need one; the emulator
// refuses requests without a bearer token).
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';

export class EmulatorCredential implements TokenCredential {
  private readonly principalId: string | undefined;
  constructor(options: { principalId?: string } = {}) {
    this.principalId = options.principalId;
  }
  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const { token, expiresOnTimestamp } = makeEmulatorToken(this.principalId === undefined ? {} : { oid: this.principalId });
    return { token, expiresOnTimestamp, tokenType: 'Bearer' };
  }
}
