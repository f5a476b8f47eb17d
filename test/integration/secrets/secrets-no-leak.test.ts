// End to end: a full deploy into the ARM emulator through the real CLI (child processes, real SDK
// clients over HTTPS, real Azurite), then every output, report and log it produced is searched for
// every secret value the deploy generated or wrote (all values the emulator's Key Vault holds):
// stdout and stderr of deploy (GitHub Actions mode, with its job summary), a second deploy as JSON,
// what-if, show and list; every run report file; every blob uploaded to the lock container; and
// the emulator's request log. (The emulator's own state holds the keys of the resources it
// emulates, as Azure does; that it keeps no secure parameter in clear is tested beside it, in
// test/integration/arm-emulator/emulator-secure-values.test.ts.)
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { freePort, startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { cfInfra, repoRoot, type CliRun } from '../../support/cli.ts';

const deployment = 'westeu-test-1';

/** Every string value under a `value` key (the Key Vault data plane keeps each version's value there). */
function valuesIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => valuesIn(item, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'value' && typeof child === 'string') found.push(child);
      else valuesIn(child, found);
    }
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('no secret value in any output, report or log of a full emulator deploy (CLI)', function () {
  this.timeout(600_000);
  let scratch: string;
  let emulator: RunningEmulator;
  let azurite: AzuriteBlob;
  const log: string[] = [];
  const runs: { what: string; run: CliRun }[] = [];
  let secrets: string[] = [];
  /** Where each text came from, and the text. */
  const texts: { where: string; text: string }[] = [];

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cf-no-leak-'));
    emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency: { defaultMs: 0 }, log: (line) => log.push(line) });
    azurite = await startAzuriteBlob();
    const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
    const snapshot = JSON.parse(await readFile(path.join(repoRoot, `deployments/snapshots/${deployment}.json`), 'utf8')) as { resources: Resource[] };
    for (const ns of requiredNamespaces(snapshot.resources)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
    const summary = path.join(scratch, 'step-summary.md');
    const env = {
      ARM_EMULATOR_ENDPOINT: emulator.endpoint,
      ARM_EMULATOR_STATE_DIR: emulator.stateDir,
      AZURITE_BLOB_PORT: String(azurite.port),
      ARM_EMULATOR_PORT: String(await freePort()),
      CF_RUNS_DIR: path.join(scratch, 'runs'),
    };
    const cli = async (what: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
      const run = await cfInfra(args, { ...env, ...extra });
      runs.push({ what, run });
      return run;
    };
    await cli('deploy (GitHub Actions)', ['deploy', deployment, '--emulator', '--yes'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    await cli('deploy --format json', ['deploy', deployment, '--emulator', '--yes', '--format', 'json']);
    await cli('what-if', ['what-if', deployment, '--emulator']);
    await cli('what-if --format json', ['what-if', deployment, '--emulator', '--format', 'json']);
    await cli('show', ['show', deployment, '--emulator']);
    await cli('list', ['list', '--emulator', '--json']);

    const state = JSON.parse(await readFile(path.join(emulator.stateDir, 'state.json'), 'utf8')) as { keyVaultSecrets?: unknown };
    secrets = [...new Set(valuesIn(state.keyVaultSecrets))];

    for (const { what, run } of runs) texts.push({ where: `${what}: stdout`, text: run.stdout }, { where: `${what}: stderr`, text: run.stderr });
    texts.push({ where: 'GitHub job summary', text: await readFile(summary, 'utf8') });
    for (const file of await filesUnder(env.CF_RUNS_DIR)) texts.push({ where: `run report ${path.relative(scratch, file)}`, text: await readFile(file, 'utf8') });
    const container = azurite.lockStore().container;
    for await (const blob of container.listBlobsFlat()) {
      texts.push({ where: `blob ${blob.name}`, text: (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8') });
    }
    texts.push({ where: 'emulator log', text: log.join('\n') });
  });
  after(async () => {
    await emulator?.close();
    await azurite?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('the deploys ran and produced what is searched (reports, blobs, the summary)', () => {
    for (const { what, run } of runs) expect(run.code, `${what}: ${run.stderr}`).to.equal(ExitCode.Success);
    expect(secrets.length, 'secret values in the vault').to.be.greaterThan(5);
    expect(texts.filter((t) => t.where.startsWith('run report')).length).to.be.greaterThan(3);
    expect(texts.filter((t) => t.where.startsWith('blob runs/')).length, 'run reports uploaded').to.be.greaterThan(0);
    expect(texts.filter((t) => t.where.startsWith('run report')).map((t) => t.text).join('\n')).to.include('Secrets (Key Vault):');
    expect(secrets.some((s) => s.length > 40), 'the generated PostgreSQL admin password is among them').to.equal(true);
  });

  it('no secret value appears anywhere', () => {
    const leaks: string[] = [];
    for (const { where, text } of texts) {
      for (const secret of secrets) {
        const at = text.indexOf(secret);
        if (at >= 0) leaks.push(`${where}: …${text.slice(Math.max(0, at - 80), at)}<secret of ${secret.length} characters>`);
      }
    }
    expect(leaks).to.deep.equal([]);
  });
});
