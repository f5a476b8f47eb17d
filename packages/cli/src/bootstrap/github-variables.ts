// The GitHub Actions variables the workflows need (identifiers, not secrets: with OIDC federation
// there is no secret at all), printed, or set with `gh variable set` when gh is installed and logged in.
import { run, runNothrow } from '@complianceflow/core/process.ts';
import { artifactsAccountUrlEnv, lockContainerEnv } from '../lock/location.ts';

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
  return (await runNothrow('gh', ['auth', 'status'], { timeoutMs: 15_000 })).code === 0;
}

export async function setGithubVariables(repo: string, variables: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(variables)) {
    await run('gh', ['variable', 'set', name, '--body', value, '--repo', repo], { timeoutMs: 30_000, label: `gh variable set ${name}`, install: 'the GitHub CLI (https://cli.github.com)' });
  }
}
