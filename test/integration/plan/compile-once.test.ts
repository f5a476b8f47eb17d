// Compile once, expand the compiled JSON: every deployment's snapshot taken through main.bicep's
// compiled template equals the one taken through main.bicep itself (both shapes, all deployments),
// and the compile cache keeps a second plan from compiling at all. The real Bicep CLI throughout.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { writeParametersFile } from '@complianceflow/core/bicep/parameters-file.ts';
import { compilePlanTemplate, mainTemplate, planDeployments, snapshotMetadata } from '@complianceflow/cli/plan/pipeline.ts';
import { normalizeResources } from '@complianceflow/cli/plan/resources.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';
import { followUpPlaceholders } from '@complianceflow/cli/config/fed-back.ts';

describe('plan: compile once, expand the compiled JSON', function () {
  this.timeout(600_000);
  let bicep: Bicep;
  let scratch: string;
  let compiles = 0;

  before(async () => {
    const real = await openBicep({ onWarning: () => {} });
    bicep = { ...real, compile: (file, options) => ((compiles += 1), real.compile(file, options)) };
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cf-compile-once-'));
  });
  after(async () => {
    await bicep?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('each deployment (first deploy and follow-up) predicts the same resources from the compiled JSON as from main.bicep', async () => {
    const compiled = await compilePlanTemplate({ bicep, cacheDir: scratch, compileCacheDir: null });
    const targets = resolveTargets('all');
    expect(targets.length).to.be.greaterThanOrEqual(8);
    for (const target of targets) {
      for (const [shape, parameters] of [['first', target.parameters], ['follow-up', { ...target.parameters, ...followUpPlaceholders(target.location) }]] as const) {
        const viaSource = path.join(scratch, target.deployment, `${shape}-source.bicepparam`);
        const viaJson = path.join(scratch, target.deployment, `${shape}-json.bicepparam`);
        await writeParametersFile(mainTemplate, viaSource, parameters, 'test');
        await writeParametersFile(compiled.file, viaJson, parameters, 'test');
        const fromSource = normalizeResources((await bicep.snapshot(viaSource, snapshotMetadata(target))).predictedResources);
        const fromJson = normalizeResources((await bicep.snapshot(viaJson, snapshotMetadata(target))).predictedResources);
        expect(fromJson.length, `${target.deployment} ${shape}`).to.be.greaterThan(10);
        expect(fromJson, `${target.deployment} ${shape}`).to.deep.equal(fromSource);
      }
    }
  });

  it('with the compile cache, a second plan of unchanged Bicep starts no compile', async () => {
    const cacheDir = path.join(scratch, 'bicep-cache');
    const targets = resolveTargets(['westeu-test-1']);
    compiles = 0;
    const [first] = await planDeployments(targets, { bicep, cacheDir: path.join(scratch, 'a'), compileCacheDir: cacheDir, followUp: false });
    const [second] = await planDeployments(targets, { bicep, cacheDir: path.join(scratch, 'b'), compileCacheDir: cacheDir, followUp: false });
    expect(compiles).to.equal(1);
    expect(second!.resources).to.deep.equal(first!.resources);
  });
});
