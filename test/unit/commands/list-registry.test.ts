// `cf-infra list --registry [--environment <env>]`: the registry's deployments offline (what
// rollout.yml's rings are made of), and the bad input it refuses.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deploymentsOf, type RegistryRow } from '@complianceflow/cli/commands/list-registry.ts';
import { run } from '@complianceflow/cli/commands/list.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { deploymentNames } from '../../support/deployment-names.ts';
import { thrownBy } from '../../support/thrown.ts';

const environmentOf = (d: string) => /^environment: (\w+)/m.exec(readFileSync(path.join(repoRoot, 'deployments', `${d}.yaml`), 'utf8'))![1]!;

async function printed(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    return { code: await run(args), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('list --registry --environment', () => {
  const registry = loadRegistry();

  it('gives the deployments of one environment, as deployments/<name>.yaml states it', () => {
    for (const environment of ['test', 'stg', 'prod']) {
      expect(deploymentsOf(registry, environment).map((d) => d.name).sort(), environment).to.deep.equal(deploymentNames.filter((d) => environmentOf(d) === environment));
    }
    expect(deploymentsOf(registry, undefined).map((d) => d.name).sort()).to.deep.equal(deploymentNames);
  });

  it('refuses an environment without a profile, naming the allowed ones', () => {
    const error = thrownBy(() => deploymentsOf(registry, 'production'), UsageError);
    expect(error.exitCode).to.equal(ExitCode.BadInput);
    expect(error.message).to.equal('list: --environment "production" is not an environment of the registry; allowed: prod, stg, test (deployments/profiles/<env>.yaml)');
  });

  it('prints name, environment and location as JSON without touching Azure', async () => {
    const { code, out } = await printed(['--registry', '--environment', 'stg', '--json']);
    expect(code).to.equal(ExitCode.Success);
    const rows = JSON.parse(out) as RegistryRow[];
    expect(rows.map((r) => r.deployment).sort()).to.deep.equal(deploymentNames.filter((d) => environmentOf(d) === 'stg'));
    expect(rows.every((r) => r.environment === 'stg' && r.location.length > 0)).to.equal(true);
    expect(Object.keys(rows[0]!)).to.deep.equal(['deployment', 'environment', 'location']);
  });

  it('refuses --registry with a target: it reads only the registry', async () => {
    for (const target of [['--emulator'], ['--subscription', '00000000-0000-0000-0000-000000000000']]) {
      const error = await run(['--registry', ...target]).then(() => undefined, (e: unknown) => e);
      expect(error, target.join(' ')).to.be.instanceOf(UsageError);
      expect((error as UsageError).message).to.match(/--registry reads only deployments\/\*\.yaml/);
    }
  });
});
