// Deny settings of deployment stacks, enforced on direct writes and deletes of the resources a
// stack manages (the stack itself is exempt). ARM answers such a request with 403
// DenyAssignmentAuthorizationFailed naming the deny assignment.
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { asObject } from './http.ts';
import { isWithin } from './ids.ts';
import { guidFrom } from './fill.ts';

const matchesAction = (pattern: string, action: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

/** `exemptStackId`: a stack is never blocked by its own deny settings. */
export function checkDenySettings(ctx: Context, id: string, type: string, operation: 'write' | 'delete', principalId: string, exemptStackId?: string): void {
  const action = `${type}/${operation}`;
  for (const stack of Object.values(ctx.store.data.stacks)) {
    if (exemptStackId !== undefined && String(stack.body.id).toLowerCase() === exemptStackId.toLowerCase()) continue;
    const props = asObject(stack.body.properties) ?? {};
    const deny = asObject(props.denySettings) ?? {};
    const mode = String(deny.mode ?? 'none');
    if (mode === 'none' || (mode === 'denyDelete' && operation !== 'delete')) continue;
    if (((deny.excludedPrincipals as string[] | undefined) ?? []).some((p) => p.toLowerCase() === principalId.toLowerCase())) continue;
    if (((deny.excludedActions as string[] | undefined) ?? []).some((a) => matchesAction(a, action))) continue;
    const managed = ((props.resources as { id: string }[] | undefined) ?? []).map((r) => r.id);
    const covered = managed.some((m) => m.toLowerCase() === id.toLowerCase() || (deny.applyToChildScopes === true && isWithin(id, m)));
    if (!covered) continue;
    const stackId = String(stack.body.id);
    throw new ArmError(
      403,
      'DenyAssignmentAuthorizationFailed',
      `The client '${principalId}' with object id '${principalId}' has permission to perform action '${action}' on scope '${id}'; however, the access is denied because of the deny assignment with name 'Deny assignment created by Deployment Stack '${stackId}'.' and Id '${guidFrom(stackId).replaceAll('-', '')}' at scope '/subscriptions/${ctx.subscriptionId}'.`,
    );
  }
}
