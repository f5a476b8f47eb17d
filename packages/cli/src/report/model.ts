// The run report of one deploy (or destroy): plan, what-if, result and durations per phase. One
// model, rendered as text, JSON and markdown; secrets masked before anything is rendered.
import type { NoiseFinding, WhatIfModel } from '../whatif/index.ts';

/** interrupted: SIGINT/SIGTERM ended the run (error.message says what state ARM was left in). */
export type RunOutcome = 'succeeded' | 'no-changes' | 'failed' | 'cancelled' | 'interrupted';

export interface PhaseRecord {
  name: string;
  /** Milliseconds. */
  durationMs: number;
  outcome: 'done' | 'failed' | 'skipped' | 'interrupted';
}

export interface RunReport {
  runId: string;
  command: string;
  deployment: string;
  environment: string;
  location: string;
  stack: string;
  /** "the ARM emulator at https://127.0.0.1:8443", "Azure subscription …" */
  target: string;
  subscriptionId: string;
  who: string;
  host: string;
  startedAt: string;
  finishedAt: string;
  outcome: RunOutcome;
  exitCode: number;
  phases: PhaseRecord[];
  plan?: {
    resources: number;
    byType: Record<string, number>;
    policy: { evaluated: number; denied: number; audited: number };
    /** byResource: the priced line items (the next what-if's cost base); older reports lack it. */
    cost: { monthlyUsd: number; budgetUsd: number; message: string; byResource?: { resourceId: string; name: string; type: string; monthly: number }[] };
  };
  whatIf?: { source: WhatIfModel['source']; summary: WhatIfModel['summary']; summaryLine: string; changes: { kind: string; resourceId: string }[] };
  result?: {
    provisioningState: string;
    managedResources: number;
    /** Output name → value (secret-looking names masked). */
    outputs: Record<string, unknown>;
    validation?: { checked: number; failed: { id: string; state: string }[] };
    /** The post-deploy checks (validate/): pass, fail or skipped with the reason. */
    checks?: { name: string; status: 'pass' | 'fail' | 'skipped'; reason: string; durationMs: number }[];
    /** destroy: what became of the deployment's soft-deleted Key Vault. */
    keyVault?: KeyVaultRetention;
  };
  /** The post-deploy secrets (names only, never a value): created now, kept as they were, operator secrets still missing. */
  secrets?: { vault: string; created: string[]; kept: string[]; operatorMissing: string[]; failed: { name: string; reason: string }[]; notRun?: string };
  /** The post-deploy database step (sql/service.sql per service, in the validation job): one result per service, or why it did not run. */
  databases?: { ran: boolean; notRun?: string; results: { name: string; status: 'pass' | 'fail' | 'skipped'; reason: string }[] };
  /** deploy: what was deployed — the project, the hashes of the template and the (non-secure) parameters, whether they were kept, where the template came from. */
  artifact?: RunArtifact;
  /**
   * The what-if taken once more after a successful deploy: every change it still shows is noise, as a
   * candidate rule for deployments/what-if-rules.yaml (or a whole resource no rule can drop).
   */
  noise?: NoiseRecord;
  error?: { message: string; hint?: string };
}

/** deploy --template-from-run (the template) or rollback (template and parameters): the run deployed again. */
export interface RunOrigin {
  kind: 'template-from-run' | 'rollback';
  runId: string;
  deployment: string;
}

export interface RunArtifact {
  /** The project the run belongs to (report/artifacts.ts projectIdentity): another project's run is refused. */
  project: string;
  /** sha256 of template.json as stored. */
  templateSha256: string;
  /** sha256 of parameters.json as stored (secure values left out). */
  parametersSha256: string;
  /** template.json and parameters.json kept with the report (a successful run: succeeded or no-changes). */
  stored: boolean;
  /** Secure parameters that were sent but never stored (names only). */
  secureParametersOmitted: string[];
  from?: RunOrigin;
}

export type NoiseRecord = (NoiseFinding & { notRun?: undefined }) | { notRun: string; candidates?: undefined; resources?: undefined };

/** After a destroy: the soft-deleted vault purged (purge protection off), or retained until its purge date. */
export type KeyVaultRetention =
  | { vault: string; action: 'purged' }
  | { vault: string; action: 'retained'; scheduledPurgeDate: string; /** the command that brings it back before a redeploy */ recover: string };

export function totalDurationMs(report: Pick<RunReport, 'startedAt' | 'finishedAt'>): number {
  return Date.parse(report.finishedAt) - Date.parse(report.startedAt);
}
