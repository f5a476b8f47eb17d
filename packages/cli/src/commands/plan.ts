// `cf-infra plan <deployment>... | --all`: the offline plan (no Azure account): validate the config,
// compile and lint bicep/main.bicep with the real Bicep CLI, write each deployment's parameters, take
// its snapshot (real template engine, modules expanded) and summarize it; compare with or rewrite the
// committed golden snapshots.
// Only light modules here: when the compile is not cached, Bicep's jsonrpc process starts first and
// its .NET start-up overlaps loading the plan pipeline (plan-run.ts) and reading the config.
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';
import type { PlanCommandOptions } from './plan-run.ts';
import { defaultGoldenDir } from '../plan/golden.ts';
import { withBicepStartedEarly } from '../plan/bicep-early.ts';
import { defaultCacheDir } from '../plan/paths.ts';

const help = `Usage: cf-infra plan <deployment>... | --all [options]     (npm run plan -- <deployment> [options])

Validates deployments/, compiles and lints bicep/main.bicep with the real Bicep CLI (warnings are
errors) into .cache/plan/main.json, writes the deployment's parameters to
.cache/plan/<deployment>/main.bicepparam (using that JSON), takes its offline snapshot (no Azure
account needed) and prints the resources by type, their names and the address ranges. Compiles and
snapshots are kept in .cache/bicep and reused while their inputs (everything under bicep/,
bicepconfig.json, the Bicep CLI, the parameters) are unchanged: such a run starts no Bicep.

Options:
  --all               every deployment in deployments/ (one Bicep process for all of them)
  --json              machine-readable output: { deployment, parameters, resources, summary, ... }
                      (an array of those for more than one deployment)
  --check             compare with the committed golden snapshots (deployments/snapshots/<name>.json),
                      the first deploy's shape and the follow-up deploy's (stack outputs fed back,
                      e.g. containerAppsDefaultDomain, at a placeholder: its "followUp" section);
                      prints what would change; exit code 4 when anything differs or is missing;
                      exit code 1 (before compiling) when a rule of deployments/what-if-rules.yaml
                      has expired
  --update            rewrite the golden snapshots (both shapes)
  --golden-dir <dir>  golden snapshot directory (default deployments/snapshots)
  --cache-dir <dir>   where the generated .bicepparam files go (default .cache/plan)
  --no-cache          compile, lint and snapshot again instead of reusing .cache/bicep
  -h, --help

Exit codes: 0 ok, 1 failed (Bicep error or lint finding, a failing check), 2 bad input, 4 changes pending (--check).`;


function parse(args: string[]): PlanCommandOptions | 'help' {
  const parsed = parseCommandArgs('plan', args, {
    help,
    positionals: { name: 'deployment name' },
    options: {
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      update: { type: 'boolean', default: false },
      'golden-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  if (parsed.help) return 'help';
  const { values, positionals } = parsed;
  if (values.all && positionals.length > 0) throw new UsageError(`plan: give deployment names or --all, not both (got --all and ${positionals.join(', ')})`);
  if (!values.all && positionals.length === 0) throw new UsageError('plan: which deployment? Give one or more names, or --all', 'see `cf-infra plan --help`; `cf-infra cidr` lists the deployments');
  if (values.check && values.update) throw new UsageError('plan: --check and --update exclude each other');
  if (values.json && values.update) throw new UsageError('plan: --json and --update exclude each other');
  return {
    names: values.all ? 'all' : positionals,
    json: values.json,
    mode: values.check ? 'check' : values.update ? 'update' : 'show',
    goldenDir: values['golden-dir'] ?? defaultGoldenDir,
    cacheDir: values['cache-dir'] ?? defaultCacheDir,
    compileCache: !values['no-cache'],
  };
}

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options === 'help') return ExitCode.Success;
  return withBicepStartedEarly(options.compileCache, async (prestarted) => {
    const { runPlan } = await import('./plan-run.ts');
    return runPlan(options, prestarted);
  });
}
