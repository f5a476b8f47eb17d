// ARM error → what a platform engineer needs: headline, what to do, specifics, inner causes.
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import {
  explainAuthorization,
  explainLinkedAuthorization,
  explainPolicy,
  explainQuota,
  explainSku,
  explainStackBusy,
  explainTemplate,
  type Explainer,
} from './explainers.ts';
import { toArmErrorDetail } from './extract.ts';
import type { ArmErrorDetail, ArmErrorExplanation, ExplainContext } from './types.ts';

const explainers: Record<string, Explainer> = {
  requestdisallowedbypolicy: explainPolicy,
  skunotavailable: explainSku,
  quotaexceeded: explainQuota,
  subscriptionquotaexceeded: explainQuota,
  authorizationfailed: explainAuthorization,
  linkedauthorizationfailed: explainLinkedAuthorization,
  deploymentstackinnonterminalstate: explainStackBusy,
  deploymentactive: explainStackBusy,
  invalidtemplate: explainTemplate,
};

/** Errors that only wrap the real ones in `details` (one per failed resource or check). */
const wrapperCodes = new Set([
  'deploymentfailed',
  'invalidtemplatedeployment',
  'resourcedeploymentfailure',
  'deploymentstackdeploymentfailed',
  'multipleerrorsoccurred',
]);

function explainerFor(error: ArmErrorDetail): Explainer | undefined {
  const code = error.code.toLowerCase();
  if (code === 'operationnotallowed' && /quota/i.test(error.message)) return explainQuota;
  return explainers[code];
}

// Wrapper explanations (DeploymentFailed and friends) are flattened: nested wrappers add nothing
// but their target, which the leaf keeps as "via".
const wrappers = new WeakSet<ArmErrorExplanation>();

function flattenWrappers(causes: ArmErrorExplanation[]): ArmErrorExplanation[] {
  return causes.flatMap((cause) => {
    if (!wrappers.has(cause)) return [cause];
    return flattenWrappers(cause.causes).map((leaf) =>
      cause.target === undefined || leaf.target === cause.target ? leaf : { ...leaf, specifics: [...leaf.specifics, `via ${cause.target}`] },
    );
  });
}

function explainDetail(error: ArmErrorDetail, context: ExplainContext): ArmErrorExplanation {
  const base = { code: error.code, message: error.message, ...(error.target === undefined ? {} : { target: error.target }) };
  const causes = error.details.map((d) => explainDetail(d, context));
  const explainer = explainerFor(error);
  if (explainer !== undefined) return { ...base, causes, ...explainer(error, context) };
  if (causes.length > 0 && (wrapperCodes.has(error.code.toLowerCase()) || error.details.length > 0)) {
    const leaves = flattenWrappers(causes);
    const failed = leaves.length === 1 ? '1 inner error' : `${leaves.length} inner errors`;
    const what = error.code.toLowerCase() === 'invalidtemplatedeployment' ? 'ARM refused the deployment at validation' : 'The deployment failed';
    const explanation: ArmErrorExplanation = {
      ...base,
      causes: leaves,
      headline: `${what} (${error.code}): ${failed}${leaves.length === 1 ? ` — ${leaves[0]!.headline}` : ''}`,
      action: leaves.length === 1 ? leaves[0]!.action : 'fix each inner error below, first one first (later ones can be consequences).',
      specifics: [],
      exitCode: leaves.every((c) => c.exitCode === ExitCode.Locked) ? ExitCode.Locked : ExitCode.Failed,
    };
    wrappers.add(explanation);
    return explanation;
  }
  return {
    ...base,
    causes,
    headline: `ARM error ${error.code}: ${error.message || '(no message)'}`,
    action: "read ARM's message; cf-infra has no specific advice for this code yet.",
    specifics: [],
    exitCode: ExitCode.Failed,
  };
}

/**
 * Explains an ARM error: a REST body, an Azure SDK RestError, an ErrorDetail, or a failed stack's
 * properties (`{ error, failedResources }`). Pure: no I/O.
 */
export function explainArmError(error: unknown, context: ExplainContext = {}): ArmErrorExplanation {
  return explainDetail(toArmErrorDetail(error), context);
}

/** The innermost explanations (the failed resources' own errors), depth first. */
export function rootCauses(explanation: ArmErrorExplanation): ArmErrorExplanation[] {
  return explanation.causes.length === 0 ? [explanation] : explanation.causes.flatMap(rootCauses);
}

/** Lines for a terminal or a report: headline, specifics, what to do, then each cause indented. */
export function formatArmError(explanation: ArmErrorExplanation, options: { indent?: string; armMessage?: boolean } = {}): string[] {
  const indent = options.indent ?? '';
  const lines = [`${indent}${explanation.headline}`];
  if (explanation.target !== undefined && !explanation.specifics.some((s) => s.includes(explanation.target!))) {
    lines.push(`${indent}  resource: ${explanation.target}`);
  }
  for (const s of explanation.specifics) lines.push(`${indent}  ${s}`);
  const generic = explainerFor({ code: explanation.code, message: explanation.message, details: [], additionalInfo: [] }) === undefined;
  if (options.armMessage && !generic && explanation.message !== '') lines.push(`${indent}  ARM (${explanation.code}): ${explanation.message}`);
  for (const cause of explanation.causes) {
    const nested = formatArmError(cause, { ...options, indent: `${indent}    ` });
    const head = nested[0]!.trimStart();
    lines.push(`${indent}  - ${head.includes(cause.code) ? head : `${cause.code}: ${head}`}`, ...nested.slice(1));
    if (cause.causes.length === 0) lines.push(`${indent}      what to do: ${cause.action}`);
  }
  return lines;
}

/** A CliError to throw: the message is the explanation, the hint is what to do, the exit code fits. */
export function toCliError(explanation: ArmErrorExplanation, cause?: unknown): CliError {
  const [headline, ...rest] = formatArmError(explanation);
  return new CliError([`${headline} [${explanation.code}]`, ...rest].join('\n'), {
    exitCode: explanation.exitCode,
    hint: explanation.action,
    ...(cause === undefined ? {} : { cause }),
  });
}
