// The heavy half of `cf-infra secrets` (secrets.ts reads the flags): the deployed stack's vault, then
// --check's inventory or the missing generated secrets written under the deployment lock.
import { apiVersionsByType } from '../arm/api-versions.ts';
import { vaultAccess } from '../arm/session.ts';
import { readGolden } from '../plan/golden.ts';
import { adminPasswordSync, serverOfStack } from '../secrets/admin-password.ts';
import { newRunId } from '../deploy/run-id.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import { acquireDeploymentLock } from '../lock/index.ts';
import { expectedSecrets, vaultOf, type ExpectedSecrets } from '../secrets/expected.ts';
import { secretInventory } from '../secrets/inventory.ts';
import { ensurePostDeploySecrets, operatorHint, summariseSecrets } from '../secrets/post-deploy.ts';
import { troubleshootingLink } from '../validate/model.ts';
import { withDeployedStack, type DeployedStack } from './deployed-stack.ts';
import type { TargetFlags } from '../deploy/services.ts';

type Vault = NonNullable<ReturnType<typeof vaultOf>>;

export async function secretsOf(deploymentName: string, values: TargetFlags & { check: boolean; json: boolean }): Promise<number> {
  return withDeployedStack(deploymentName, values, async (deployed) => {
    const { deployment, flags, stackName, stack } = deployed;
    const vault = vaultOf(stack);
    if (vault === undefined) throw new CliError(`the stack ${stackName} has no output security.keyVaultUri`, { hint: `cf-infra deploy ${deployment}${flags.emulator ? ' --emulator' : ''}` });
    const expected = expectedSecrets(stack, deployed.resolved.catalog.services);
    if (values.check) return checkSecrets(deployed, vault, expected, values.json);
    return ensureSecrets(deployed, vault, values.json);
  });
}

/** --check: every expected secret with its state; exit 1 when a template-written or generated one is not ok. */
async function checkSecrets({ deployment, arm }: DeployedStack, vault: Vault, expected: ExpectedSecrets, json: boolean): Promise<number> {
  let rows;
  try {
    rows = await secretInventory(vault.url, expected, vaultAccess(arm));
  } catch (error) {
    throw new CliError((error as Error).message, { hint: `see ${troubleshootingLink('key-vault')}` });
  }
  const bad = rows.filter((r) => r.state !== 'ok' && r.source !== 'operator');
  if (json) console.log(JSON.stringify({ deployment, vault: vault.url, secrets: rows }, null, 2));
  else {
    const cells = rows.map((r) => [r.name, r.source, `${r.state}${r.expires === undefined ? '' : ` (expires ${r.expires.slice(0, 10)})`}`]);
    console.log([`${deployment}: secrets of ${vault.url}`, ...alignColumns(cells, { indent: '  ', minWidths: [0, 9] })].join('\n'));
    if (bad.length > 0) console.error(`${bad.length} expected secret(s) not ok: ${bad.map((r) => `${r.name} (${r.state})`).join(', ')}; see ${troubleshootingLink('key-vault')}`);
  }
  return bad.length === 0 ? ExitCode.Success : ExitCode.Failed;
}

/** Without --check: the missing generated secrets written under the deployment lock, never one overwritten. */
async function ensureSecrets({ deployment, resolved, services, arm, stack }: DeployedStack, vault: Vault, json: boolean): Promise<number> {
  const lock = await acquireDeploymentLock(await services.openLockStore(), { deployment, runId: newRunId(), command: `secrets ${deployment}` });
  try {
    const { tags } = resolved;
    // A new postgresql-admin-password goes onto the server too (api-version: the committed plan's).
    const serverId = serverOfStack(stack);
    const apiVersion = apiVersionsByType(readGolden(deployment)?.resources ?? []).get('microsoft.dbforpostgresql/flexibleservers');
    const server = serverId === undefined || apiVersion === undefined ? undefined : { id: serverId, apiVersion };
    const input = { vaultUrl: vault.url, services: resolved.catalog.services, tags: { app: tags.app, env: tags.env, deployment: tags.deployment }, access: vaultAccess(arm), afterCreate: adminPasswordSync(arm.clients, server) };
    const result = await ensurePostDeploySecrets(input, (line) => {
      if (!json) console.error(line);
    });
    if (json) console.log(JSON.stringify({ deployment, ...result }, null, 2));
    else {
      console.log(`${deployment}: ${summariseSecrets(result)}`);
      for (const name of result.operatorMissing) console.log(`  set ${name}: ${operatorHint(vault.name, name)}`);
    }
    if (result.failed.length > 0) throw new CliError(`post-deploy secrets in ${vault.url}:\n${result.failed.map((f) => `  - ${f.name}: ${f.reason}`).join('\n')}`, { hint: `see ${troubleshootingLink('key-vault')}` });
    return ExitCode.Success;
  } finally {
    await lock.release().catch(() => undefined);
  }
}
