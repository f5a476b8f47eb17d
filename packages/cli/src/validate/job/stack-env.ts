// What the job knows of the deployed stack. The start request passes CF_VALIDATE_STACK: the stack's
// outputs (nothing secret by contract) and the ids of the Key Vault secrets its templates write —
// the same inputs `validate --from-here` builds its targets from. Without it (a start from the
// portal), the job's template variables stand in for the outputs they carry.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { managedResourceIds } from '../../arm/stack-definition.ts';
import type { JobConfiguration } from './config.ts';

export const stackEnv = 'CF_VALIDATE_STACK';
/** With the emulator: its CA (PEM, public), so the job reads the emulator's vault as the workload identity. */
export const emulatorCaEnv = 'CF_VALIDATE_EMULATOR_CA';

/** Pure: the stack as the job needs it, as JSON (outputs + the vaults/secrets resource ids). */
export function stackForJob(stack: DeploymentStack): string {
  const secrets = managedResourceIds(stack).filter((id) => typeOfId(id)?.toLowerCase() === 'microsoft.keyvault/vaults/secrets');
  return JSON.stringify({ outputs: stack.properties?.outputs ?? {}, resources: secrets.map((id) => ({ id })) });
}

/** Pure: the stack back from CF_VALIDATE_STACK; throws naming the variable when it is not that JSON. */
export function stackFromJob(text: string): DeploymentStack {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${stackEnv} is not JSON: ${(error as Error).message}`);
  }
  const v = value as { outputs?: unknown; resources?: unknown };
  if (v === null || typeof v !== 'object' || typeof v.outputs !== 'object' || !Array.isArray(v.resources)) throw new Error(`${stackEnv} must be {"outputs": {...}, "resources": [...]}`);
  return { properties: { outputs: v.outputs as Record<string, unknown>, resources: v.resources as { id: string }[] } } as DeploymentStack;
}

/** Pure: the outputs the job template's variables carry (when no stack was passed). */
export function stackFromTemplate(config: JobConfiguration, databaseNames: Record<string, string>, clientId: string | undefined): DeploymentStack {
  const a = config.azure!;
  const value = (v: unknown) => ({ value: v });
  return {
    properties: {
      outputs: {
        security: value({ keyVaultUri: a.keyVaultUri, ...(clientId === undefined ? {} : { workloadIdentityClientId: clientId }) }),
        database: value({ fqdn: a.postgresHost, databaseNames }),
        redis: value({ hostName: a.redisHost, port: Number(a.redisPort) }),
        messaging: value({ kafkaBootstrapServer: a.eventHubsBootstrapServer }),
      },
      resources: [],
    },
  } as unknown as DeploymentStack;
}
