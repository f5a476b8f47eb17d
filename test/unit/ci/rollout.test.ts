// rollout.yml: the rings test → stg → prod from the registry, the template built once and promoted,
// environments, concurrency shared with deploy.yml, and which rings run when a ring fails — the
// last simulated with GitHub's expression evaluator over the workflow's own `if:` conditions.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { deploymentsOf } from '@complianceflow/cli/commands/list-registry.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { repoRoot as root } from '@complianceflow/core/repo-root.ts';
import { deploymentNames } from '../../support/deployment-names.ts';
import { evaluateTemplate, simulate, type SimJob } from '../../support/job-conditions.ts';

interface Step { uses?: string; run?: string; id?: string; with?: Record<string, string> }
interface Job extends SimJob { environment?: string; concurrency?: { group: string; 'cancel-in-progress': boolean }; steps?: Step[]; outputs?: Record<string, string>; strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, string> }; with?: Record<string, string>; permissions?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; concurrency?: { group: string; 'cancel-in-progress'?: boolean }; jobs: Record<string, Job> }

const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const rollout = parseYaml(read('.github/workflows/rollout.yml')) as Workflow;
const ringWorkflow = parseYaml(read('.github/workflows/rollout-ring.yml')) as Workflow;
const ringJob = ringWorkflow.jobs.deploy!;
const called = (uses: string) => {
  expect(uses).to.equal('./.github/workflows/rollout-ring.yml');
  return ringJob;
};
const deployWorkflow = parseYaml(read('.github/workflows/deploy.yml')) as Workflow;
const deployAction = parseYaml(read('.github/actions/deploy/action.yml')) as { outputs: Record<string, { value: string }>; runs: { steps: Step[] } };
const registry = loadRegistry();
const ring = (environment: string) => deploymentsOf(registry, environment).map((d) => d.name);
// What .github/scripts/rollout-rings.sh prints (test/integration/ci/rollout-rings.test.ts runs it).
const rings = { source: ring('test')[0]!, test: JSON.stringify(ring('test').slice(1)), stg: JSON.stringify(ring('stg')), prod: JSON.stringify(ring('prod')) };
const ringJobs = ['test', 'stg', 'prod'] as const;
const deployStep = (job: Job) => job.steps!.find((s) => s.uses === './.github/actions/deploy')!;

function runWith(outputs: Partial<typeof rings>, failing: string[] = []) {
  return simulate(rollout.jobs, { rings: { ...rings, ...outputs } }, (job, leg) => failing.includes(leg === '' ? rings.source : leg) && job !== 'rings', called);
}

describe('rollout.yml: rings test → stg → prod', () => {
  it('is started by hand only and types no deployment name: the rings come from the registry', () => {
    expect(Object.keys(rollout.on)).to.deep.equal(['workflow_dispatch']);
    const text = read('.github/workflows/rollout.yml');
    expect(deploymentNames.filter((d) => text.includes(d))).to.deep.equal([]);
    expect(rollout.jobs.rings!.steps!.map((s) => s.run)).to.include('bash .github/scripts/rollout-rings.sh >> "$GITHUB_OUTPUT"');
    // Every environment of the registry is a ring, in this order.
    expect(Object.keys(registry.profiles).sort()).to.deep.equal(['prod', 'stg', 'test']);
    // Each ring deploys in its own GitHub environment: stg and prod wait for its approval.
    expect(rollout.jobs.source!.environment).to.equal('test');
    expect(ringJob.environment).to.equal('${{ inputs.environment }}');
    for (const ring of ringJobs) {
      expect(rollout.jobs[ring]!.uses, ring).to.equal('./.github/workflows/rollout-ring.yml');
      expect(rollout.jobs[ring]!.with, ring).to.deep.equal({ environment: ring, deployments: `\${{ needs.rings.outputs.${ring} }}`, source: '${{ needs.rings.outputs.source }}', 'run-id': '${{ needs.source.outputs.run-id }}', artifact: '${{ needs.source.outputs.artifact }}' });
    }
  });

  it('deploys every deployment of the registry once, ring after ring, when every deploy succeeds', () => {
    const runs = runWith({});
    expect(Object.fromEntries(Object.entries(runs).map(([j, r]) => [j, r.result]))).to.deep.equal({ rings: 'success', source: 'success', test: 'success', stg: 'success', prod: 'success' });
    const deployed = [rings.source, ...runs.test!.legs, ...runs.stg!.legs, ...runs.prod!.legs];
    expect([...deployed].sort()).to.deep.equal(deploymentNames);
    expect(runs.stg!.legs).to.deep.equal(ring('stg'));
  });

  it('stops at the first failed ring: a failed test deployment stops stg and prod, a failed stg one stops prod', () => {
    const testFails = runWith({}, [JSON.parse(rings.test)[0]]);
    expect([testFails.test!.result, testFails.stg!.result, testFails.prod!.result]).to.deep.equal(['failure', 'skipped', 'skipped']);
    const sourceFails = runWith({}, [rings.source]);
    expect([sourceFails.source!.result, sourceFails.test!.result, sourceFails.stg!.result, sourceFails.prod!.result]).to.deep.equal(['failure', 'skipped', 'skipped', 'skipped']);
    const stgFails = runWith({}, [ring('stg')[0]!]);
    // The ring's other deployments still finish (fail-fast off), then prod does not start.
    expect([stgFails.stg!.result, stgFails.stg!.legs.length, stgFails.prod!.result]).to.deep.equal(['failure', ring('stg').length, 'skipped']);
  });

  it('runs the next ring when one is empty, and never on a failure behind it', () => {
    expect(runWith({ test: '[]' }).stg!.result).to.equal('success');
    const noStg = runWith({ stg: '[]' });
    expect([noStg.stg!.result, noStg.prod!.result]).to.deep.equal(['skipped', 'success']);
    const noStgTestFails = runWith({ stg: '[]' }, [JSON.parse(rings.test)[0]]);
    expect(noStgTestFails.prod!.result).to.equal('skipped');
  });

  it('builds the template once (the source deployment) and promotes that run to every other deployment', () => {
    expect(deployStep(rollout.jobs.source!).with).to.deep.equal({ deployment: '${{ needs.rings.outputs.source }}' });
    expect(rollout.jobs.source!.outputs!['run-id']).to.equal('${{ steps.deploy.outputs.run-id }}');
    const steps = ringJob.steps!;
    expect(deployStep(ringJob).with).to.deep.equal({ deployment: '${{ matrix.deployment }}', 'template-from-run': '${{ inputs.run-id }}' });
    // The source run's directory comes as an artifact, where --template-from-run finds a local run.
    const download = steps.findIndex((step) => step.uses?.startsWith('actions/download-artifact@') === true);
    expect(download).to.be.greaterThan(-1).and.lessThan(steps.indexOf(deployStep(ringJob)));
    expect(steps[download]!.with).to.deep.equal({ name: '${{ inputs.artifact }}', path: '.runs/${{ inputs.source }}/${{ inputs.run-id }}' });
    const deploys = deployAction.runs.steps.map((step) => step.run ?? '').filter((r) => r.includes('npm run deploy --'));
    expect(deploys).to.have.length(2);
    for (const run of deploys) expect(run).to.include('npm run deploy -- "$DEPLOYMENT" ${TEMPLATE_FROM_RUN:+--template-from-run "$TEMPLATE_FROM_RUN"} --yes --github-output');
    expect(deployAction.outputs['run-id']!.value).to.equal('${{ steps.first.outputs.run-id || steps.deploy.outputs.run-id }}');
  });

  it('shares each deployment\'s concurrency group with deploy.yml, never cancels a deploy, and lets a ring finish', () => {
    for (const d of deploymentNames) {
      const deployGroup = evaluateTemplate(deployWorkflow.concurrency!.group, { inputs: { deployment: d } });
      const source = evaluateTemplate(rollout.jobs.source!.concurrency!.group, { needs: { rings: { outputs: { source: d } } } });
      const leg = evaluateTemplate(ringJob.concurrency!.group, { matrix: { deployment: d } });
      expect([source, leg], d).to.deep.equal([deployGroup, deployGroup]);
    }
    expect(rollout.concurrency).to.deep.equal({ group: 'rollout', 'cancel-in-progress': false });
    expect(rollout.jobs.source!.concurrency!['cancel-in-progress']).to.equal(false);
    expect(ringJob.concurrency).to.deep.equal({ group: 'deploy-${{ matrix.deployment }}', 'cancel-in-progress': false });
    expect(ringJob.strategy!['fail-fast']).to.equal(false);
  });
});
