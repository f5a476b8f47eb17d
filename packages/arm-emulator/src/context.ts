// What every handler gets: the state, the run's options, the expansion engine and the policy hook.
import type { Expander } from './expansion.ts';
import type { EmulatorOptions } from './options.ts';
import type { PolicyEvaluator } from './policy.ts';
import type { StateStore } from './state.ts';

export interface Context {
  store: StateStore;
  options: EmulatorOptions;
  subscriptionId: string;
  tenantId: string;
  expander: Expander;
  policy: PolicyEvaluator;
  log: (line: string) => void;
  /** https://127.0.0.1:<port> once listening: the Key Vault data plane's vaultUri base. */
  origin?: string;
}

/** Provisioning time of an operation touching these types: the slowest of them. */
export function latencyFor(ctx: Context, types: readonly string[]): number {
  const latency = ctx.options.latency ?? {};
  const base = latency.defaultMs ?? 0;
  let max = base;
  for (const t of types) {
    for (const [k, ms] of Object.entries(latency.perType ?? {})) if (k.toLowerCase() === t.toLowerCase()) max = Math.max(max, ms);
  }
  return max;
}
