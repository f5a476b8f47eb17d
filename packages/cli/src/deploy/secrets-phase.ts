// The deploy's `secrets` phase, right after the stack is applied (and on a run without changes):
// the post-deploy secrets (secrets/post-deploy.ts) in the deployment's vault, with the deploying
// identity (a Key Vault Secrets Officer). Before the apply, creationSecrets gives the PostgreSQL
// administrator password to a server created by this run (secrets/admin-password.ts).
// A vault that cannot be reached from here (private endpoint, caller outside the VNet) is reported,
// not failed: cf-infra secrets, run from inside, does the same later (and gives a server created
// meanwhile a new administrator password that it stores).
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { CliError } from '@complianceflow/core/errors.ts';
import { adminPasswordSync, creationSecrets, serverOfStack, type CreationSecrets } from '../secrets/admin-password.ts';
import { vaultOf } from '../secrets/expected.ts';
import { ensurePostDeploySecrets, operatorHint, summariseSecrets, unreachablePrefix, type PostDeployResult } from '../secrets/post-deploy.ts';
import { troubleshootingLink } from '../validate/model.ts';
import { apiVersionsByType } from '../arm/api-versions.ts';
import { vaultAccess, type ArmSession } from '../arm/session.ts';
import type { Preflight } from './preflight.ts';

export interface SecretsRecord extends PostDeployResult {
  /** Set when the step could not run from here (the vault unreachable): why and what to do. */
  notRun?: string;
}

/** Before the apply: the admin password of a server this run creates (one source: the vault). */
export async function prepareCreationSecrets(arm: ArmSession, preflight: Preflight, existing: DeploymentStack | undefined): Promise<CreationSecrets> {
  const { names } = preflight.resolved;
  const type = 'Microsoft.DBforPostgreSQL/flexibleServers';
  const apiVersion = apiVersionsByType(preflight.plan.resources).get(type.toLowerCase());
  if (apiVersion === undefined) return { parameters: {}, pending: new Map(), note: 'the plan has no PostgreSQL server' };
  const id = `/subscriptions/${arm.clients.subscriptionId}/resourceGroups/${names.resourceGroup}/providers/${type}/${names.postgresServer}`;
  const vault = vaultOf(existing);
  return creationSecrets(arm.clients, { id, apiVersion }, vault === undefined ? undefined : { url: vault.url, access: vaultAccess(arm) });
}

export async function runSecretsPhase(
  input: { preflight: Preflight; arm: ArmSession; stack: DeploymentStack; pending?: ReadonlyMap<string, string> },
  update: (detail: string) => void,
  record: (r: SecretsRecord) => void,
): Promise<SecretsRecord> {
  const { preflight } = input;
  const vault = vaultOf(input.stack);
  if (vault === undefined) throw new CliError(`the stack has no output security.keyVaultUri: cannot write the post-deploy secrets`);
  const { tags } = preflight.resolved;
  const serverId = serverOfStack(input.stack);
  const serverApiVersion = apiVersionsByType(preflight.plan.resources).get('microsoft.dbforpostgresql/flexibleservers');
  const server = serverId === undefined || serverApiVersion === undefined ? undefined : { id: serverId, apiVersion: serverApiVersion };
  const result: SecretsRecord = await ensurePostDeploySecrets(
    {
      vaultUrl: vault.url,
      services: preflight.resolved.catalog.services,
      tags: { app: tags.app, env: tags.env, deployment: tags.deployment },
      access: vaultAccess(input.arm),
      ...(input.pending === undefined ? {} : { pending: input.pending }),
      afterCreate: adminPasswordSync(input.arm.clients, server),
    },
    update,
  );
  const pendingNames = [...(input.pending?.keys() ?? [])];
  const unreachable = result.failed.length > 0 && result.failed.every((f) => f.reason.startsWith(unreachablePrefix));
  if (unreachable) {
    const lostNote = pendingNames.length === 0 ? '' : ` (the PostgreSQL server created by this run got an administrator password that could not be stored: that run sets a new one on the server and stores it)`;
    result.notRun = `${result.failed[0]!.reason}: cf-infra secrets ${preflight.deployment} from there${lostNote}`;
    result.failed = [];
  }
  // A value this run gave ARM (the admin password of a server it created) must now be the secret's:
  // a different one already there (it could not be read before the apply) is a mismatch.
  const mismatched = unreachable ? [] : pendingNames.filter((name) => !result.created.includes(name) && result.kept.includes(name));
  record(result);
  update(result.notRun === undefined ? summariseSecrets(result) : `not done: ${result.notRun}`);
  for (const name of result.operatorMissing) update(`operator secret ${name} is not set: ${operatorHint(vault.name, name)}`);
  if (result.failed.length > 0 || mismatched.length > 0) {
    const lines = result.failed.map((f) => `  - ${f.name}: ${f.reason}`);
    if (mismatched.length > 0) lines.push(`  - ${mismatched.join(', ')}: the PostgreSQL server was created by this run with a password that is not the one in ${vault.url} (that one could not be read before); set one value on both: az postgres flexible-server update --admin-password, and the secret`);
    throw new CliError(`post-deploy secrets in ${vault.url}: ${result.failed.length + mismatched.length} problem(s):\n${lines.join('\n')}`, { hint: `see ${troubleshootingLink('key-vault')}` });
  }
  return result;
}
