// The code map of docs/infrastructure/Code_Map.md, derived from the real imports of packages/*/src:
// each package and folder, what it owns (folderOwners, the one place that says it), and what it
// imports. The package borders are rules: an import across a border they do not allow, an import
// cycle between files, or a folder without an owner line fails the generator and its check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '@complianceflow/core/errors.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

/** Which packages each package may import (a package may always import itself). */
export const packageBorders: Record<string, readonly string[]> = {
  core: [],
  'arm-emulator': ['core'],
  cli: ['core'],
  'docs-tools': ['cli', 'core'],
};

/** What each folder owns, by `<package>/<folder>` (`<package>/` for the files at its src/ root). */
export const folderOwners: Record<string, string> = {
  'core/': 'The repository root, exit codes, CliError, the environment variables the tools read, text and Markdown tables, the process layer (every outside program through zx)',
  'core/arm': 'What the CLI and the emulator agree on about ARM: the emulator contract (port, subscription, state dir), its token, the actions a template needs, resource ids and their types, string literals of the template expression language',
  'core/bicep': 'The Bicep facade: locating the pinned CLI, compile + lint, parameters, offline snapshots over JSON-RPC',
  'core/text': 'Terminal text: whether output is coloured (NO_COLOR, FORCE_COLOR, a terminal), the styles through node:util styleText',
  'core/policy': 'The Azure Policy engine: definitions, initiatives, assignments, aliases, the rule evaluator (offline plans and the emulator)',
  'cli/': 'The `cf-infra` command dispatch (run by `packages/cli/bin/cf-infra.js`, the executable: JavaScript, so Node\'s compile cache is on before any TypeScript loads)',
  'cli/arm': 'The one door to ARM: session (SDK clients, credential, endpoint, CA, the one retry policy), api-versions, resources by id, core-lro operations, the stack provider (state, preview, apply following its deployment operations, destroy, operations)',
  'cli/arm-errors': 'ARM errors turned into user-facing explanations and hints',
  'cli/bootstrap': 'The one-time subscription bootstrap: desired state, the deployment role, the CI identity, reconcile',
  'cli/cidr': 'IPv4 arithmetic, the address-space allocation per region, the `cidr` report',
  'cli/commands': 'The command table (name, summary, lazy load: `--help` loads no command) and one file per command: its help, flags and the checks that need nothing loaded; where a command needs the SDKs, Bicep or the registry, its `<command>-run.ts` half holds the run and loads once the flags are read (`--help` loads no package)',
  'cli/config': 'The deployment registry: YAML files, schemas, profiles, merge, the parameters each deployment compiles with; the what-if noise rules file',
  'cli/cost': 'The offline cost estimate from the dated price table, the budget check, the cost change against a base',
  'cli/deploy': 'The deploy and destroy step lists: preflight, lock, what-if, stack apply, data and secrets phases, validation, the noise check, the report',
  'cli/local': 'The local environment: Docker Compose or native PostgreSQL/Redis, ports, settings, logs',
  'cli/lock': 'The deployment lock as a blob lease (Azurite locally, the artifacts account on Azure)',
  'cli/naming': 'Resource names derived from the deployment name and checked against Azure\'s rules',
  'cli/plan': 'The offline plan: targets, snapshot, policy and cost stages, golden snapshots, the summary',
  'cli/review': 'The pull-request review of several deployments: what-if, cost change against a base, policy findings, failures, one size-bounded sticky comment',
  'cli/report': 'The run report: model, masking, rendering, storage; the template and parameters a successful deploy keeps, runs read back (promote, rollback)',
  'cli/runner': 'The step runner: a command as a list of steps over one typed context, finally-steps, listr2 renderers (terminal, CI lines, GitHub annotations and step outputs), per-resource progress (tier sub-tasks, lines, groups), interrupts',
  'cli/secrets': 'Key Vault secrets a deployment expects, their inventory, the post-deploy writes',
  'cli/validate': 'The smoke tests after a deploy: ARM, Key Vault, PostgreSQL, Redis, Event Hubs, monitoring, the validation job',
  'cli/vendor': "The npm dependencies' bundle (node_modules/.cache, built by scripts/bundle-vendor.ts): its manifest and stamp, the resolve hook the executable registers",
  'cli/whatif': 'What-if results: normalise, the noise-rule matcher and the suppressed section, noise candidates, masking, text/JSON/Markdown rendering',
  'arm-emulator/': 'The local ARM emulator: HTTPS server, router, state, deployments and stacks, what-if, policy deny, LROs, faults',
  'arm-emulator/authorization': 'ARM authorization: role assignments and definitions, conditions, the actions each request needs',
  'arm-emulator/handlers': 'One handler per ARM surface: deployments, stacks, resources, resource groups, providers, Key Vault data plane',
  'docs-tools/': 'The doc generator (`npm run docs:generate`) and the doc checks (`npm run docs:lint`)',
};

export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  file: string;
  /** The repository-relative files it imports from the packages (external modules left out). */
  imports: string[];
}

const packagesDir = 'packages';
const scope = '@complianceflow/';
const importPattern = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;

function walk(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const relative = `${dir}/${entry}`;
    if (statSync(path.join(root, relative)).isDirectory()) return walk(root, relative);
    return relative.endsWith('.ts') ? [relative] : [];
  });
}

/** The file an import names, when it is one of the packages' own. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (specifier.startsWith(scope)) {
    const [pkg, ...rest] = specifier.slice(scope.length).split('/');
    return `${packagesDir}/${pkg}/src/${rest.join('/')}`;
  }
  if (specifier.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return undefined;
}

export function readSources(root: string): SourceFile[] {
  return readdirSync(path.join(root, packagesDir))
    .sort()
    .flatMap((pkg) => walk(root, `${packagesDir}/${pkg}/src`))
    .map((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      const imports = [...text.matchAll(importPattern)].map((m) => resolveImport(file, m[1]!)).filter((f): f is string => f !== undefined);
      return { file, imports: [...new Set(imports)] };
    });
}

/** `<package>/<folder>` of a file under packages/<package>/src/ (`<package>/` at the src root). */
export function folderOf(file: string): string {
  const [, pkg, , ...rest] = file.split('/');
  return `${pkg}/${rest.length > 1 ? rest[0] : ''}`;
}

const packageOf = (folder: string) => folder.split('/')[0]!;

/** Import cycles between files (strongly connected components of more than one file, or a self-import). */
export function importCycles(sources: readonly SourceFile[]): string[][] {
  const edges = new Map(sources.map((s) => [s.file, s.imports]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) visit(next);
      if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, low.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (edges.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const { file } of sources) if (!index.has(file)) visit(file);
  return cycles;
}

/** Every way the code breaks the map's rules, one line each (empty when it keeps them). */
export function codeMapViolations(sources: readonly SourceFile[], owners = folderOwners, borders = packageBorders): string[] {
  const violations: string[] = [];
  const folders = new Set(sources.map((s) => folderOf(s.file)));
  for (const folder of [...folders].sort()) if (owners[folder] === undefined) violations.push(`${folder}: no owner line in folderOwners (packages/docs-tools/src/code-map.ts)`);
  for (const folder of Object.keys(owners).sort()) if (!folders.has(folder)) violations.push(`${folder}: in folderOwners but holds no source file`);
  for (const { file, imports } of sources) {
    const from = packageOf(folderOf(file));
    for (const target of imports) {
      const to = packageOf(folderOf(target));
      if (to !== from && !(borders[from] ?? []).includes(to)) {
        violations.push(`${file} imports ${target}: ${from} may import ${[from, ...(borders[from] ?? [])].join(', ')} only`);
      }
    }
  }
  for (const cycle of importCycles(sources)) violations.push(`import cycle: ${cycle.join(' -> ')}`);
  return violations;
}

/** The generated block of the code map: one table per package, each folder with its owner and imports. */
export function codeMapTables(root: string): string {
  const sources = readSources(root);
  const violations = codeMapViolations(sources);
  if (violations.length > 0) throw new CliError(`the code breaks the code map's rules:\n${violations.map((v) => `  ${v}`).join('\n')}`);
  const importsOf = new Map<string, Set<string>>();
  for (const { file, imports } of sources) {
    const folder = folderOf(file);
    const set = importsOf.get(folder) ?? new Set<string>();
    for (const target of imports) if (folderOf(target) !== folder) set.add(folderOf(target));
    importsOf.set(folder, set);
  }
  const name = (folder: string) => (folder.endsWith('/') ? `${folder}*.ts` : `${folder}/`);
  return Object.entries(packageBorders)
    .map(([pkg, allowed]) => {
      const rows = [...importsOf.keys()]
        .filter((folder) => packageOf(folder) === pkg)
        .sort()
        .map((folder) => [`\`${name(folder)}\``, folderOwners[folder]!, [...importsOf.get(folder)!].sort().map((f) => `\`${name(f)}\``).join(', ') || '—']);
      const may = allowed.length === 0 ? 'nothing outside itself' : allowed.map((p) => `\`${p}\``).join(', ');
      return `## \`packages/${pkg}\`\n\nMay import: ${may}.\n\n${markdownTable(['Folder', 'Owns', 'Imports from'], rows)}`;
    })
    .join('\n\n');
}
