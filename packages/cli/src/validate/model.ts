// The validation model: a check has a name, proves one thing, and ends as pass, fail or skipped
// (with the reason). Where a failure points: an entry of docs/infrastructure/Validation.md.
export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface CheckOutcome {
  status: CheckStatus;
  reason: string;
}

export interface CheckDefinition {
  name: string;
  /** The anchor of the troubleshooting entry in docs/infrastructure/Validation.md. */
  troubleshooting: string;
  timeoutMs?: number;
  /**
   * `signal` aborts when the check's time is up (or the run ends): the check must then close every
   * client and connection it opened, so that nothing keeps the process alive after the summary.
   */
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

export interface CheckResult extends CheckOutcome {
  name: string;
  durationMs: number;
  troubleshooting: string;
}

export const validationDoc = 'docs/infrastructure/Validation.md';

export function troubleshootingLink(anchor: string): string {
  return `${validationDoc}#${anchor}`;
}

export const pass = (reason: string): CheckOutcome => ({ status: 'pass', reason });
export const fail = (reason: string): CheckOutcome => ({ status: 'fail', reason });
export const skipped = (reason: string): CheckOutcome => ({ status: 'skipped', reason });

/** A check that is never run here, with the reason (never reported as passed). */
export function skippedCheck(name: string, troubleshooting: string, reason: string): CheckDefinition {
  return { name, troubleshooting, run: async () => skipped(reason) };
}

export function anyFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail');
}
