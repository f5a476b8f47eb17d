// Runs checks independently (one failing or hanging does not stop the others), each with a timeout,
// and masks every known secret in what they report.
import { fail, troubleshootingLink, type CheckDefinition, type CheckOutcome, type CheckResult } from './model.ts';

export const defaultCheckTimeoutMs = 20_000;
export const masked = '***';

/** Replaces every known secret value in a text (whatever the check or its error put there). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join(masked), text);
}

// A timed-out check is also aborted: it closes its clients (a frozen server would otherwise keep a
// socket, and with it the process, alive after the summary).
function withTimeout(check: CheckDefinition, timeoutMs: number): Promise<CheckOutcome> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve(fail(`timed out after ${Math.round(timeoutMs / 1000)} s`));
      abort.abort(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
  });
  let outcome: Promise<CheckOutcome>;
  try {
    outcome = check.run(abort.signal).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  } catch (error) {
    outcome = Promise.resolve(fail(error instanceof Error ? error.message : String(error)));
  }
  return Promise.race([outcome, timeout]).finally(() => {
    clearTimeout(timer);
    // Whatever the check still holds once its result is in, it holds no longer.
    if (!abort.signal.aborted) abort.abort(new Error('the check has ended'));
  });
}

export interface RunOptions {
  secrets?: readonly string[];
  timeoutMs?: number;
  /** How many checks run at once. */
  concurrency?: number;
  onResult?: (result: CheckResult) => void;
}

export async function runChecks(checks: readonly CheckDefinition[], options: RunOptions = {}): Promise<CheckResult[]> {
  const secrets = options.secrets ?? [];
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < checks.length; i = next++) {
      const check = checks[i]!;
      const started = Date.now();
      const outcome = await withTimeout(check, check.timeoutMs ?? options.timeoutMs ?? defaultCheckTimeoutMs);
      const result: CheckResult = {
        name: maskSecrets(check.name, secrets),
        status: outcome.status,
        reason: maskSecrets(outcome.reason, secrets),
        durationMs: Date.now() - started,
        troubleshooting: troubleshootingLink(check.troubleshooting),
      };
      results[i] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return results;
}
