// Authorization of a template deployment (stack PUT, deployment PUT, validate): ARM deploys as the
// caller. Its preflight checks the caller's write on every resource of the template and refuses the
// whole request with 400 InvalidTemplateDeployment — "The template deployment failed with error:
// 'Authorization failed for template resource '<name>' of type '<type>'. The client … does not have
// permission to perform action '<action>' at scope '<id>'.'" (as ARM answers, e.g.
// Azure-Samples/azure-search-openai-demo#242 and #1483; several: "Deployment failed with multiple
// errors: '…:…'", OfficeDev/microsoft-teams-emergency-operations-center#205). Linked access checks
// happen when ARM writes the resource, so they fail that resource during the deployment with 403
// LinkedAuthorizationFailed (the stack or deployment ends Failed naming it) while the rest is written.
import { actionsForWrite } from '@complianceflow/core/arm/required-actions.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import type { Declared } from '../fill.ts';
import { checkAssignmentCondition, decide, linkedAuthorizationFailed, rbacView, roleAssignmentAttributes, roleAssignmentType, type Attributes } from './engine.ts';
import { connectionStatuses, type ConnectionStatus } from './private-link.ts';

export interface TemplateAccess {
  refused?: Record<string, { code: string; message: string }>;
  connectionStatuses?: Record<string, Record<string, ConnectionStatus>>;
}

export function templateAccess(ctx: Context, principalId: string, resources: readonly Declared[]): TemplateAccess {
  const denied: { code: string; message: string; target: string }[] = [];
  const refused: Record<string, { code: string; message: string }> = {};
  const statuses: Record<string, Record<string, ConnectionStatus>> = {};
  const view = rbacView(ctx);
  for (const r of resources) {
    const write = { id: r.id, type: r.type, body: r.declared };
    const actions = actionsForWrite(write);
    let attributes: Attributes | undefined;
    if (r.type.toLowerCase() === roleAssignmentType) {
      try {
        checkAssignmentCondition(r.declared);
      } catch (error) {
        if (!(error instanceof ArmError)) throw error;
        denied.push({ code: error.body.code, message: `${error.message} (template resource '${r.name}')`, target: r.id });
        continue;
      }
      const existing = ctx.store.data.resources[r.id.toLowerCase()];
      attributes = { request: roleAssignmentAttributes(r.declared), ...(existing === undefined ? {} : { resource: roleAssignmentAttributes(existing.body) }) };
    }
    for (const own of actions.filter((a) => !a.linked)) {
      const decision = decide(ctx, principalId, own.action, own.scope, attributes === undefined ? { view } : { attributes, view });
      if (decision === 'granted') continue;
      const what = decision === 'conditionNotMet' ? 'does not have permission or an ABAC condition not fulfilled' : 'does not have permission';
      denied.push({
        code: 'AuthorizationFailed',
        message: `Authorization failed for template resource '${r.name}' of type '${r.type}'. The client '${principalId}' with object id '${principalId}' ${what} to perform action '${own.action}' at scope '${own.scope}'.`,
        target: r.id,
      });
    }
    const missing = actions.filter((a) => a.linked && a.approval !== true && decide(ctx, principalId, a.action, a.scope, { view }) !== 'granted');
    if (missing.length > 0) refused[r.id.toLowerCase()] = linkedAuthorizationFailed(principalId, actions[0]!, missing).body as { code: string; message: string };
    if (r.type.toLowerCase() === 'microsoft.network/privateendpoints') statuses[r.id.toLowerCase()] = connectionStatuses(ctx, principalId, write);
  }
  if (denied.length > 0) {
    const message = denied.length === 1 ? `The template deployment failed with error: '${denied[0]!.message}'.` : `Deployment failed with multiple errors: '${denied.map((d) => d.message).join(':')}'`;
    throw new ArmError(400, 'InvalidTemplateDeployment', message, { details: denied.map((d) => ({ code: d.code, message: d.message, target: d.target })) });
  }
  return { ...(Object.keys(refused).length === 0 ? {} : { refused }), ...(Object.keys(statuses).length === 0 ? {} : { connectionStatuses: statuses }) };
}
