// Promote the tested artifact, roll back to the last good run, outputs out — against the ARM emulator
// (in this process, bootstrapped, deploys as the CI identity) and a real Azurite: a successful deploy
// keeps its template and parameters (never a secure value); `deploy --template-from-run` deploys that
// stored template to another deployment from a checkout whose Bicep changed; `rollback` restores the
// previous template; runs that cannot be deployed again are refused; `show --format env`.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { loadDeploySource } from '@complianceflow/cli/deploy/run-source.ts';
import { secretClient } from '@complianceflow/cli/secrets/client.ts';
import { vaultOf } from '@complianceflow/cli/secrets/expected.ts';
import { sha256 } from '@complianceflow/cli/report/artifacts.ts';
import type { RunReport } from '@complianceflow/cli/report/model.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { freePort } from '../../support/azurite.ts';
import { runNode, type CliRun, cliEntry } from '../../support/cli.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';
import { deployInto, reportTexts, startEmulatorWorld, startServices, type CapturedDeploy, type EmulatorWorld, type Services } from '../../support/world.ts';

const tagged = 'promotion-check';

describe('promote the tested artifact, roll back, outputs out (emulator + Azurite)', function () {
  this.timeout(300_000);
  let services: Services;
  let world: EmulatorWorld;
  let runsDir: string;
  /** A checkout whose main.bicep tags the resource group differently: its own compile is not the stored template. */
  let changed: string;
  let first: CapturedDeploy;
  /** eastus-test-1's run of westeu-test-1's template (found only in the artifacts account from runsDir). */
  let promotedRunId: string;
  let env: NodeJS.ProcessEnv;

  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => runNode(changed, path.join(changed, cliEntry), args, { GITHUB_ACTIONS: '', ...env, ...extra });
  const groupTags = async (deployment: string): Promise<Record<string, string>> => (await world.clients.resources.resourceGroups.get(`rg-cf-${deployment}`)).tags ?? {};
  const stackDeploymentId = async (deployment: string): Promise<string | undefined> => (await world.clients.stacks.deploymentStacks.getAtSubscription(`cf-${deployment}`)).properties?.deploymentId;
  const reportOf = async (deployment: string, runId: string, dir = runsDir): Promise<RunReport> => JSON.parse(await readFile(path.join(dir, deployment, runId, 'report.json'), 'utf8')) as RunReport;
  const refusal = async (promise: Promise<unknown>): Promise<UsageError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(UsageError);
    return error as UsageError;
  };

  before(async () => {
    services = await startServices();
    world = await startEmulatorWorld(services, {}, { ci: true });
    runsDir = await services.tempDir('cf-promote-runs-');
    changed = scratchCheckout('cf-promote-', ['deployments', 'bicep', 'policies', 'pricing', 'bicepconfig.json', 'scripts/bicep-restore']);
    const main = path.join(changed, 'bicep/main.bicep');
    const bicep = await readFile(main, 'utf8');
    await writeFile(main, bicep.replace('  location: location\n  tags: validatedTags\n}', `  location: location\n  tags: union(validatedTags, { '${tagged}': 'changed' })\n}`));
    expect(await readFile(main, 'utf8')).to.include(tagged);
    const { emulator } = world;
    env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: emulator.stateDir, AZURITE_BLOB_PORT: String(services.azurite.port), ARM_EMULATOR_PORT: String(await freePort()), CF_RUNS_DIR: runsDir };
    first = await deployInto(services, world, 'westeu-test-1', { runsDir });
  });
  after(async () => {
    await world?.close();
    await services?.close();
    if (changed !== undefined) await rm(changed, { recursive: true, force: true });
  });

  it('a successful deploy keeps template.json and parameters.json with its report, locally and uploaded; no secure value in them', async () => {
    expect(first.exitCode, first.lines.join('\n')).to.equal(ExitCode.Success);
    const dir = first.reportDir!;
    expect((await readdir(dir)).sort()).to.deep.equal(['parameters.json', 'report.json', 'report.md', 'report.txt', 'template.json']);
    const template = await readFile(path.join(dir, 'template.json'), 'utf8');
    const parameters = await readFile(path.join(dir, 'parameters.json'), 'utf8');
    const artifact = first.report!.artifact!;
    expect(artifact).to.deep.include({ project: 'complianceflow-infra', stored: true, templateSha256: sha256(template), parametersSha256: sha256(parameters), secureParametersOmitted: ['postgresAdministratorPassword'] });
    expect((JSON.parse(template) as { parameters: Record<string, { type: string }> }).parameters.postgresAdministratorPassword?.type).to.equal('securestring');
    const sent = (JSON.parse(parameters) as { parameters: Record<string, { value: unknown }> }).parameters;
    expect(sent).to.include.keys('deploymentName', 'location', 'names');
    expect(sent).not.to.have.property('postgresAdministratorPassword');
    // The password the server was created with (sent as that secure parameter) is nowhere in the kept files or the report.
    const access = { credential: new EmulatorCredential(), emulatorCaPem: world.emulator.caPem, retryOptions: { maxRetries: 0 } };
    const password = (await secretClient(vaultOf(first.stack)!.url, access).getSecret('postgresql-admin-password')).value!;
    expect(password).to.have.length.greaterThan(20);
    expect(template + parameters + (await reportTexts(dir))).not.to.include(password);
    expect(await reportTexts(dir)).to.include('template: compiled from this checkout').and.include('secure parameters not stored: postgresAdministratorPassword');
    // Next to the report in the artifacts account, the same bytes.
    const blob = services.azurite.lockStore().container.getBlockBlobClient(`runs/westeu-test-1/${first.report!.runId}/template.json`);
    expect((await blob.downloadToBuffer()).toString('utf8')).to.equal(template);
  });

  it("a deploy from the changed checkout deploys its own compile (the resource group's new tag): the change is real", async () => {
    const run = await cli(['deploy', 'westeu-test-1', '--emulator', '--as', 'ci', '--yes', '--format', 'json']);
    expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.Success);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.outcome).to.equal('succeeded');
    expect(report.artifact!.templateSha256).not.to.equal(first.report!.artifact!.templateSha256);
    expect(await groupTags('westeu-test-1')).to.have.property(tagged, 'changed');
  });

  it('deploy --template-from-run deploys the stored template, not the checkout\'s, to another deployment; found in the artifacts account; --github-output', async () => {
    const elsewhere = await services.tempDir('cf-promote-other-runs-');
    const outputs = path.join(elsewhere, 'github-output');
    // No local copy of the run here: it comes from the artifacts account.
    const run = await cli(['deploy', 'eastus-test-1', '--emulator', '--as', 'ci', '--yes', '--template-from-run', first.report!.runId, '--github-output'], { CF_RUNS_DIR: elsewhere, GITHUB_OUTPUT: outputs });
    expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.Success);
    expect(run.stdout).to.include(`plan (the template of run ${first.report!.runId} (westeu-test-1)`);
    expect(await groupTags('eastus-test-1')).not.to.have.property(tagged);
    const runId = /^run-id=(\S+)$/m.exec(await readFile(outputs, 'utf8'))?.[1];
    expect(await readFile(outputs, 'utf8')).to.equal(`run-id=${runId}\noutcome=succeeded\n`);
    promotedRunId = runId!;
    const report = await reportOf('eastus-test-1', runId!, elsewhere);
    expect(report.artifact).to.deep.include({ templateSha256: first.report!.artifact!.templateSha256, from: { kind: 'template-from-run', runId: first.report!.runId, deployment: 'westeu-test-1' } });
    expect(report.plan!.resources).to.be.greaterThan(100);
    expect(await readFile(path.join(elsewhere, 'eastus-test-1', runId!, 'report.txt'), 'utf8')).to.include(`template: from run ${first.report!.runId} of westeu-test-1`);
    // eastus-test-1's own parameters, not westeu-test-1's.
    expect((JSON.parse(await readFile(path.join(elsewhere, 'eastus-test-1', runId!, 'parameters.json'), 'utf8')) as { parameters: { deploymentName: { value: string } } }).parameters.deploymentName.value).to.equal('eastus-test-1');
  });

  it("rollback redeploys the last good run before the current state: the previous template and that run's parameters, the tag gone", async () => {
    // The registry changed since: a rollback deploys the run's parameters, not these.
    const file = path.join(changed, 'deployments/westeu-test-1.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}overrides:\n  monitoring:\n    logAnalytics:\n      dailyCapGb: 2\n`);
    const run = await cli(['rollback', 'westeu-test-1', '--emulator', '--as', 'ci', '--yes', '--format', 'json']);
    expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.Success);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.command).to.match(/^rollback westeu-test-1/);
    expect(report.outcome).to.equal('succeeded');
    expect(report.whatIf!.changes).to.deep.equal([{ kind: 'modify', resourceId: `/subscriptions/${world.emulator.subscriptionId}/resourceGroups/rg-cf-westeu-test-1` }]);
    expect(report.artifact).to.deep.include({ templateSha256: first.report!.artifact!.templateSha256, from: { kind: 'rollback', runId: first.report!.runId, deployment: 'westeu-test-1' } });
    expect(await groupTags('westeu-test-1')).not.to.have.property(tagged);
  });

  describe('refusals: exit 2, nothing deployed, the reason said', () => {
    /** A copy of the first run under another id, its report changed. */
    async function craftedRun(runId: string, change: (report: RunReport) => void, files: string[] = ['template.json', 'parameters.json']): Promise<string> {
      const dir = path.join(runsDir, 'westeu-test-1', runId);
      await mkdir(dir, { recursive: true });
      for (const file of files) await cp(path.join(first.reportDir!, file), path.join(dir, file));
      const report = { ...first.report!, runId, artifact: { ...first.report!.artifact! } };
      change(report);
      await writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
      return runId;
    }
    const load = (runId: string) => loadDeploySource('westeu-stg-1', { kind: 'template-from-run', runId }, { runsDir, store: services.azurite.lockStore() });

    it('a run that failed, on the command line: exit 2, no stack trace, the stack untouched', async () => {
      const failed = await craftedRun('20200101T000000Z-00000a', (r) => Object.assign(r, { outcome: 'failed', exitCode: 1 }));
      const before = await stackDeploymentId('eastus-test-1');
      const run = await cli(['deploy', 'eastus-test-1', '--emulator', '--as', 'ci', '--yes', '--template-from-run', failed]);
      expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.BadInput);
      expect(run.stderr).to.include(`run ${failed} (westeu-test-1) did not succeed (outcome "failed")`).and.include('nothing was deployed');
      expect(run.stderr).not.to.include('    at ');
      expect(await stackDeploymentId('eastus-test-1')).to.equal(before);
    });

    it('a run of another project, one that kept no template, a tampered template, one that does not exist', async () => {
      const foreign = await craftedRun('20200101T000000Z-00000b', (r) => (r.artifact!.project = 'someone-elses-infra'));
      expect((await refusal(load(foreign))).message).to.include('belongs to another project ("someone-elses-infra"; this checkout is "complianceflow-infra")');
      const older = await craftedRun('20200101T000000Z-00000c', (r) => delete r.artifact, []);
      expect((await refusal(load(older))).message).to.include('kept no template');
      const tampered = await craftedRun('20200101T000000Z-00000d', () => {});
      await writeFile(path.join(runsDir, 'westeu-test-1', tampered, 'template.json'), '{"resources": []}\n');
      expect((await refusal(load(tampered))).message).to.include('template.json').and.include('does not match the sha256 its report recorded');
      expect((await refusal(load('20200101T000000Z-0000ff'))).message).to.match(/run 20200101T000000Z-0000ff was not found: not in .*\/\*\/20200101T000000Z-0000ff\/ nor in the artifacts account/);
    });

    it('a malformed run id, rollback --to a run of another deployment, --github-output without $GITHUB_OUTPUT', async () => {
      const bad = await cli(['deploy', 'westeu-test-1', '--emulator', '--yes', '--template-from-run', '../../etc']);
      expect(bad.code, bad.stderr).to.equal(ExitCode.BadInput);
      expect(bad.stderr).to.include('--template-from-run "../../etc" is not a run id');
      const error = await refusal(loadDeploySource('westeu-test-1', { kind: 'rollback', to: promotedRunId }, { runsDir, store: services.azurite.lockStore() }));
      expect(error.message).to.include(`run ${promotedRunId} is a run of eastus-test-1, not westeu-test-1`);
      expect(error.hint).to.include(`cf-infra deploy westeu-test-1 --template-from-run ${promotedRunId}`);
      const noFile = await cli(['show', 'westeu-test-1', '--emulator', '--github-output'], { GITHUB_OUTPUT: '' });
      expect(noFile.code).to.equal(ExitCode.BadInput);
      expect(noFile.stderr).to.include('--github-output needs $GITHUB_OUTPUT');
    });
  });

  it('show --format env prints the non-secret outputs as KEY=value; --github-output appends them; what-if --json is --format json', async () => {
    const show = await cli(['show', 'westeu-test-1', '--emulator', '--format', 'env']);
    expect(show.code, show.stderr).to.equal(ExitCode.Success);
    const lines = show.stdout.trimEnd().split('\n');
    expect(lines).to.include('RESOURCE_GROUP_NAME=rg-cf-westeu-test-1');
    expect(lines.some((l) => /^CONTAINER_APPS_DEFAULT_DOMAIN=\S+\.westeurope\.azurecontainerapps\.io$/.test(l)), show.stdout).to.equal(true);
    expect(lines.every((l) => /^[A-Z][A-Z0-9_]*=/.test(l))).to.equal(true);
    expect(show.stdout).not.to.match(/CONNECTION_STRING|PASSWORD|SECRET|\*\*\*/);

    const outputs = path.join(await services.tempDir('cf-promote-gh-'), 'out');
    const github = await cli(['show', 'westeu-test-1', '--emulator', '--json', '--github-output'], { GITHUB_OUTPUT: outputs });
    expect(github.code, github.stderr).to.equal(ExitCode.Success);
    expect((JSON.parse(github.stdout) as { deployment: string }).deployment).to.equal('westeu-test-1');
    const keys = (text: string): string[] => text.trimEnd().split('\n').map((l) => l.split('=')[0]!);
    expect(keys(await readFile(outputs, 'utf8'))).to.deep.equal(keys(show.stdout));
    expect(await readFile(outputs, 'utf8')).to.include('RESOURCE_GROUP_NAME=rg-cf-westeu-test-1\n');

    const whatIf = await cli(['what-if', 'westeu-test-1', '--emulator', '--as', 'ci', '--json']);
    expect(whatIf.code, whatIf.stderr).to.equal(ExitCode.Success);
    expect((JSON.parse(whatIf.stdout) as { summary: { noChange: number } }).summary.noChange).to.be.greaterThan(100);
  });
});
