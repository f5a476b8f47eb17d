// A failed stack call as the explanation a platform engineer needs (arm-errors), with ARM's own
// error body: when a long-running operation fails, the SDK's error keeps only code and message,
// while ARM's body also names the inner errors (the policy assignment, the failed resources).
import { CliError } from '@complianceflow/core/errors.ts';
import { explainArmError, toCliError } from '../arm-errors/index.ts';

export interface ErrorBodies {
  last: unknown;
  onResponse: (raw: { parsedBody?: unknown; bodyAsText?: string | null }) => void;
}

/** Keeps the last ARM error body seen on any response of an operation, polls included. */
export function errorBodies(): ErrorBodies {
  const seen: ErrorBodies = {
    last: undefined,
    onResponse(raw) {
      let body = raw.parsedBody;
      if (body === undefined && typeof raw.bodyAsText === 'string') {
        try {
          body = JSON.parse(raw.bodyAsText);
        } catch {
          body = undefined;
        }
      }
      if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object') seen.last = body;
    },
  };
  return seen;
}

export const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

export function armFailure(error: unknown, deployment: string): CliError {
  if (error instanceof CliError) return error;
  return toCliError(explainArmError(error, { deployment }), error);
}
