// Transient faults (429/500/503 with Retry-After) at a given rate, spaced deterministically so a
// test knows that a retry succeeds: with rate r, request k fails when floor((k+1)·r) > floor(k·r).
import { ArmError } from './errors.ts';
import type { FaultOptions } from './options.ts';

const messages: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits'],
  500: ['InternalServerError', 'Encountered internal server error. Diagnostic information: timestamp, subscription id, tracking id, request correlation id.'],
  503: ['ServiceUnavailable', 'The service is currently unavailable. Please retry the request later.'],
};

export class TransientFaults {
  private count = 0;
  private faults = 0;
  private readonly options: FaultOptions;
  constructor(options: FaultOptions = {}) {
    this.options = options;
  }

  /** Throws the transient error this request gets, if any. */
  check(): void {
    const rate = this.options.transientRate ?? 0;
    if (rate <= 0) return;
    const k = this.count++;
    if (Math.floor((k + 1) * rate) <= Math.floor(k * rate)) return;
    const statuses = this.options.transientStatuses ?? [429, 500, 503];
    const status = statuses[this.faults++ % statuses.length]!;
    const [code, message] = messages[status] ?? ['TransientFault', 'A transient fault was injected.'];
    throw new ArmError(status, code, message, {}, { 'retry-after': String(this.options.retryAfterSeconds ?? 1) });
  }
}

/** The ARM error code a resource type is configured to fail with, if any. */
export function failureFor(options: FaultOptions | undefined, type: string): string | undefined {
  for (const [t, code] of Object.entries(options?.failingTypes ?? {})) if (t.toLowerCase() === type.toLowerCase()) return code;
  return undefined;
}
