// The GitHub Actions variables the workflows need (identifiers, not secrets: with OIDC federation
// there is no secret at all), printed, or set with `gh variable set` when gh is installed and logged in.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { artifactsAccountUrlEnv, lockContainerEnv } from '../lock/index.ts';

const run = promisify(execFile);

/** AZURE_CLIENT_ID is the CI identity (deploys); AZURE_PR_CLIENT_ID the pull-request identity (what-if.yml). */
export function githubVariables(values: { clientId: string; prClientId: string; tenantId: string; subscriptionId: string; artifactsAccountUrl: string; lockContainer: string }): Record<string, string> {
  return {
    AZURE_CLIENT_ID: values.clientId,
    AZURE_PR_CLIENT_ID: values.prClientId,
    AZURE_TENANT_ID: values.tenantId,
    AZURE_SUBSCRIPTION_ID: values.subscriptionId,
    [artifactsAccountUrlEnv]: values.artifactsAccountUrl,
    [lockContainerEnv]: values.lockContainer,
  };
}

export async function ghAvailable(): Promise<boolean> {
  try {
    await run('gh', ['auth', 'status'], { timeout: 15000 });
    return true;
  } catch {
    return false;
  }
}

export async function setGithubVariables(repo: string, variables: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(variables)) await run('gh', ['variable', 'set', name, '--body', value, '--repo', repo], { timeout: 30000 });
}
