// `cf-infra secrets <deployment>`: the post-deploy secrets of the deployment's vault, as the deploy's
// `secrets` phase writes them (create the missing generated ones, never overwrite), e.g. from inside
// the VNet after a deploy from outside it; `--check` only lists which expected secrets exist and
// which are missing, disabled, expired or soft-deleted. Names only: a value is never read or printed.
import { asOptionHelp } from '../arm/identities.ts';
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
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';
import { withDeployedStack, type DeployedStack } from './deployed-stack.ts';


const help = `Usage: cf-infra secrets <deployment> [--emulator [--as <identity>] | --subscription <id>] [--check] [--json]     (npm run secrets -- <deployment>)

Without --check: writes every generated post-deploy secret that is missing from the deployment's
vault (as the deploy's secrets phase does; takes the deployment lock), never overwrites one, and lists
operator secrets that are missing with how to set them. A new postgresql-admin-password is also set
on the PostgreSQL server (so the vault holds the password in use). Needs Key Vault Secrets Officer on the vault
and a route to it (inside the VNet).
--check: lists every expected secret (template-written, generated, operator) with its state; exit 1
when a template-written or generated one is not ok. Never reads a value.

Options:
  --emulator             the local ARM emulator (its vault data plane)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --check                list only, change nothing
  --json                 machine-readable
  -h, --help`;

type Vault = NonNullable<ReturnType<typeof vaultOf>>;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('secrets', args, { help, positionals: deploymentPositional, options: { ...targetOptions, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  return withDeployedStack(positionals[0]!, values, async (deployed) => {
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
