// cf-infra bootstrap as a sequence of idempotent steps (one listr2 task each): every step reads the
// current state, computes the desired state and writes only the difference. A rerun after a failure
// resumes: the finished steps report "unchanged".
import { Listr } from 'listr2';
import { createArmClients, type ArmTarget } from '../arm/clients.ts';
import { defaultEmulatorTenantId, emulatorCiPrincipalId, emulatorPrPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { explainArmError, formatArmError } from '../arm-errors/index.ts';
import { loadRegistry } from '../config/registry.ts';
import type { Registry } from '../config/types.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { defaultLockContainer } from '../lock/index.ts';
import { loadPolicyLibrary, type PolicyLibrary } from '@complianceflow/core/policy/index.ts';
import { armRest, type ArmRest } from './arm-rest.ts';
import { ciFederatedCredentials, federatedCredentialLimitProblem, prFederatedCredentials, type FederatedCredential } from './ci-identity.ts';
import { loadBootstrapConfig, type BootstrapConfig } from './config.ts';
import { describeMissing, loadDeploymentRole, missingActions, type DeploymentRole } from './deployment-role.ts';
import * as desired from './desired.ts';
import { ghAvailable, githubVariables, setGithubVariables } from './github-variables.ts';
import { ensureAppIdentity } from './graph.ts';
import { registerProviders } from './providers.ts';
import { itemLine, reconcile, stepStatus, type ItemResult, type StepContext } from './reconcile.ts';
import { deriveRequiredActions } from './required-actions.ts';
import { allTypes, namespacesToRegister, type DeploymentShape } from './resource-types.ts';
import { loadRoleFile, prWhatIfRoleFile, type CustomRole } from './role-file.ts';
import { allowedRoleDefinitions, roleAssignmentCondition } from './role-condition.ts';

/** Stands in for the CI service principal against the emulator only (Graph is not emulated). */
export const emulatorPlaceholderPrincipal: desired.CiPrincipal = {
  objectId: emulatorCiPrincipalId,
  label: 'EMULATOR PLACEHOLDER principal (no CI identity: Microsoft Graph is not emulated)',
};

/** Stands in for the pull-request service principal against the emulator only. */
export const emulatorPlaceholderPrPrincipal: desired.CiPrincipal = {
  objectId: emulatorPrPrincipalId,
  label: 'EMULATOR PLACEHOLDER pull-request principal (no PR identity: Microsoft Graph is not emulated)',
};

/** Attempts at the role assignments while a new service principal replicates. */
const principalRetries = 6;

export type BootstrapTarget = { kind: 'azure' } | { kind: 'emulator'; endpoint: string; caPem: string };

export interface BootstrapOptions {
  subscriptionId: string;
  target: BootstrapTarget;
  dryRun: boolean;
  root?: string;
  policiesDir?: string;
  renderer?: 'default' | 'simple' | 'silent';
  now?: Date;
  print?: (line: string) => void;
  /** Set the GitHub variables with gh when it is there and logged in (default true; never against the emulator). */
  setGithubVariables?: boolean;
  pollIntervalMs?: number;
  /** Microsoft Graph: another endpoint (tests) and the waits while a new app replicates. */
  graph?: { endpoint?: string; replicationDelaysMs?: readonly number[] };
}

export interface Prepared {
  registry: Registry;
  config: BootstrapConfig;
  library: PolicyLibrary;
  role: DeploymentRole;
  prRole: CustomRole;
  /** The federated credentials of each app registration. */
  federated: { ci: FederatedCredential[]; pr: FederatedCredential[] };
  input: desired.BootstrapInput;
  namespaces: string[];
  /** The condition on the deployment role's assignment (set by checkRoleCoverage). */
  deploymentRoleCondition: string;
}

/**
 * Everything that can refuse bad input, before any request: the registry (budgets, contacts),
 * deployments/bootstrap.yaml, every policy file (JSON, aliases, operators) and the deployment role.
 */
export function prepareBootstrap(options: Pick<BootstrapOptions, 'subscriptionId' | 'root' | 'policiesDir' | 'now'>): Prepared {
  const registry = loadRegistry(options.root);
  const config = loadBootstrapConfig(registry);
  const library = loadPolicyLibrary(options.policiesDir);
  const role = loadDeploymentRole(registry.root);
  const prRole = loadRoleFile(registry.root, prWhatIfRoleFile);
  const federated = { ci: ciFederatedCredentials(config.github, desired.environments(registry)), pr: prFederatedCredentials(config.github) };
  // Entra's per-app limit, for what bootstrap wants alone: refused before any request.
  const tooMany = [federatedCredentialLimitProblem(config.ciIdentity.displayName, federated.ci), federatedCredentialLimitProblem(config.prIdentity.displayName, federated.pr)].filter((p) => p !== undefined);
  if (tooMany.length > 0) throw new UsageError(tooMany.join('; '), 'each environment adds a federated credential to the CI identity: fewer environments (deployments/profiles), or one subscription per group of environments');
  const input: desired.BootstrapInput = { subscriptionId: options.subscriptionId, config, registry, lockContainer: defaultLockContainer, now: options.now ?? new Date() };
  return { registry, config, library, role, prRole, federated, input, namespaces: [], deploymentRoleCondition: '' };
}

/**
 * The role-coverage check (GUIDE section 3), before anything is written: the deployment role must
 * grant every action the first and the follow-up deploy of every deployment need
 * (required-actions.ts). Fails (exit 1) with the missing actions, grouped; returns the provider
 * namespaces to register and the condition on the role's assignment.
 */
export function checkRoleCoverage(prepared: Prepared, shapes: readonly DeploymentShape[]): Prepared {
  const required = deriveRequiredActions(shapes);
  const missing = missingActions(prepared.role, required);
  if (missing.length > 0) {
    throw new CliError(`the deployment role (deployments/roles/cf-deployment.json) lacks ${missing.length} action(s) the deployments need:\n${describeMissing(missing)}`, {
      exitCode: ExitCode.Failed,
      hint: 'add the missing actions to deployments/roles/cf-deployment.json (then npm run docs:generate), and rerun bootstrap',
    });
  }
  const condition = roleAssignmentCondition(allowedRoleDefinitions(required.grants));
  return { ...prepared, namespaces: namespacesToRegister(allTypes(shapes)), deploymentRoleCondition: condition };
}

export interface StepReport {
  title: string;
  status: string;
  items: ItemResult[];
}

export interface BootstrapReport {
  steps: StepReport[];
  /** Write requests sent to ARM (0 on a dry run and on a rerun with nothing to change). */
  armWrites: number;
  variables: Record<string, string>;
  changed: boolean;
}

interface Identity {
  principal: desired.CiPrincipal;
  clientId: string;
}

interface RunState {
  rest: ArmRest;
  ci?: Identity;
  pr?: Identity;
  tenantId?: string;
}

export async function runBootstrap(prepared: Prepared, options: BootstrapOptions): Promise<BootstrapReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const emulator = options.target.kind === 'emulator';
  const armTarget: ArmTarget = options.target.kind === 'emulator'
    ? { kind: 'emulator', subscriptionId: options.subscriptionId, endpoint: options.target.endpoint, caPem: options.target.caPem }
    : { kind: 'azure', subscriptionId: options.subscriptionId };
  const clients = createArmClients(armTarget);
  const rest = armRest(clients, options.target.kind === 'emulator' ? options.target.endpoint : 'https://management.azure.com', options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs });
  const ctx: StepContext = { rest, dryRun: options.dryRun, emulator };
  const state: RunState = { rest };
  const { input } = prepared;
  const reports: StepReport[] = [];

  const arm = (title: string, build: () => desired.DesiredResource[]) => ({ title, run: () => reconcile(ctx, build()) });
  function identityStep(key: 'ci' | 'pr', who: string, title: string, displayName: string, federated: readonly FederatedCredential[], placeholder: desired.CiPrincipal) {
    return {
      title,
      run: async (): Promise<ItemResult[]> => {
        // Against the emulator Graph is not there: placeholders, unless a Graph endpoint is given (tests' loopback Graph).
        if (emulator && options.graph?.endpoint === undefined) {
          state[key] = { principal: placeholder, clientId: `(emulator: no app registration, object id ${placeholder.objectId})` };
          return [{ label: who, action: 'skipped', detail: 'Microsoft Graph is not emulated' }];
        }
        const result = await ensureAppIdentity(clients.credential, { displayName, federated, dryRun: options.dryRun, ...(options.graph ?? {}) });
        state[key] = { principal: { objectId: result.servicePrincipalObjectId, label: `service principal of ${displayName}` }, clientId: result.appId };
        const items: ItemResult[] = [
          ...result.changes.map((c): ItemResult => ({ label: c.label, action: c.action, ...(c.detail === undefined ? {} : { detail: c.detail }) })),
          ...result.unchanged.map((label): ItemResult => ({ label, action: 'unchanged' })),
        ];
        if (result.secretCount > 0) items.push({ label: `${result.secretCount} client secret(s) on ${displayName}`, action: 'skipped', detail: 'remove them: the pipeline uses federation only' });
        return items;
      },
    };
  }
  function assignmentStep(title: string, identity: () => Identity | undefined, build: (principal: desired.CiPrincipal) => desired.DesiredResource[]) {
    return {
      title,
      run: async (): Promise<ItemResult[]> => {
        const principal = identity()?.principal;
        if (principal === undefined || principal.objectId === '(new)') return [{ label: 'role assignments', action: 'create', detail: 'for the service principal created above' }];
        const assignments = build(principal);
        // A service principal created seconds ago may not have replicated to ARM yet (PrincipalNotFound).
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await reconcile(ctx, assignments);
          } catch (error) {
            if ((error as { code?: string }).code !== 'PrincipalNotFound' || attempt >= principalRetries) throw error;
            await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 10000));
          }
        }
      },
    };
  }
  const steps: { title: string; run: () => Promise<ItemResult[]> }[] = [
    {
      title: 'Subscription',
      run: async () => {
        const sub = await rest.get(`/subscriptions/${options.subscriptionId}`, '2022-12-01');
        if (sub === undefined) throw Object.assign(new Error(`subscription ${options.subscriptionId} was not found (or this login cannot see it)`), { code: 'SubscriptionNotFound' });
        state.tenantId = String(sub['tenantId'] ?? (emulator ? defaultEmulatorTenantId : ''));
        return [{ label: `subscription ${String(sub['displayName'] ?? options.subscriptionId)} (tenant ${state.tenantId})`, action: 'unchanged' }];
      },
    },
    { title: 'Resource providers', run: () => registerProviders(ctx, prepared.namespaces) },
    arm('Shared resource groups', () => desired.resourceGroups(input)),
    arm('Network watchers', () => desired.networkWatchers(input)),
    arm('Artifacts storage account, lock and validation results containers', () => desired.artifactsStorage(input)),
    arm('Monthly budgets (50/80/100 % actual, 100 % forecast)', () => desired.budgets(input)),
    arm('Cost anomaly alerts', () => desired.costAnomalyAlert(input)),
    arm('Policy definitions, initiative and assignments', () => desired.policies(input, prepared.library)),
    arm('Deployment role', () => [desired.deploymentRoleDefinition(input, prepared.role)]),
    arm('Pull-request what-if role', () => [desired.customRoleDefinition(input, prepared.prRole)]),
    identityStep('ci', 'CI identity', 'CI identity (app registration, service principal, federated credentials)', prepared.config.ciIdentity.displayName, prepared.federated.ci, emulatorPlaceholderPrincipal),
    identityStep('pr', 'pull-request identity', 'Pull-request identity (app registration, service principal, federated credential)', prepared.config.prIdentity.displayName, prepared.federated.pr, emulatorPlaceholderPrPrincipal),
    assignmentStep('Role assignments of the CI identity (least privilege)', () => state.ci, (principal) => desired.roleAssignments(input, prepared.role, principal, prepared.deploymentRoleCondition)),
    assignmentStep('Role assignments of the pull-request identity (read and what-if only)', () => state.pr, (principal) => desired.prRoleAssignments(input, prepared.prRole, principal)),
  ];

  const tasks = new Listr(
    steps.map((step) => ({
      title: step.title,
      task: async (_: unknown, task: { title: string }) => {
        let items: ItemResult[];
        try {
          items = await step.run();
        } catch (error) {
          throw stepFailure(step.title, error);
        }
        const status = stepStatus(items, options.dryRun);
        reports.push({ title: step.title, status, items });
        task.title = `${step.title}: ${status}`;
      },
    })),
    { concurrent: false, exitOnError: true, renderer: options.renderer ?? 'simple', fallbackRenderer: 'simple', rendererOptions: {} },
  );
  try {
    await tasks.run();
  } finally {
    for (const report of reports) {
      print(`${report.title}: ${report.status}`);
      for (const item of report.items) if (item.action !== 'unchanged' || report.items.length <= 12) print(`  ${itemLine(item, options.dryRun)}`);
    }
  }

  const variables = githubVariables({
    clientId: state.ci?.clientId ?? '',
    prClientId: state.pr?.clientId ?? '',
    tenantId: state.tenantId ?? '',
    subscriptionId: options.subscriptionId,
    artifactsAccountUrl: desired.artifactsAccountUrl(options.subscriptionId),
    lockContainer: input.lockContainer,
  });
  const changed = reports.some((r) => r.items.some((i) => i.action === 'create' || i.action === 'update' || i.action === 'delete'));
  print('');
  print(options.dryRun ? (changed ? 'Dry run: the changes above were NOT made.' : 'Dry run: nothing to change.') : changed ? 'Bootstrap done.' : 'Bootstrap: nothing changed (everything was already in place).');
  const repo = `${prepared.config.github.owner}/${prepared.config.github.repo}`;
  const canSet = !emulator && !options.dryRun && options.setGithubVariables !== false && (await ghAvailable());
  if (canSet) {
    await setGithubVariables(repo, variables);
    print(`GitHub variables set on ${repo} with gh: ${Object.keys(variables).join(', ')}`);
  } else {
    print(`GitHub Actions variables for ${repo} (Settings → Secrets and variables → Actions → Variables; none is a secret):`);
    for (const [name, value] of Object.entries(variables)) print(`  ${name}=${value}`);
  }
  return { steps: reports, armWrites: rest.writes, variables, changed };
}

function stepFailure(title: string, error: unknown): CliError {
  if (error instanceof CliError) return new CliError(`bootstrap step "${title}" failed: ${error.message}`, { exitCode: error.exitCode, ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error });
  const explanation = explainArmError(error, { deploymentRoleName: 'ComplianceFlow Deployment (cf-infra)' });
  const [headline, ...rest] = formatArmError(explanation);
  return new CliError(`bootstrap step "${title}" failed: ${headline}${rest.length > 0 ? `\n${rest.join('\n')}` : ''}`, {
    exitCode: explanation.exitCode,
    hint: `${explanation.action} Then rerun cf-infra bootstrap: the finished steps report "unchanged" and it resumes here.`,
    cause: error,
  });
}
