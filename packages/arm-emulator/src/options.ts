// Options of one emulator run (startEmulator) and their environment-variable form (npm run emulator).
import { envNumber, envPairs, envString } from '@complianceflow/core/env.ts';
import type { Expander } from './expansion.ts';
import { jobRunnerFromEnv, type JobRunner } from './job-runner.ts';
import type { PolicyEvaluator } from './policy.ts';

export interface LatencyOptions {
  /** Provisioning time of a long-running operation, per resource type it touches (ms). */
  defaultMs?: number;
  perType?: Record<string, number>;
}

export interface FaultOptions {
  /** Share (0..1) of requests answered with a transient 429/500/503 (deterministic spacing). */
  transientRate?: number;
  transientStatuses?: number[];
  retryAfterSeconds?: number;
  /** Resource types whose provisioning fails, with the ARM error code to fail with. */
  failingTypes?: Record<string, string>;
}

export interface EmulatorOptions {
  stateDir: string;
  /** 0 (default in tests) picks a free port. */
  port?: number;
  host?: string;
  subscriptionId?: string;
  tenantId?: string;
  subscriptionName?: string;
  latency?: LatencyOptions;
  faults?: FaultOptions;
  /** Template expansion (default: one shared `bicep jsonrpc` process, opened on first use). */
  expander?: Expander;
  policyEvaluator?: PolicyEvaluator;
  /** Runs started Container Apps jobs (job-runner.ts); without one an execution fails at once. */
  jobRunner?: JobRunner;
  log?: (line: string) => void;
  /** Enforce Key Vault RBAC in the vault data plane (keyvault-rbac.ts). Off by default: the templates do not yet grant the deploying identity Secrets Officer. */
  keyVaultRbac?: boolean;
  /** Fail a save that did not name a state section it changed (state.ts; default: ARM_EMULATOR_CHECK_SAVES=1). */
  checkSaves?: boolean;
}

export { defaultEmulatorPort, defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
import { defaultEmulatorPort, defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
export const defaultLatencyMs = 300;

/** Reads ARM_EMULATOR_* variables (rules in packages/core/src/env.ts); throws a UsageError naming the variable on bad values. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, defaults: { stateDir: string }): EmulatorOptions {
  const latency: LatencyOptions = { defaultMs: defaultLatencyMs, perType: {} };
  for (const [k, v] of envPairs(envString('ARM_EMULATOR_LATENCY_MS', env) ?? '')) {
    if (k === 'default') latency.defaultMs = Number(v);
    else latency.perType![k] = Number(v);
  }
  return {
    stateDir: envString('ARM_EMULATOR_STATE_DIR', env) ?? defaults.stateDir,
    port: envNumber('ARM_EMULATOR_PORT', defaultEmulatorPort, env),
    subscriptionId: envString('ARM_EMULATOR_SUBSCRIPTION_ID', env) ?? defaultSubscriptionId,
    latency,
    faults: {
      transientRate: envNumber('ARM_EMULATOR_TRANSIENT_RATE', 0, env),
      retryAfterSeconds: envNumber('ARM_EMULATOR_RETRY_AFTER', 1, env),
      failingTypes: Object.fromEntries(envPairs(envString('ARM_EMULATOR_FAIL_TYPES', env) ?? '')),
    },
    ...withJobRunner(jobRunnerFromEnv(env)),
  };
}

const withJobRunner = (jobRunner: JobRunner | undefined): Pick<EmulatorOptions, 'jobRunner'> => (jobRunner === undefined ? {} : { jobRunner });
