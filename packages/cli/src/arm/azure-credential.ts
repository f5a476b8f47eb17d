// The Azure login of a run (Azure CLI on a workstation, workload identity in CI, the managed identity
// in the in-VNet job), loaded on its first token request: @azure/identity and MSAL are ~170 modules
// that a run against the emulator, or --help, never needs.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** DefaultAzureCredential, or the user-assigned managed identity `managedIdentityClientId`. */
export function azureCredential(options: { managedIdentityClientId?: string } = {}): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  const open = async (): Promise<TokenCredential> => {
    const identity = await import('@azure/identity');
    const clientId = options.managedIdentityClientId;
    return clientId ? new identity.ManagedIdentityCredential({ clientId }) : new identity.DefaultAzureCredential();
  };
  return {
    async getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= open();
      return (await credential).getToken(scopes, getTokenOptions);
    },
  };
}
