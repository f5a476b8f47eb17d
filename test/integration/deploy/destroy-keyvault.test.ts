// Destroy and the deployment's Key Vault: without purge protection (test) the soft-deleted vault is
// purged; with it (prod) the vault stays soft-deleted and the output and the run report say until when.
// The world of test/support/world.ts (the ARM emulator in this process, a real Azurite, one Bicep process);
// the destroy itself is `node packages/cli/bin/cf-infra.js destroy …` in a child process against them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import { apiVersions } from '@complianceflow/cli/arm/api-versions.ts';
import { resolveTarget } from '@complianceflow/cli/deploy/preflight.ts';
import type { RunReport } from '@complianceflow/cli/report/model.ts';
import { cfInfra } from '../../support/cli.ts';
import { deployInto, emulatorWorldHooks } from '../../support/world.ts';

describe('cf-infra destroy and the soft-deleted Key Vault (emulator + Azurite)', function () {
  this.timeout(240_000);
  let tmp: string;

  const hooks = emulatorWorldHooks();
  before(async () => {
    tmp = await hooks.shared.tempDir('cf-destroy-kv-');
  });

  interface Destroyed {
    output: string;
    deletedVault: Record<string, unknown> | undefined;
    vault: string;
    report: RunReport;
    markdown: string;
  }

  async function deployAndDestroy(deployment: string): Promise<Destroyed> {
    const { emulator, clients } = hooks.world;
    const result = await deployInto(hooks.shared, hooks.world, deployment, { runsDir: path.join(tmp, `runs-${deployment}`) });
    expect(result.exitCode, `deploy ${deployment}`).to.equal(0);
    const env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: emulator.stateDir, AZURITE_BLOB_PORT: String(hooks.shared.azurite.port), CF_RUNS_DIR: path.join(tmp, 'destroy-runs') };
    const destroy = await cfInfra(['destroy', deployment, '--emulator', '--confirm', deployment, ...(deployment.includes('-prod-') ? ['--allow-prod'] : [])], env);
    expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(0);
    const runDir = /^Run report: (.+)$/m.exec(destroy.stdout)?.[1];
    expect(runDir, destroy.stdout).to.be.a('string');
    const report = JSON.parse(await readFile(path.join(runDir!, 'report.json'), 'utf8')) as RunReport;
    const markdown = await readFile(path.join(runDir!, 'report.md'), 'utf8');
    const resolved = resolveTarget(deployment).resolved;
    const rest = armResources(clients, { pollIntervalMs: 10 });
    const deletedVault = await rest.get(`/subscriptions/${clients.subscriptionId}/providers/Microsoft.KeyVault/locations/${resolved.location}/deletedVaults/${resolved.names.keyVault}`, apiVersions.keyVault);
    return { output: destroy.stdout, deletedVault, vault: resolved.names.keyVault, report, markdown };
  }

  it('test (purge protection off): the soft-deleted vault is purged after the stack delete; the run report says so', async () => {
    const { output, deletedVault, vault, report, markdown } = await deployAndDestroy('westeu-test-1');
    expect(deletedVault).to.equal(undefined);
    expect(output).to.include(`Key Vault ${vault}: soft-deleted vault purged`);
    expect(report.outcome).to.equal('succeeded');
    expect(report.result?.keyVault).to.deep.equal({ vault, action: 'purged' });
    expect(markdown).to.include(`**Key Vault:** \`${vault}\` purged (purge protection off)`);
    expect(markdown).not.to.include('az keyvault recover');
  });

  it('prod (purge protection on): the vault stays soft-deleted; the output and the run report say until when and how to recover it', async () => {
    const { output, deletedVault, vault, report, markdown } = await deployAndDestroy('westeu-prod-1');
    const props = deletedVault?.['properties'] as { scheduledPurgeDate: string; purgeProtectionEnabled: boolean };
    expect(props.purgeProtectionEnabled).to.equal(true);
    expect(props.scheduledPurgeDate).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(output).to.include(`Key Vault ${vault}: stays soft-deleted until ${props.scheduledPurgeDate}`);
    expect(output).to.include('createMode recover');
    const recover = `az keyvault recover --name ${vault}`;
    expect(report.result?.keyVault).to.deep.equal({ vault, action: 'retained', scheduledPurgeDate: props.scheduledPurgeDate, recover });
    expect(markdown).to.include(`**Key Vault:** \`${vault}\` retained (soft-deleted, purge protection on) until ${props.scheduledPurgeDate}; before a redeploy: \`${recover}\``);
  });
});
