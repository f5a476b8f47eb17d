// Options of one emulator run (startEmulator) and their environment-variable form (npm run emulator).
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
}

export const defaultSubscriptionId = '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63';
/** The emulator's port unless ARM_EMULATOR_PORT says otherwise (npm run emulator, cf-infra --emulator). */
export const defaultEmulatorPort = 8443;
export const defaultLatencyMs = 300;

/** `Ns/type=ms,…` or `default=ms` → LatencyOptions; `Ns/type=Code,…` → failing types. */
function pairs(text: string | undefined): [string, string][] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((item) => {
    const at = item.lastIndexOf('=');
    if (at <= 0) throw new Error(`expected name=value, got '${item}'`);
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  });
}

function number(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, got '${text}'`);
  return n;
}

/** Reads ARM_EMULATOR_* variables; throws an Error naming the variable on bad values. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, defaults: { stateDir: string }): EmulatorOptions {
  const latency: LatencyOptions = { defaultMs: defaultLatencyMs, perType: {} };
  for (const [k, v] of pairs(env.ARM_EMULATOR_LATENCY_MS)) {
    if (k === 'default') latency.defaultMs = number('ARM_EMULATOR_LATENCY_MS', v);
    else latency.perType![k] = number('ARM_EMULATOR_LATENCY_MS', v);
  }
  const rate = env.ARM_EMULATOR_TRANSIENT_RATE === undefined ? 0 : number('ARM_EMULATOR_TRANSIENT_RATE', env.ARM_EMULATOR_TRANSIENT_RATE);
  if (rate > 1) throw new Error(`ARM_EMULATOR_TRANSIENT_RATE: expected 0..1, got ${rate}`);
  return {
    stateDir: env.ARM_EMULATOR_STATE_DIR ?? defaults.stateDir,
    port: env.ARM_EMULATOR_PORT === undefined ? defaultEmulatorPort : number('ARM_EMULATOR_PORT', env.ARM_EMULATOR_PORT),
    subscriptionId: env.ARM_EMULATOR_SUBSCRIPTION_ID ?? defaultSubscriptionId,
    latency,
    faults: {
      transientRate: rate,
      retryAfterSeconds: env.ARM_EMULATOR_RETRY_AFTER === undefined ? 1 : number('ARM_EMULATOR_RETRY_AFTER', env.ARM_EMULATOR_RETRY_AFTER),
      failingTypes: Object.fromEntries(pairs(env.ARM_EMULATOR_FAIL_TYPES)),
    },
    ...withJobRunner(jobRunnerFromEnv(env)),
  };
}

const withJobRunner = (jobRunner: JobRunner | undefined): Pick<EmulatorOptions, 'jobRunner'> => (jobRunner === undefined ? {} : { jobRunner });
