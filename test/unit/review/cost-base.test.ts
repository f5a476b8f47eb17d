// The cost base without --cost-base: the deployment's last successful run, read from its run reports.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { costBaseFromLastRun } from '@complianceflow/cli/review/cost-base.ts';

describe('review: the cost base from the last successful run', () => {
  let runs: string;
  const report = async (runId: string, outcome: string, cost?: object) => {
    await mkdir(path.join(runs, 'westeu-test-1', runId), { recursive: true });
    const plan = cost === undefined ? {} : { plan: { resources: 1, byType: {}, policy: { evaluated: 1, denied: 0, audited: 0 }, cost } };
    await writeFile(path.join(runs, 'westeu-test-1', runId, 'report.json'), JSON.stringify({ runId, deployment: 'westeu-test-1', outcome, ...plan }));
  };
  beforeEach(async () => {
    runs = await mkdtemp(path.join(os.tmpdir(), 'cf-cost-base-'));
  });
  afterEach(async () => {
    await rm(runs, { recursive: true, force: true });
  });

  it('takes the newest run that succeeded (or found nothing to change), skipping newer failed runs', async () => {
    const items = [{ resourceId: '/x/psql', name: 'psql', type: 'Microsoft.DBforPostgreSQL/flexibleServers', monthly: 120 }];
    await report('20261201T100000Z-aaaa', 'succeeded', { monthlyUsd: 150, budgetUsd: 200, message: 'm', byResource: items });
    await report('20261202T100000Z-bbbb', 'no-changes', { monthlyUsd: 155.86, budgetUsd: 200, message: 'm' });
    await report('20261203T100000Z-cccc', 'failed', { monthlyUsd: 999, budgetUsd: 200, message: 'm' });
    expect(await costBaseFromLastRun('westeu-test-1', runs)).to.deep.equal({ source: 'the last successful run, 20261202T100000Z-bbbb', monthlyTotal: 155.86 });
    await rm(path.join(runs, 'westeu-test-1', '20261202T100000Z-bbbb'), { recursive: true });
    expect(await costBaseFromLastRun('westeu-test-1', runs)).to.deep.equal({ source: 'the last successful run, 20261201T100000Z-aaaa', monthlyTotal: 150, byResource: items });
  });

  it('says why there is no base: no successful run, or a run that recorded no cost', async () => {
    await report('20261203T100000Z-cccc', 'failed');
    expect(await costBaseFromLastRun('westeu-test-1', runs)).to.have.property('none').that.matches(/^no successful run of westeu-test-1 in .*--cost-base <git-ref>/);
    await report('20261204T100000Z-dddd', 'succeeded');
    expect(await costBaseFromLastRun('westeu-test-1', runs)).to.deep.equal({ none: 'the last successful run 20261204T100000Z-dddd recorded no cost' });
  });
});
