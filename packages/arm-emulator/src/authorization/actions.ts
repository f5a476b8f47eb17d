// How a role's permissions match an action (pure). Azure's rules ("Understand Azure role definitions",
// learn.microsoft.com/azure/role-based-access-control/role-definitions): operation strings are
// case-insensitive; '*' is a wildcard for any characters ('*/read' grants every read,
// 'Microsoft.Authorization/*' every operation of the namespace); a permission block allows an action
// when one of its actions matches and none of its notActions does (notActions subtract within the same
// role, they are not deny rules); dataActions/notDataActions work the same for data-plane operations.
import type { Permission } from './builtin-roles.ts';

const patterns = new Map<string, RegExp>();

export function actionMatches(pattern: string, action: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    patterns.set(pattern, re);
  }
  return re.test(action);
}

/** Whether these permission blocks allow the action (control plane unless `data`). */
export function permissionsAllow(permissions: readonly Permission[], action: string, data = false): boolean {
  return permissions.some((p) => {
    const allow = data ? p.dataActions : p.actions;
    const deny = data ? p.notDataActions : p.notActions;
    return allow.some((a) => actionMatches(a, action)) && !deny.some((a) => actionMatches(a, action));
  });
}

/** A role definition's permissions from its ARM body (properties.permissions), tolerant of missing lists. */
export function permissionsOf(body: Record<string, unknown>): Permission[] {
  const props = (body['properties'] ?? {}) as { permissions?: unknown };
  if (!Array.isArray(props.permissions)) return [];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return props.permissions.map((p) => {
    const o = (p ?? {}) as Record<string, unknown>;
    return { actions: list(o['actions']), notActions: list(o['notActions']), dataActions: list(o['dataActions']), notDataActions: list(o['notDataActions']) };
  });
}
