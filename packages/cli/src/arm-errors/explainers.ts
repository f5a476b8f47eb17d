// One explainer per ARM error code a platform engineer meets while deploying: each turns the
// error's facts (from additionalInfo or the message) into a headline, what to do, and specifics.
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { roleGranting } from './roles.ts';
import type { ArmErrorDetail, ArmErrorExplanation, ExplainContext } from './types.ts';

export type Explainer = (error: ArmErrorDetail, context: ExplainContext) => Omit<ArmErrorExplanation, 'code' | 'message' | 'causes' | 'target'> & {
  causes?: ArmErrorExplanation[];
};

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `Resource 'stflow' was disallowed by policy.` → stflow */
function quotedAfter(message: string, pattern: RegExp): string | undefined {
  return pattern.exec(message)?.[1];
}

/** The lines whose fact is known: `fact && \`label: ${fact}\`` leaves out the unknown ones. */
function present(...lines: (string | false | undefined)[]): string[] {
  return lines.filter((line): line is string => typeof line === 'string' && line !== '');
}

/** Who gets the missing action: the deployment role by name when the context knows it. */
function roleHolder(context: ExplainContext): string {
  return context.deploymentRoleName === undefined ? 'the deployment identity\'s role' : `the role "${context.deploymentRoleName}"`;
}

const freshToken = 'if access was granted just now, sign in again (`az login`) or re-run the workflow so a fresh token is used.';

function formatValue(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

export const explainPolicy: Explainer = (error) => {
  const violations = error.additionalInfo.filter((a) => a.type.toLowerCase() === 'policyviolation').map((a) => (a.info ?? {}) as Json);
  const resource = error.target ?? quotedAfter(error.message, /Resource '([^']+)' was disallowed by policy/i);
  const specifics: string[] = [];
  for (const v of violations) {
    const assignment = str(v.policyAssignmentDisplayName) ?? str(v.policyAssignmentName) ?? '?';
    const definition = str(v.policyDefinitionDisplayName) ?? str(v.policyDefinitionName) ?? '?';
    specifics.push(`assignment: ${assignment} (${str(v.policyAssignmentName) ?? '?'}) at ${str(v.policyAssignmentScope) ?? '?'}`);
    specifics.push(`definition: ${definition} (${str(v.policyDefinitionId) ?? str(v.policyDefinitionName) ?? '?'}), effect ${str(v.policyDefinitionEffect) ?? '?'}`);
    if (str(v.policyDefinitionReferenceId)) specifics.push(`in initiative ${str(v.policySetDefinitionName) ?? str(v.policySetDefinitionId) ?? '?'} as ${str(v.policyDefinitionReferenceId)}`);
    const expressions = ((v.evaluationDetails as Json | undefined)?.evaluatedExpressions ?? []) as Json[];
    for (const e of Array.isArray(expressions) ? expressions : []) {
      const field = str(e.path) ?? str(e.expression) ?? '?';
      specifics.push(`rule: ${field} ${str(e.operator) ?? '?'} ${formatValue(e.targetValue)} — the resource has ${formatValue(e.expressionValue)} (${str(e.result) ?? '?'})`);
    }
  }
  if (violations.length === 0) {
    const ids = quotedAfter(error.message, /Policy identifiers: '(.+)'\./i);
    if (ids !== undefined) specifics.push(`policy identifiers: ${ids}`);
  }
  return {
    headline: `Azure Policy denied ${resource === undefined ? 'a resource' : `resource "${resource}"`}${violations.length > 1 ? ` (${violations.length} policies)` : ''}.`,
    action:
      'change the resource (profile or module) so it meets the rule below, or ask the owner of the assignment for an exemption; ' +
      'the offline policy check of `cf-infra plan` runs the repository\'s copy of these rules before anything is sent.',
    specifics,
    exitCode: ExitCode.Failed,
  };
};

export const explainSku: Explainer = (error) => {
  const m = error.message;
  const sku = quotedAfter(m, /for Capacity Restrictions: ([^'"]+?)['"]/i) ?? quotedAfter(m, /SKU '([^']+)'/i) ?? quotedAfter(m, /size '([^']+)'/i);
  const location = quotedAfter(m, /location '([^']+)'/i);
  const zone = quotedAfter(m, /zones? '([^']+)'/i);
  const specifics = present(
    sku && `SKU: ${sku}`,
    location && `region: ${location}`,
    zone && `zone: ${zone}`,
    error.target && `resource: ${error.target}`,
  );
  return {
    headline: `SKU ${sku ?? '(see message)'} is not available${location ? ` in ${location}` : ''} for this subscription.`,
    action:
      'choose another SKU in the environment profile (deployments/profiles/<env>.yaml) or another region/zone. ' +
      `List what the region offers: \`az vm list-skus --location ${location ?? '<region>'} --all --output table\` ` +
      '(or the service\'s own list-skus, e.g. `az postgres flexible-server list-skus --location <region>`); ' +
      'a restriction "NotAvailableForSubscription" needs a support request to lift.',
    specifics,
    exitCode: ExitCode.Failed,
  };
};

export const explainQuota: Explainer = (error) => {
  const m = error.message;
  const number = (label: string): string | undefined => new RegExp(`${label}:\\s*([\\w-]+(?:\\.\\d+)?)`, 'i').exec(m)?.[1];
  const quota = quotedAfter(m, /exceeding (?:the )?approved (.+?) quota/i) ?? quotedAfter(m, /quota (?:for|of) '?([^'.]+)'?/i);
  const location = number('Location');
  const specifics = present(
    quota && `quota: ${quota}`,
    location && `region: ${location}`,
    number('Current Limit') && `limit: ${number('Current Limit')}`,
    number('Current Usage') && `in use: ${number('Current Usage')}`,
    number('Additional Required') && `this deployment needs: ${number('Additional Required')} more`,
    number('\\(Minimum\\) New Limit Required') && `new limit needed: at least ${number('\\(Minimum\\) New Limit Required')}`,
    error.target && `resource: ${error.target}`,
  );
  return {
    headline: `The subscription's ${quota === undefined ? 'quota' : `${quota} quota`} would be exceeded${location ? ` in ${location}` : ''}.`,
    action:
      'request a higher limit (Azure portal > Quotas > "New quota request", or a support request for the service), ' +
      'or size the environment profile down; `az vm list-usage --location <region> -o table` shows compute usage and limits.',
    specifics,
    exitCode: ExitCode.Failed,
  };
};

export const explainAuthorization: Explainer = (error, context) => {
  const m = error.message;
  const action = quotedAfter(m, /perform action '([^']+)'/i);
  const scope = quotedAfter(m, /over scope '([^']+)'/i);
  const client = quotedAfter(m, /(?:client|principal) '([^']+)'/i);
  const objectId = quotedAfter(m, /object id '([^']+)'/i);
  const grant = action === undefined ? undefined : roleGranting(action);
  const who = roleHolder(context);
  const specifics = present(
    action && `missing action: ${action}`,
    scope && `scope: ${scope}`,
    client && `identity: ${client}${objectId && objectId !== client ? ` (object id ${objectId})` : ''}`,
    grant && `built-in role that grants it: ${grant.role}${grant.why ? ` (${grant.why})` : ''}`,
  );
  return {
    headline: `The deploying identity may not ${action ?? 'perform this action'}${scope ? ` on ${scope}` : ''}.`,
    action:
      `add ${action ?? 'the action'} to ${who}${grant ? ` (or assign ${grant.role} at that scope)` : ''}; ` +
      freshToken,
    specifics,
    exitCode: ExitCode.Failed,
  };
};

/**
 * ARM's LinkedAuthorizationFailed: the caller may perform the action on the target but not the
 * action(s) ARM checks on a resource the request references ("…has permission to perform action 'A'
 * on scope 'S'; however, it does not have permission to perform action(s) 'B' on the linked scope(s)
 * 'T'…"). What is missing is the linked action, not the target's.
 */
export const explainLinkedAuthorization: Explainer = (error, context) => {
  const m = error.message;
  const linked = quotedAfter(m, /perform action\(s\) '([^']+)'/i);
  const linkedScope = quotedAfter(m, /linked scope\(s\) '([^']+)'/i);
  if (linked === undefined) return explainAuthorization(error, context);
  const own = quotedAfter(m, /perform action '([^']+)'/i);
  const client = quotedAfter(m, /(?:client|principal) '([^']+)'/i);
  const actions = linked.split(',');
  const grant = roleGranting(actions[0]!);
  const who = roleHolder(context);
  return {
    headline: `The deploying identity may not ${linked} on the linked ${linkedScope ?? 'resource'}${own ? ` (needed for ${own})` : ''}.`,
    action:
      `add ${actions.join(' and ')} to ${who}${grant ? ` (or assign ${grant.role} at that scope)` : ''}; ` +
      freshToken,
    specifics: present(
      `missing linked action: ${linked}`,
      linkedScope && `linked scope: ${linkedScope}`,
      own && `allowed: ${own}${error.target ? ` on ${error.target}` : ''}`,
      client && `identity: ${client}`,
    ),
    exitCode: ExitCode.Failed,
  };
};

export const explainStackBusy: Explainer = (error, context) => {
  const stack = quotedAfter(error.message, /stack '([^']+)'/i) ?? error.target;
  const unlock = context.deployment === undefined ? 'cf-infra unlock <deployment> --force' : `cf-infra unlock ${context.deployment} --force`;
  return {
    headline: `Another operation on deployment stack ${stack === undefined ? '' : `"${stack}" `}is still running.`,
    action:
      'wait for it to finish and run again; `cf-infra list` shows who holds the deployment\'s lock. ' +
      `If no run holds the lock, the stack was changed outside cf-infra (portal, az) — check its activity log; \`${unlock}\` only frees cf-infra's own lock.`,
    specifics: stack === undefined ? [] : [`stack: ${stack}`],
    exitCode: ExitCode.Locked,
  };
};

export const explainTemplate: Explainer = (error, context) => {
  const m = error.message;
  const line = Number(quotedAfter(m, /line '?(\d+)'?/i));
  const column = Number(quotedAfter(m, /(?:column|position) '?(\d+)'?/i));
  const specifics: string[] = [];
  if (Number.isInteger(line) && line > 0) {
    const col = Number.isInteger(column) && column > 0 ? column : 1;
    const source = context.locate?.(line, col);
    specifics.push(`at ${context.templateFile ?? 'template'}:${line}:${col}${source ? ` (${source})` : ''}`);
  }
  const resource = quotedAfter(m, /template resource '([^']+)'/i) ?? error.target;
  if (resource) specifics.push(`resource: ${resource}`);
  return {
    headline: 'ARM rejected the template before deploying anything.',
    action: 'fix the template at the place below; `cf-infra plan` compiles and lints it offline with the same Bicep version.',
    specifics,
    exitCode: ExitCode.Failed,
  };
};
