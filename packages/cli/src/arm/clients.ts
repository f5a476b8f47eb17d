// The real Azure SDK clients, pointed either at Azure (Azure CLI / workload identity via
// @azure/identity) or at the local ARM emulator (its endpoint, its CA via tlsOptions — TLS
// verification stays on — and the emulator credential).
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { DeploymentStacksClient } from '@azure/arm-resourcesdeploymentstacks';
import type { TokenCredential } from '@azure/core-auth';
import { azureCredential } from './azure-credential.ts';
import { EmulatorCredential } from './emulator-credential.ts';

export type ArmTarget =
  | { kind: 'azure'; subscriptionId: string; credential?: TokenCredential }
  | { kind: 'emulator'; subscriptionId: string; endpoint: string; caPem: string; credential?: TokenCredential; /** The token's object id (default: the owner). */ principalId?: string };

export interface ArmClients {
  subscriptionId: string;
  /** The ARM endpoint (the emulator's, or undefined for Azure's public cloud). */
  endpoint?: string;
  /** The emulator's CA (PEM), for other clients of the emulator (its Key Vault data plane). */
  caPem?: string;
  credential: TokenCredential;
  resources: ResourceManagementClient;
  stacks: DeploymentStacksClient;
  deployments: DeploymentsClient;
}

export interface RetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

/**
 * The one retry policy of every ARM call: the SDK's own, which retries 429/503 after their
 * Retry-After (throttling strategy), other 5xx, 408 and network errors with exponential back-off.
 * Nothing retries on top of it.
 */
export const armRetryOptions: RetryOptions = { maxRetries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };

export interface ClientTuning {
  /** Another count or delays for the SDK's retry policy (tests: short delays); default armRetryOptions. */
  retryOptions?: RetryOptions;
}

export function createArmClients(target: ArmTarget, tuning: ClientTuning = {}): ArmClients {
  const credential = target.credential ?? (target.kind === 'emulator' ? new EmulatorCredential(target.principalId === undefined ? {} : { principalId: target.principalId }) : azureCredential());
  const retryOptions = tuning.retryOptions ?? armRetryOptions;
  const common = target.kind === 'emulator' ? { endpoint: target.endpoint, tlsOptions: { ca: target.caPem }, retryOptions } : { retryOptions };
  const sub = target.subscriptionId;
  return {
    subscriptionId: sub,
    ...(target.kind === 'emulator' ? { endpoint: target.endpoint, caPem: target.caPem } : {}),
    credential,
    resources: new ResourceManagementClient(credential, sub, common),
    stacks: new DeploymentStacksClient(credential, sub, common),
    deployments: new DeploymentsClient(credential, sub, common),
  };
}

/** The CA file's text for an emulator target (the emulator prints its path when it starts). */
export { EmulatorCredential } from './emulator-credential.ts';
