// cf-infra bootstrap: the checks that refuse bad input before any request (prepareBootstrap,
// checkRoleCoverage), then the step list (bootstrap-steps.ts) run by the runner.
import { createArmClients, type ArmTarget } from '../arm/clients.ts';
import { loadRegistry } from '../config/registry.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { defaultLockContainer } from '../lock/location.ts';
import { loadPolicyLibrary } from '@complianceflow/core/policy/index.ts';
import { createProgress } from '../runner/progress.ts';
import { runSteps } from '../runner/run-steps.ts';
import { newRunState } from '../runner/steps.ts';
import { armResources } from '../arm/resources-by-id.ts';
import { bootstrapSteps } from './bootstrap-steps.ts';
import { ciFederatedCredentials, federatedCredentialLimitProblem, prFederatedCredentials } from './ci-identity.ts';
import { loadBootstrapConfig } from './config.ts';
import type { BootstrapContext, BootstrapOptions, BootstrapReport, Prepared } from './context.ts';
import { describeMissing, loadDeploymentRole, missingActions } from './deployment-role.ts';
import * as desired from './desired.ts';
import { deriveRequiredActions } from './required-actions.ts';
import { allTypes, namespacesToRegister, type DeploymentShape } from './resource-types.ts';
import { loadRoleFile, prWhatIfRoleFile } from './role-file.ts';
import { allowedRoleDefinitions, roleAssignmentCondition } from './role-condition.ts';

export { emulatorPlaceholderPrincipal, emulatorPlaceholderPrPrincipal } from './bootstrap-steps.ts';
export type { BootstrapOptions, BootstrapReport, BootstrapTarget, Prepared, StepReport } from './context.ts';

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

export async function runBootstrap(prepared: Prepared, options: BootstrapOptions): Promise<BootstrapReport> {
  const emulator = options.target.kind === 'emulator';
  const armTarget: ArmTarget = options.target.kind === 'emulator'
    ? { kind: 'emulator', subscriptionId: options.subscriptionId, endpoint: options.target.endpoint, caPem: options.target.caPem }
    : { kind: 'azure', subscriptionId: options.subscriptionId };
  const clients = createArmClients(armTarget);
  const rest = armResources(clients, options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs });
  const ctx: BootstrapContext = {
    run: newRunState('bootstrap'),
    prepared,
    options,
    clients,
    reconcile: { rest, dryRun: options.dryRun, emulator },
    print: options.print ?? ((line: string) => console.log(line)),
    reports: [],
    variables: {},
    changed: false,
  };
  const progress = createProgress(progressModes[options.renderer ?? 'simple']);
  await runSteps(bootstrapSteps, ctx, { progress });
  if (ctx.run.failure !== undefined) throw ctx.run.failure;
  return { steps: ctx.reports, armWrites: rest.writes, variables: ctx.variables, changed: ctx.changed };
}

const progressModes = { default: 'tty', simple: 'simple', silent: 'silent' } as const;
