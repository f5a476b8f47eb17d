// cf-infra bootstrap as a list of idempotent steps over one BootstrapContext (one listr2 task
// each): every step reads the current state, computes the desired state and writes only the
// difference; then the GitHub variables. What each step did is printed at the end, also after a
// failure. A rerun after a failure resumes: the finished steps report "unchanged".
import { subscriptionScope } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import { defaultEmulatorTenantId, emulatorCiPrincipalId, emulatorPrPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { explainArmError, formatArmError } from '../arm-errors/index.ts';
import type { Step, StepList } from '../runner/steps.ts';
import type { FederatedCredential } from './ci-identity.ts';
import type { BootstrapContext, Identity } from './context.ts';
import * as desired from './desired.ts';
import { ghAvailable, githubVariables, setGithubVariables } from './github-variables.ts';
import { ensureAppIdentity } from './graph.ts';
import { registerProviders } from './providers.ts';
import { itemLine, reconcile, stepStatus, type ItemResult } from './reconcile.ts';

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

type BootstrapStep = Step<BootstrapContext>;

/** A step that reconciles items: its status ends its title and goes in the report printed at the end. */
function itemsStep(title: string, items: (ctx: BootstrapContext) => Promise<ItemResult[]>): BootstrapStep {
  return {
    title,
    async run(ctx, task) {
      let result: ItemResult[];
      try {
        result = await items(ctx);
      } catch (error) {
        throw stepFailure(title, error);
      }
      const status = stepStatus(result, ctx.options.dryRun);
      ctx.reports.push({ title, status, items: result });
      task.doneTitle(`${title}: ${status}`);
    },
  };
}

const armStep = (title: string, build: (ctx: BootstrapContext) => desired.DesiredResource[]): BootstrapStep => itemsStep(title, (ctx) => reconcile(ctx.reconcile, build(ctx)));

const subscriptionStep = itemsStep('Subscription', async (ctx) => {
  const { subscriptionId } = ctx.options;
  const emulator = ctx.options.target.kind === 'emulator';
  const sub = await ctx.reconcile.rest.get(subscriptionScope(subscriptionId), apiVersions.subscriptions);
  if (sub === undefined) throw Object.assign(new Error(`subscription ${subscriptionId} was not found (or this login cannot see it)`), { code: 'SubscriptionNotFound' });
  ctx.tenantId = String(sub['tenantId'] ?? (emulator ? defaultEmulatorTenantId : ''));
  return [{ label: `subscription ${String(sub['displayName'] ?? subscriptionId)} (tenant ${ctx.tenantId})`, action: 'unchanged' }];
});

interface IdentitySpec {
  key: 'ci' | 'pr';
  who: string;
  title: string;
  displayName: (ctx: BootstrapContext) => string;
  federated: (ctx: BootstrapContext) => readonly FederatedCredential[];
  placeholder: desired.CiPrincipal;
}

function identityStep(spec: IdentitySpec): BootstrapStep {
  return itemsStep(spec.title, async (ctx) => {
    const { options } = ctx;
    // Against the emulator Graph is not there: placeholders, unless a Graph endpoint is given (tests' loopback Graph).
    if (options.target.kind === 'emulator' && options.graph?.endpoint === undefined) {
      ctx[spec.key] = { principal: spec.placeholder, clientId: `(emulator: no app registration, object id ${spec.placeholder.objectId})` };
      return [{ label: spec.who, action: 'skipped', detail: 'Microsoft Graph is not emulated' }];
    }
    const displayName = spec.displayName(ctx);
    const result = await ensureAppIdentity(ctx.clients.credential, { displayName, federated: spec.federated(ctx), dryRun: options.dryRun, ...(options.graph ?? {}) });
    ctx[spec.key] = { principal: { objectId: result.servicePrincipalObjectId, label: `service principal of ${displayName}` }, clientId: result.appId };
    const items: ItemResult[] = [
      ...result.changes.map((c): ItemResult => ({ label: c.label, action: c.action, ...(c.detail === undefined ? {} : { detail: c.detail }) })),
      ...result.unchanged.map((label): ItemResult => ({ label, action: 'unchanged' })),
    ];
    if (result.secretCount > 0) items.push({ label: `${result.secretCount} client secret(s) on ${displayName}`, action: 'skipped', detail: 'remove them: the pipeline uses federation only' });
    return items;
  });
}

/** Attempts at the role assignments while a new service principal replicates. */
const principalRetries = 6;

function assignmentStep(title: string, identity: (ctx: BootstrapContext) => Identity | undefined, build: (ctx: BootstrapContext, principal: desired.CiPrincipal) => desired.DesiredResource[]): BootstrapStep {
  return itemsStep(title, async (ctx) => {
    const principal = identity(ctx)?.principal;
    if (principal === undefined || principal.objectId === '(new)') return [{ label: 'role assignments', action: 'create', detail: 'for the service principal created above' }];
    const assignments = build(ctx, principal);
    // A service principal created seconds ago may not have replicated to ARM yet (PrincipalNotFound).
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await reconcile(ctx.reconcile, assignments);
      } catch (error) {
        if ((error as { code?: string }).code !== 'PrincipalNotFound' || attempt >= principalRetries) throw error;
        await new Promise((resolve) => setTimeout(resolve, ctx.options.pollIntervalMs ?? 10000));
      }
    }
  });
}

/** After the steps succeeded, the GitHub Actions variables: set with gh when it can, printed otherwise. */
const githubVariablesStep: BootstrapStep = {
  skip: (ctx) => ctx.run.failure !== undefined,
  async run(ctx) {
    const { options, prepared, print } = ctx;
    ctx.variables = githubVariables({
      clientId: ctx.ci?.clientId ?? '',
      prClientId: ctx.pr?.clientId ?? '',
      tenantId: ctx.tenantId ?? '',
      subscriptionId: options.subscriptionId,
      artifactsAccountUrl: desired.artifactsAccountUrl(options.subscriptionId),
      lockContainer: prepared.input.lockContainer,
    });
    ctx.changed = ctx.reports.some((r) => r.items.some((i) => i.action === 'create' || i.action === 'update' || i.action === 'delete'));
    print('');
    print(options.dryRun ? (ctx.changed ? 'Dry run: the changes above were NOT made.' : 'Dry run: nothing to change.') : ctx.changed ? 'Bootstrap done.' : 'Bootstrap: nothing changed (everything was already in place).');
    const repo = `${prepared.config.github.owner}/${prepared.config.github.repo}`;
    const canSet = options.target.kind !== 'emulator' && !options.dryRun && options.setGithubVariables !== false && (await ghAvailable());
    if (canSet) {
      await setGithubVariables(repo, ctx.variables);
      print(`GitHub variables set on ${repo} with gh: ${Object.keys(ctx.variables).join(', ')}`);
    } else {
      print(`GitHub Actions variables for ${repo} (Settings → Secrets and variables → Actions → Variables; none is a secret):`);
      for (const [name, value] of Object.entries(ctx.variables)) print(`  ${name}=${value}`);
    }
  },
};

/** What each finished step did (all of it, or only the changes of a long list). */
const printReportsStep: BootstrapStep = {
  async run(ctx) {
    for (const report of ctx.reports) {
      ctx.print(`${report.title}: ${report.status}`);
      for (const item of report.items) if (item.action !== 'unchanged' || report.items.length <= 12) ctx.print(`  ${itemLine(item, ctx.options.dryRun)}`);
    }
  },
};

export const bootstrapSteps: StepList<BootstrapContext> = {
  steps: [
    subscriptionStep,
    itemsStep('Resource providers', (ctx) => registerProviders(ctx.reconcile, ctx.prepared.namespaces)),
    armStep('Shared resource groups', (ctx) => desired.resourceGroups(ctx.prepared.input)),
    armStep('Network watchers', (ctx) => desired.networkWatchers(ctx.prepared.input)),
    armStep('Artifacts storage account, lock and validation results containers', (ctx) => desired.artifactsStorage(ctx.prepared.input)),
    armStep('Monthly budgets (50/80/100 % actual, 100 % forecast)', (ctx) => desired.budgets(ctx.prepared.input)),
    armStep('Cost anomaly alerts', (ctx) => desired.costAnomalyAlert(ctx.prepared.input)),
    armStep('Policy definitions, initiative and assignments', (ctx) => desired.policies(ctx.prepared.input, ctx.prepared.library)),
    armStep('Deployment role', (ctx) => [desired.deploymentRoleDefinition(ctx.prepared.input, ctx.prepared.role)]),
    armStep('Pull-request what-if role', (ctx) => [desired.customRoleDefinition(ctx.prepared.input, ctx.prepared.prRole)]),
    identityStep({ key: 'ci', who: 'CI identity', title: 'CI identity (app registration, service principal, federated credentials)', displayName: (ctx) => ctx.prepared.config.ciIdentity.displayName, federated: (ctx) => ctx.prepared.federated.ci, placeholder: emulatorPlaceholderPrincipal }),
    identityStep({ key: 'pr', who: 'pull-request identity', title: 'Pull-request identity (app registration, service principal, federated credential)', displayName: (ctx) => ctx.prepared.config.prIdentity.displayName, federated: (ctx) => ctx.prepared.federated.pr, placeholder: emulatorPlaceholderPrPrincipal }),
    assignmentStep('Role assignments of the CI identity (least privilege)', (ctx) => ctx.ci, (ctx, principal) => desired.roleAssignments(ctx.prepared.input, ctx.prepared.role, principal, ctx.prepared.deploymentRoleCondition)),
    assignmentStep('Role assignments of the pull-request identity (read and what-if only)', (ctx) => ctx.pr, (ctx, principal) => desired.prRoleAssignments(ctx.prepared.input, ctx.prepared.prRole, principal)),
  ],
  finally: [printReportsStep, githubVariablesStep],
};

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
