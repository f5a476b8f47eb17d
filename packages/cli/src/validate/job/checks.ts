// The checks the validation job runs: the suite's data checks. The ARM-level checks and "consumer
// groups exist" (an ARM lookup) stay with the caller, which has ARM access (isCallerCheck).
// CF_VALIDATE_TARGET=local: PostgreSQL and Redis of the local native environment (the emulator's job
// runner); azure: the deployment's data services from inside the VNet, as the workload identity.
import { azureCredential } from '../../arm/azure-credential.ts';
import type { TokenCredential } from '@azure/core-auth';
import type { ResolvedDeployment } from '../../config/resolve.ts';
import { resolveTarget } from '../../deploy/preflight.ts';
import { loadSettings } from '../../local/settings.ts';
import { buildAzureTargets } from '../azure-target.ts';
import { consumerGroupsCheckName } from '../event-hubs-checks.ts';
import { keyVaultChecksFor, readSecrets } from '../key-vault-checks.ts';
import { emulatorPostgresTarget } from '../local-target.ts';
import type { CheckDefinition } from '../model.ts';
import { buildSuite, type DataSource, type SuiteInput } from '../suite.ts';
import { redisPolicyName } from '../targets.ts';
import type { JobConfiguration } from './config.ts';
import { emulatorCaEnv, stackEnv, stackFromJob, stackFromTemplate } from './stack-env.ts';

export interface JobChecks {
  checks: CheckDefinition[];
  /** Every secret value the checks hold (masked in what the job writes and prints). */
  secrets: string[];
}

/** The checks the caller runs itself (ARM access), not the job. */
export const isCallerCheck = (name: string): boolean => name.startsWith('arm:') || name === consumerGroupsCheckName;

export async function jobChecks(config: JobConfiguration, env: NodeJS.ProcessEnv = process.env): Promise<JobChecks> {
  const resolved = resolveTarget(config.deployment).resolved as ResolvedDeployment;
  const expectedEvictionPolicy = redisPolicyName(resolved.settings.redis.evictionPolicy);
  const base: Omit<SuiteInput, 'data'> = { arm: { kind: 'none', reason: 'the caller runs the ARM-level checks' }, catalog: resolved.catalog, expectedEvictionPolicy };
  let data: DataSource;
  if (config.target === 'local') {
    const settings = loadSettings(config.envPath);
    // Behind the emulator: its vault, read as the workload identity (as validate --emulator does),
    // and the deployment's PostgreSQL logins (the database step's) on the local server.
    const passed = env[stackEnv];
    const caPem = env[emulatorCaEnv];
    if (passed && caPem) {
      const stack = stackFromJob(passed);
      base.keyVault = keyVaultChecksFor(stack, resolved.catalog.services, { kind: 'emulator', caPem });
      data = { kind: 'local', settings, postgres: await emulatorPostgresTarget(settings, stack, resolved.catalog.services, caPem) };
    } else data = { kind: 'local', settings };
  } else {
    const clientId = env.AZURE_CLIENT_ID;
    // In the job, AZURE_CLIENT_ID is the workload identity: the one the services use.
    const credential: TokenCredential = azureCredential(clientId ? { managedIdentityClientId: clientId } : {});
    const passed = env[stackEnv];
    const stack = passed ? stackFromJob(passed) : stackFromTemplate(config, resolved.names.databases, clientId);
    const targets = await buildAzureTargets({
      stack,
      catalog: resolved.catalog,
      expectedEvictionPolicy,
      readSecrets: (vaultUrl, names) => readSecrets(vaultUrl, names, { credential }),
      credential,
    });
    data = { kind: 'azure', targets };
    base.keyVault = keyVaultChecksFor(stack, resolved.catalog.services, { kind: 'azure', credential, env });
  }
  const suite = buildSuite({ ...base, data });
  return { checks: suite.checks.filter((c) => !isCallerCheck(c.name)), secrets: suite.secrets };
}
