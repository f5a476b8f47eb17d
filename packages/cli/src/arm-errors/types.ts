import type { ExitCode } from '@complianceflow/core/exit-codes.ts';

/** ARM's error shape (common-types ErrorDetail): code, message, target, nested details, additionalInfo. */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details: ArmErrorDetail[];
  additionalInfo: { type: string; info: unknown }[];
}

/** What a platform engineer needs from an ARM error. */
export interface ArmErrorExplanation {
  /** ARM's error code, kept as it is. */
  code: string;
  /** One line: what went wrong, in our words. */
  headline: string;
  /** What to do about it. */
  action: string;
  /** The facts taken from the error: which assignment, SKU, quota, action, line... */
  specifics: string[];
  /** Inner errors (DeploymentFailed: one per failed resource, recursively). */
  causes: ArmErrorExplanation[];
  /** The resource (id or name) the error is about, when ARM says. */
  target?: string;
  /** ARM's own message, kept for the record. */
  message: string;
  exitCode: ExitCode;
}

export interface ExplainContext {
  /** Name of the custom role the deployment identity holds (bootstrap creates it), named in AuthorizationFailed advice. */
  deploymentRoleName?: string;
  /** The deployment being deployed, for advice that names commands (`cf-infra unlock <d>`). */
  deployment?: string;
  /** The compiled template file, for InvalidTemplate line numbers. */
  templateFile?: string;
  /** Maps a line/column of the compiled template back to a source (e.g. a Bicep file), when known. */
  locate?: (line: number, column: number) => string | undefined;
}
