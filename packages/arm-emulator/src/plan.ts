// From a submitted template to what ARM would create: expand it with the real engine, check it
// the way ARM's preflight does (known providers, policy), and apply it when the operation ends.
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { TemplateError, type Expansion } from './expansion.ts';
import { failureFor } from './faults.ts';
import type { Declared } from './fill.ts';
import { findProvider, findType } from './catalog.ts';
import { asObject } from './http.ts';
import { resolveOutputs } from './outputs.ts';
import { checkPolicy, policyView } from './policy.ts';
import { checkDenySettings } from './deny.ts';
import { createManagedGroups } from './managed-groups.ts';
import { secureValues, withoutSecureOutputs } from './secure.ts';
import { putResource } from './store-ops.ts';
import { latencyFor } from './context.ts';
import { templateAccess } from './authorization/template-access.ts';
import { applyConnectionStatuses, type ConnectionStatus } from './authorization/private-link.ts';

export interface Plan {
  resources: Declared[];
  outputs: Record<string, unknown>;
  /** Output types from the template ('string', 'object' …), for the { type, value } answer. */
  outputTypes: Record<string, string>;
  durationMs: number;
  /** Resources ARM refuses when it writes them as the caller (403 LinkedAuthorizationFailed), by lower-case id. */
  refused?: Record<string, { code: string; message: string }>;
  /** Private endpoint id (lower case) → target id (lower case) → the connection's state for this caller. */
  connectionStatuses?: Record<string, Record<string, ConnectionStatus>>;
}

export interface TemplateRequest {
  template: unknown;
  templateLink: unknown;
  parameters: unknown;
  location: string;
  deploymentName: string;
  /** Who deploys: deny settings of stacks apply to their writes (preflight, 403 like ARM's authorization check). */
  principalId: string;
  /** The stack being deployed (its own deny settings do not apply to it). */
  stackId?: string;
  /** Authorize every resource as the caller (deploy, validate); what-if reads only. Default true. */
  checkAccess?: boolean;
}

/**
 * Whether a validate or what-if request checks the caller's write rights on each resource: its
 * `properties.validationLevel` — Provider (the default) does, ProviderNoRbac and Template do not
 * (KnownValidationLevel in @azure/arm-resourcesdeployments and @azure/arm-resourcesdeploymentstacks:
 * "Skips validating that the caller has RBAC write permissions on each resource"). The requests
 * themselves (deployments/whatIf/action, deploymentStacksWhatIfResults/write) are authorized anyway.
 */
export function checksCallerAccess(properties: Record<string, unknown>): boolean {
  const level = properties.validationLevel ?? 'Provider';
  const allowed = ['Template', 'Provider', 'ProviderNoRbac'];
  if (typeof level !== 'string' || !allowed.includes(level)) {
    throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: 'properties.validationLevel' is '${String(level)}'; allowed values: ${allowed.join(', ')}.`);
  }
  return level === 'Provider';
}

export async function planTemplate(ctx: Context, req: TemplateRequest): Promise<Plan> {
  const template = asObject(req.template);
  if (template === undefined) {
    if (req.templateLink !== undefined) throw new ArmError(400, 'InvalidTemplate', 'Deployment template validation failed: templateLink is not supported by the local emulator; send the template inline.');
    throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Either 'template' or 'templateLink' must be specified.'.");
  }
  const parameters = asObject(req.parameters ?? {});
  if (parameters === undefined) throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'parameters must be an object.'.");
  // Every endpoint that takes a template comes through here: its secure values are never stored in clear.
  ctx.store.rememberSecrets(secureValues(template, parameters));
  let expansion: Expansion;
  try {
    expansion = await ctx.expander.expand({
      template,
      parameters,
      metadata: { subscriptionId: ctx.subscriptionId, tenantId: ctx.tenantId, location: req.location, deploymentName: req.deploymentName },
    });
  } catch (error) {
    if (error instanceof TemplateError) throw new ArmError(400, 'InvalidTemplate', `Deployment template validation failed: '${error.message}'.`);
    throw error;
  }
  const denials: ArmError[] = [];
  const policies = policyView(ctx.store.data.resources);
  for (const r of expansion.resources) {
    const namespace = r.type.split('/')[0] ?? '';
    // ARM validates every resource's type against its provider before anything is written; a type the
    // emulator does not know would otherwise "deploy" and then 404 on every read.
    if (findProvider(namespace) === undefined || findType(r.type) === undefined) {
      throw new ArmError(400, 'InvalidTemplateDeployment', `The template deployment '${req.deploymentName}' is not valid according to the validation procedure.`, {
        details: [{ code: 'NoRegisteredProviderFound', message: `No registered resource provider found for location '${req.location}' and API version '${r.apiVersion}' for type '${r.type}'.` }],
      });
    }
    checkDenySettings(ctx, r.id, r.type, 'write', req.principalId, req.stackId);
    try {
      checkPolicy(ctx.policy, policies, { id: r.id, type: r.type, name: r.name, body: r.declared });
    } catch (error) {
      if (error instanceof ArmError) denials.push(error);
      else throw error;
    }
  }
  if (denials.length > 0) {
    throw new ArmError(400, 'InvalidTemplateDeployment', `The template deployment failed because of policy violation. Please see details for more information.`, { details: denials.map((d) => d.body) });
  }
  const access = req.checkAccess === false ? {} : templateAccess(ctx, req.principalId, expansion.resources);
  const outputTypes: Record<string, string> = {};
  for (const [name, o] of Object.entries(asObject(template.outputs) ?? {})) outputTypes[name] = String(asObject(o)?.type ?? 'string');
  // Secure outputs are never answered with nor recorded (secure.ts): not even kept in the plan.
  const outputs = withoutSecureOutputs(asObject(expansion.outputs) ?? {}, template);
  return { resources: expansion.resources, outputs, outputTypes, durationMs: latencyFor(ctx, expansion.resources.map((r) => r.type)), ...access };
}

export interface Applied {
  created: string[];
  failed: { id: string; error: { code: string; message: string } }[];
  outputs: Record<string, { type: string; value: unknown }>;
  unresolvedOutputs: string[];
}

/** How a planned resource fails before it is written: refused for the caller, or of a type configured to fail. */
export function knownFailure(ctx: Context, plan: Plan, r: Declared): { code: string; message: string } | undefined {
  const refusal = plan.refused?.[r.id.toLowerCase()];
  if (refusal !== undefined) return refusal;
  const code = failureFor(ctx.options.faults, r.type);
  return code === undefined ? undefined : { code, message: `The resource operation completed with terminal provisioning state 'Failed' (${code}).` };
}

const capitalise = (s: string): string => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));

/** Writes the planned resources (all but those of a type configured to fail) and computes outputs. */
export function applyPlan(ctx: Context, plan: Plan): Applied {
  const created: string[] = [];
  const failed: Applied['failed'] = [];
  for (const r of plan.resources) {
    const known = knownFailure(ctx, plan, r);
    if (known !== undefined) {
      failed.push({ id: r.id, error: known });
      continue;
    }
    const groupFailure = createManagedGroups(ctx, r);
    if (groupFailure !== undefined) {
      failed.push({ id: r.id, error: groupFailure });
      continue;
    }
    putResource(ctx, r);
    created.push(r.id);
  }
  for (const [endpoint, statuses] of Object.entries(plan.connectionStatuses ?? {})) applyConnectionStatuses(ctx, endpoint, statuses);
  const resolved = resolveOutputs(plan.outputs, ctx.store.data.resources);
  const values = asObject(resolved.value) ?? {};
  const outputs: Applied['outputs'] = {};
  for (const [name, value] of Object.entries(values)) outputs[name] = { type: capitalise(plan.outputTypes[name] ?? 'string'), value };
  if (resolved.unresolved.length > 0) ctx.log(`outputs left unresolved: ${resolved.unresolved.join(', ')}`);
  return { created, failed, outputs, unresolvedOutputs: resolved.unresolved };
}

export const isoDuration = (ms: number): string => `PT${(ms / 1000).toFixed(3)}S`;
