// A new subscription has an owner: the emulator's default principal (what people's tokens carry)
// holds Owner on the subscription, as a role assignment stored like any other (visible through GET,
// removable), the way Azure makes a subscription's creator its Owner. Everyone else gets exactly what
// role assignments give them.
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import type { Context } from '../context.ts';
import { guidFrom } from '../fill.ts';
import { putResource } from '../store-ops.ts';
import { ownerRoleId } from './builtin-roles.ts';
import { assignments } from './engine.ts';

export function ownerAssignmentId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${guidFrom(`${subscriptionId}|owner|${defaultEmulatorPrincipalId}`)}`;
}

/** Seeds the Owner assignment when the subscription has no Owner at its scope (a new state, or one from before authorization). */
export function seedSubscriptionOwner(ctx: Context): boolean {
  const scope = `/subscriptions/${ctx.subscriptionId}`.toLowerCase();
  if (assignments(ctx).some((a) => a.roleGuid === ownerRoleId && a.scope.toLowerCase() === scope)) return false;
  const id = ownerAssignmentId(ctx.subscriptionId);
  putResource(ctx, {
    id,
    type: 'Microsoft.Authorization/roleAssignments',
    name: id.split('/').pop()!,
    apiVersion: '2022-04-01',
    declared: {
      properties: {
        roleDefinitionId: `/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ownerRoleId}`,
        principalId: defaultEmulatorPrincipalId,
        principalType: 'User',
        scope: `/subscriptions/${ctx.subscriptionId}`,
        description: 'Owner of the emulated subscription (seeded: the default principal of emulator tokens)',
      },
    },
  });
  return true;
}
