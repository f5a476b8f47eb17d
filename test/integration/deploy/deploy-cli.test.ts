// The deploy-family commands as a person runs them: `node packages/cli/bin/cf-infra.js …` in a child
// process, against an ARM emulator and Azurite of this test, both found through the environment.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { emulatorCiPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { freePort, startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { cfInfra, repoRoot } from '../../support/cli.ts';

describe('cf-infra deploy, what-if, list, show, destroy (CLI)', function () {
  this.timeout(240_000);

  describe('bad input: exit 2 before anything starts', () => {
    const cases: [string, string[], RegExp][] = [
      ['no terminal and no --yes', ['deploy', 'westeu-test-1', '--emulator'], /pass --yes/],
      ['an unknown deployment', ['deploy', 'westeu-tset-1', '--emulator', '--yes'], /westeu-tset-1/],
      ['no target', ['deploy', 'westeu-test-1', '--yes'], /--subscription <id>.*--emulator/],
      ['an unknown format', ['what-if', 'westeu-test-1', '--emulator', '--format', 'xml'], /--format "xml" is not one of text, markdown, json/],
      ['what-if: names and --all', ['what-if', 'westeu-test-1', '--all', '--emulator'], /give deployment names or --all, not both/],
      ['what-if: an unknown deployment among several', ['what-if', 'westeu-test-1', 'westeu-tset-1', '--emulator'], /no deployment named "westeu-tset-1"/],
      ['what-if: --cost-base that names no commit', ['what-if', '--all', '--emulator', '--format', 'markdown', '--cost-base', 'no-such-ref-zz'], /--cost-base "no-such-ref-zz" names no commit/],
      ['what-if: --details-file without --format markdown', ['what-if', 'westeu-test-1', '--emulator', '--details-file', '/tmp/x.md'], /--details-file is for --format markdown/],
      ['destroy of prod without --allow-prod', ['destroy', 'westeu-prod-1', '--emulator', '--confirm', 'westeu-prod-1'], /--allow-prod/],
      ['destroy confirmed with another name', ['destroy', 'westeu-test-1', '--emulator', '--confirm', 'westeu-test-2'], /does not match/],
      ['destroy without a terminal and without --confirm', ['destroy', 'westeu-test-1', '--emulator'], /--confirm westeu-test-1/],
      ['an unknown option', ['list', '--bogus'], /bogus/],
      ['--local-env without --emulator', ['deploy', 'westeu-test-1', '--subscription', '00000000-0000-0000-0000-000000000000', '--yes', '--local-env'], /--local-env is for --emulator/],
      ['--env-path to a file that does not exist', ['deploy', 'westeu-test-1', '--emulator', '--yes', '--env-path', '/nonexistent/local.env'], /env file \/nonexistent\/local.env does not exist/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        // Ports where nothing listens: any attempt to reach a service would fail differently.
        const run = await cfInfra(args, { AZURE_SUBSCRIPTION_ID: '', ARM_EMULATOR_PORT: '1', AZURITE_BLOB_PORT: '1' });
        expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.BadInput);
        expect(run.stderr).to.match(message);
        expect(run.stderr).not.to.include('    at ');
      });
    }
  });

  // The CI path: the real `bootstrap --emulator`, then deploy and what-if `--as ci` (the identity
  // bootstrap set up, whose object id the emulator authorizes); list, show and destroy as a person.
  describe('against an emulator and Azurite found through the environment', () => {
    let emulator: RunningEmulator;
    let azurite: AzuriteBlob;
    let scratch: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'cf-deploy-cli-'));
      emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency: { defaultMs: 0 } });
      azurite = await startAzuriteBlob();
      env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: emulator.stateDir, AZURITE_BLOB_PORT: String(azurite.port), ARM_EMULATOR_PORT: String(await freePort()), CF_RUNS_DIR: path.join(scratch, 'runs') };
      const bootstrap = await cfInfra(['bootstrap', '--emulator', '--yes', '--subscription', emulator.subscriptionId], env);
      expect(bootstrap.code, bootstrap.stdout + bootstrap.stderr).to.equal(ExitCode.Success);
    });
    after(async () => {
      await emulator?.close();
      await azurite?.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    it('deploy as the CI identity in GitHub Actions: annotations, job summary, exit 0; then what-if --detailed-exitcode shows the follow-up zone (exit 4)', async () => {
      const summary = path.join(scratch, 'summary.md');
      const run = await cfInfra(['deploy', 'eastus-test-1', '--emulator', '--as', 'ci', '--yes'], { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
      expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.Success);
      expect(run.stdout).to.match(/^\d\d:\d\d:\d\d eastus-test-1: what-if: done/m);
      expect(run.stdout).to.include('::notice::eastus-test-1: succeeded');
      expect(run.stdout).to.match(/validate: (\d+)\/\1 managed resources Succeeded/);
      expect(run.stdout).to.include(`Run report: ${path.join(scratch, 'runs', 'eastus-test-1')}`);
      const markdown = await readFile(summary, 'utf8');
      expect(markdown).to.include('eastus-test-1: deployed').and.include('| Phase | Duration | Outcome |');
      // The requests carried the CI identity's object id: ARM records it as the stack's creator.
      const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
      expect((await clients.stacks.deploymentStacks.getAtSubscription('cf-eastus-test-1')).systemData?.createdBy).to.equal(emulatorCiPrincipalId);

      // The next deploy feeds the environment's default domain back: its private DNS zone is what it adds.
      const whatIf = await cfInfra(['what-if', 'eastus-test-1', '--emulator', '--as', 'ci', '--detailed-exitcode', '--format', 'json'], env);
      expect(whatIf.code, whatIf.stderr).to.equal(ExitCode.ChangesPending);
      const model = JSON.parse(whatIf.stdout) as { summary: { create: number; modify: number; noChange: number } };
      expect([model.summary.create, model.summary.modify]).to.deep.equal([4, 0]);
      expect(model.summary.noChange).to.be.greaterThan(100);
    });

    it('deploy --format json: stdout is the run report alone; the second deploy adds the zone, then what-if says no changes', async () => {
      const run = await cfInfra(['deploy', 'eastus-test-1', '--emulator', '--as', 'ci', '--yes', '--format', 'json'], env);
      expect(run.code, run.stderr).to.equal(ExitCode.Success);
      const report = JSON.parse(run.stdout) as { outcome: string; deployment: string; phases: { name: string }[]; whatIf: { summaryLine: string } };
      expect([report.deployment, report.outcome]).to.deep.equal(['eastus-test-1', 'succeeded']);
      expect(report.whatIf.summaryLine).to.match(/^4 to create, 0 to modify/);
      expect(run.stderr).to.include('eastus-test-1: what-if: done');

      const whatIf = await cfInfra(['what-if', 'eastus-test-1', '--emulator', '--as', 'ci', '--detailed-exitcode'], env);
      expect(whatIf.code, whatIf.stdout + whatIf.stderr).to.equal(ExitCode.Success);
    });

    it('list and show read the deployed stack, its last run and its lock', async () => {
      const list = await cfInfra(['list', '--emulator', '--json'], env);
      expect(list.code, list.stderr).to.equal(ExitCode.Success);
      const rows = JSON.parse(list.stdout) as { deployment: string; stackState: string; lastRun?: { outcome: string }; locked: boolean | string }[];
      expect(rows).to.have.length(8);
      const row = rows.find((r) => r.deployment === 'eastus-test-1')!;
      expect([row.stackState, row.lastRun?.outcome, row.locked]).to.deep.equal(['succeeded', 'succeeded', false]);
      expect(rows.find((r) => r.deployment === 'westeu-prod-1')!.stackState).to.equal('none');

      const show = await cfInfra(['show', 'eastus-test-1', '--emulator'], env);
      expect(show.code, show.stderr).to.equal(ExitCode.Success);
      expect(show.stdout).to.include('state:            succeeded').and.include('resourceGroupName: "rg-cf-eastus-test-1"');
      expect(show.stdout).to.include(`https://portal.azure.com/#@/resource/subscriptions/${emulator.subscriptionId}/resourceGroups/rg-cf-eastus-test-1`);
      expect(show.stdout).not.to.match(/connectionStringTemplate: "(?!\*\*\*)/);
    });

    it('destroy --confirm deletes the stack and its resources; show then says it is not deployed', async () => {
      const destroy = await cfInfra(['destroy', 'eastus-test-1', '--emulator', '--confirm', 'eastus-test-1'], env);
      expect(destroy.code, destroy.stdout + destroy.stderr).to.equal(ExitCode.Success);
      expect(destroy.stdout).to.include('destroyed');
      const runDir = /Run report: (.+)$/m.exec(destroy.stdout)?.[1];
      expect(await readFile(path.join(runDir!, 'report.txt'), 'utf8')).to.include('eastus-test-1: destroyed').and.include('delete');
      const list = JSON.parse((await cfInfra(['list', '--emulator', '--json'], env)).stdout) as { deployment: string; stackState: string; lastRun?: { outcome: string } }[];
      expect(list.find((r) => r.deployment === 'eastus-test-1')).to.deep.include({ stackState: 'none' });
      const show = await cfInfra(['show', 'eastus-test-1', '--emulator'], env);
      expect(show.code).to.equal(ExitCode.Failed);
      expect(show.stderr).to.include('not deployed');
      const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
      expect((await clients.resources.resourceGroups.checkExistence('rg-cf-eastus-test-1')).body).to.equal(false);
    });
  });
});
