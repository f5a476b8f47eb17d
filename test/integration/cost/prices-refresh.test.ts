// `cf-infra prices --refresh` as a process, without network access: a plain error, the table unchanged.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadPriceTable } from '@complianceflow/cli/cost/index.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { cliPath } from '../../support/cli.ts';

describe('the price table refresh (process)', function () {
  it('cf-infra prices --refresh fails plainly without network access and changes nothing', function () {
    const before = readFileSync(path.join(repoRoot, loadPriceTable().file), 'utf8');
    const result = spawnSync(process.execPath, [cliPath, 'prices', '--refresh'], { encoding: 'utf8', cwd: repoRoot });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/^error: cannot refresh prices: no network access to the Azure Retail Prices API/);
    expect(result.stderr).not.to.contain('    at ');
    expect(readFileSync(path.join(repoRoot, loadPriceTable().file), 'utf8')).to.equal(before);
  });
});
