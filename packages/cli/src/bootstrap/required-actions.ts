// Every action the CI identity needs to deploy, update and destroy every deployment, derived from
// the plans of both deployment shapes (first and follow-up deploy) plus what cf-infra and the
// workflows themselves call. One derivation for bootstrap's coverage check, the role-assignment
// condition and the generated "Permissions" section of docs/infrastructure/Bootstrap.md.
//
// Per planned resource (packages/core/src/arm/required-actions.ts holds ARM's rules):
// - its write and every linked action ARM checks on what the body references (actionsForWrite), the
//   private endpoint approval on each target included: without it the connection stays Pending;
// - its delete (actionOnUnmanage: delete, and destroy) and read (the deploy reads every managed resource);
// - `list*` template functions evaluated inside the deployment, as `<type>/<function>/action` on the
//   listed resource ("ARM template functions - resource: list*": the caller needs that action);
// - for role assignments: the role definition and principal type they grant (the condition).
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { actionPrefix, actionsForDelete, actionsForWrite, roleAssignmentRequest } from '@complianceflow/core/arm/required-actions.ts';
import type { Resource } from '../plan/resources.ts';
import type { DeploymentShape, Shape } from './resource-types.ts';

export type ActionGroup =
  | 'resource writes'
  | 'resource deletes'
  | 'reads'
  | 'linked access checks'
  | 'private endpoint approval'
  | 'template functions'
  | 'deployment stacks'
  | 'destroy'
  | 'validation'
  | 'image builds'
  | 'service releases'
  | 'secrets (data actions)';

export interface NeededAction {
  action: string;
  dataAction: boolean;
  group: ActionGroup;
  /** Why → the deployments (or the cf-infra command / workflow) that need it for that reason. */
  reasons: Map<string, Set<string>>;
  /** Needed only from the second deploy on, by some deployment (false when the first deploy needs it too). */
  followUpOnly: boolean;
}

export interface TemplateGrant {
  deployment: string;
  shape: Shape;
  id: string;
  roleDefinitionGuid: string | undefined;
  principalType: string | undefined;
}

export interface RequiredActions {
  actions: NeededAction[];
  grants: TemplateGrant[];
}

interface StaticNeed {
  action: string;
  dataAction?: true;
  group: ActionGroup;
  why: string;
  by: string;
  /** Needed only when a deployment's stack has deny settings (stg, prod). */
  whenDenySettings?: true;
}

/**
 * What cf-infra and the workflows call besides the resources of the templates. Sources:
 * - Built-in "Azure Deployment Stack Owner" (Microsoft.Resources/deploymentStacks/*, deployments/*):
 *   only it may set deny settings (deploymentStacks/manageDenySetting/action, "Deployment stacks":
 *   "Built-in roles"); deny assignments themselves are created by Azure, never by the caller
 *   ("List Azure deny assignments": "You can't directly create your own deny assignments").
 * - Stack what-if: the deploymentStacksWhatIfResults resource (PUT, POST …/whatIf, DELETE).
 * - "Azure permissions for Compute" (Microsoft.App): jobs/start/action starts an execution,
 *   jobs/stop/execution/action stops one (Jobs_StopExecution); containerApps/revisions/activate|deactivate/action.
 * - "Azure permissions for Containers" (Microsoft.ContainerRegistry): `az acr build` uploads the
 *   source (listBuildSourceUploadUrl/action), queues the run (scheduleRun/action) and streams its log
 *   (runs/listLogSasUrl/action); `docker push` after `az acr login` needs registries/push/write (AcrPush).
 * - "Azure permissions for Security" (Microsoft.KeyVault): locations/deletedVaults/purge/action;
 *   secrets data actions getSecret/setSecret/readMetadata (the vaults use RBAC authorization).
 */
export const pipelineNeeds: readonly StaticNeed[] = [
  { action: 'Microsoft.Resources/deploymentStacks/write', group: 'deployment stacks', why: 'creates or updates the subscription-scoped deployment stack', by: 'cf-infra deploy' },
  { action: 'Microsoft.Resources/deploymentStacks/read', group: 'deployment stacks', why: 'reads the stack (outputs, managed resources)', by: 'cf-infra deploy, what-if, destroy' },
  { action: 'Microsoft.Resources/deploymentStacks/manageDenySetting/action', group: 'deployment stacks', why: 'sets the stack\'s deny settings (denyDelete / denyWriteAndDelete)', by: 'cf-infra deploy', whenDenySettings: true },
  { action: 'Microsoft.Resources/deploymentStacks/delete', group: 'destroy', why: 'deletes the stack with its resources and resource groups', by: 'cf-infra destroy' },
  { action: 'Microsoft.Resources/deployments/write', group: 'deployment stacks', why: 'the stack\'s template deployment and every nested module deployment', by: 'cf-infra deploy' },
  { action: 'Microsoft.Resources/deployments/operations/read', group: 'deployment stacks', why: 'follows the operations of the stack\'s deployment and its nested ones (per-resource progress)', by: 'cf-infra deploy' },
  { action: 'Microsoft.Resources/deployments/whatIf/action', group: 'deployment stacks', why: 'deployment what-if (where stack what-if is not offered)', by: 'cf-infra what-if, deploy' },
  { action: 'Microsoft.Resources/deploymentStacksWhatIfResults/write', group: 'deployment stacks', why: 'creates the stack what-if result', by: 'cf-infra what-if, deploy' },
  { action: 'Microsoft.Resources/deploymentStacksWhatIfResults/whatIf/action', group: 'deployment stacks', why: 'runs the stack what-if', by: 'cf-infra what-if, deploy' },
  { action: 'Microsoft.Resources/deploymentStacksWhatIfResults/delete', group: 'deployment stacks', why: 'deletes the stack what-if result afterwards', by: 'cf-infra what-if, deploy' },
  { action: 'Microsoft.KeyVault/locations/deletedVaults/purge/action', group: 'destroy', why: 'purges the soft-deleted vault when purge protection is off, so a redeploy can reuse the name', by: 'cf-infra destroy' },
  { action: 'Microsoft.App/jobs/start/action', group: 'validation', why: 'starts the in-VNet job (validation checks, the deploy\'s database step)', by: 'cf-infra validate, deploy' },
  { action: 'Microsoft.App/jobs/stop/execution/action', group: 'validation', why: 'stops a job execution that overran its timeout', by: 'cf-infra validate, deploy' },
  { action: 'Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action', group: 'image builds', why: 'uploads the build context of the validation image', by: '.github/actions/deploy (az acr build; deploy.yml, rollout.yml)' },
  { action: 'Microsoft.ContainerRegistry/registries/scheduleRun/action', group: 'image builds', why: 'queues the ACR Tasks build of the validation image', by: '.github/actions/deploy (az acr build; deploy.yml, rollout.yml)' },
  { action: 'Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action', group: 'image builds', why: 'streams the build log', by: '.github/actions/deploy (az acr build; deploy.yml, rollout.yml)' },
  { action: 'Microsoft.ContainerRegistry/registries/push/write', group: 'service releases', why: 'pushes a service image', by: '.github/workflows/reusable-container-deploy.yml (docker push)' },
  { action: 'Microsoft.App/containerApps/write', group: 'service releases', why: 'new revision, revision mode and traffic weights of a service app', by: '.github/workflows/reusable-container-deploy.yml' },
  { action: 'Microsoft.App/containerApps/revisions/activate/action', group: 'service releases', why: 're-activates the previous revision on rollback', by: '.github/workflows/reusable-container-deploy.yml' },
  { action: 'Microsoft.App/containerApps/revisions/deactivate/action', group: 'service releases', why: 'deactivates an unhealthy revision', by: '.github/workflows/reusable-container-deploy.yml' },
  { action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action', dataAction: true, group: 'secrets (data actions)', why: 'reads the generated secrets it checks', by: 'cf-infra validate, secrets' },
  { action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action', dataAction: true, group: 'secrets (data actions)', why: 'writes the generated post-deploy secrets', by: 'cf-infra deploy (secrets phase)' },
  { action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action', dataAction: true, group: 'secrets (data actions)', why: 'lists the secrets that exist', by: 'cf-infra deploy (secrets phase), secrets' },
];


const builtInKeys = new Set(['id', 'type', 'name', 'apiVersion', 'dependsOn', 'condition', 'copy', 'scope']);

/** The body ARM receives for a planned resource: everything but the addressing keys. */
export function bodyOf(resource: Resource): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource).filter(([k]) => !builtInKeys.has(k)));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** `[listKeys('<id>', …)]` and the other list* functions left in the snapshot → `<type>/<function>/action`. */
export function listFunctionActions(resource: Resource): { action: string; listed: string }[] {
  const out: { action: string; listed: string }[] = [];
  for (const s of strings(bodyOf(resource))) {
    for (const m of s.matchAll(/\b(list[A-Za-z]*)\(\s*'([^']+)'/g)) {
      const type = typeOfId(m[2]!);
      if (type !== undefined) out.push({ action: `${actionPrefix(type)}/${m[1]}/action`, listed: type });
    }
  }
  return out;
}

const stripPath = (why: string): string => why.replace(/ \([^)]*\)$/, '');

export function deriveRequiredActions(shapes: readonly DeploymentShape[]): RequiredActions {
  const byAction = new Map<string, NeededAction & { shapes: Set<Shape> }>();
  const need = (action: string, group: ActionGroup, why: string, by: string, shape: Shape | undefined, dataAction = false): void => {
    const key = `${dataAction ? 'data:' : ''}${action.toLowerCase()}`;
    let entry = byAction.get(key);
    if (entry === undefined) byAction.set(key, (entry = { action, dataAction, group, reasons: new Map(), followUpOnly: false, shapes: new Set() }));
    if (!entry.reasons.has(why)) entry.reasons.set(why, new Set());
    entry.reasons.get(why)!.add(by);
    entry.shapes.add(shape ?? 'first deploy');
  };
  const grants: TemplateGrant[] = [];
  for (const { deployment, shape, resources } of shapes) {
    for (const r of resources) {
      const id = String(r['id']);
      const type = String(r['type']);
      const body = bodyOf(r);
      for (const a of actionsForWrite({ id, type, body })) {
        const group: ActionGroup = a.approval === true ? 'private endpoint approval' : a.linked ? 'linked access checks' : 'resource writes';
        need(a.action, group, a.linked ? `${type}: ${stripPath(a.why)}` : stripPath(a.why), deployment, shape);
      }
      for (const a of actionsForDelete(id, type)) need(a.action, a.linked ? 'linked access checks' : 'resource deletes', a.linked ? `${type}: ${a.why}` : a.why, deployment, shape);
      need(`${actionPrefix(type)}/read`, 'reads', 'the deploy reads every managed resource; what-if reads the current state', deployment, shape);
      for (const l of listFunctionActions(r)) need(l.action, 'template functions', `${type}: a list function on ${l.listed} inside the deployment`, deployment, shape);
      if (type.toLowerCase() === 'microsoft.authorization/roleassignments') {
        const request = roleAssignmentRequest(body);
        grants.push({ deployment, shape, id, roleDefinitionGuid: request.roleDefinitionGuid, principalType: request.principalType });
      }
    }
  }
  const withDeny = shapes.some((s) => s.target.resolved.settings.stack.denySettings.mode !== 'none');
  for (const p of pipelineNeeds) {
    if (p.whenDenySettings === true && !withDeny) continue;
    need(p.action, p.group, p.why, p.by, undefined, p.dataAction === true);
  }
  const actions = [...byAction.values()]
    .map(({ shapes: seen, ...a }): NeededAction => ({ ...a, followUpOnly: !seen.has('first deploy') }))
    .sort((a, b) => Number(a.dataAction) - Number(b.dataAction) || a.action.toLowerCase().localeCompare(b.action.toLowerCase()));
  return { actions, grants };
}
