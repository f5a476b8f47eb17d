// docs/infrastructure/Performance.md from the figures of a `npm run bench -- --markdown` run: the
// machine, the date, and one table per benchmark. Written whole; nothing in it is typed by hand.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { singleFileBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';
import type { Figure, Measured } from './paired.ts';

export const performanceDoc = 'docs/infrastructure/Performance.md';

/** The machine, one Markdown list item per fact. */
function machine(): string {
  // The pinned Bicep CLI's own version line, as the benchmarks ran it.
  const bicep = execFileSync(singleFileBicepPath(), ['--version'], { encoding: 'utf8' }).trim();
  const cpus = os.cpus();
  return [`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`, `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, `${os.type()} ${os.release()}`, `Node ${process.version}`, bicep].map((fact) => `- ${fact}`).join('\n');
}

type Results = ReadonlyArray<{ name: string; figures: readonly Figure[] | Measured }>;

export function performanceMarkdown(results: Results, date: string, host = machine()): string {
  const sections = results.map(({ name, figures }) => {
    if (!Array.isArray(figures)) return `## ${name}\n\n${markdownTable((figures as Measured).headers, (figures as Measured).rows)}`;
    const rows = (figures as readonly Figure[]).map((f) => [f.figure, f.seconds.a.toFixed(2), f.seconds.b.toFixed(2), f.ratio.median.toFixed(2), f.ratio.min.toFixed(2), f.target ?? '—']);
    return `## ${name}\n\n${markdownTable(['Figure (A ÷ B)', 'A median (s)', 'B median (s)', 'Ratio median', 'Ratio min', 'Target'], rows)}`;
  });
  return `# Performance

Measured with \`npm run bench -- --markdown\` on ${date}, on this machine:

${host}

Each A ÷ B figure times whole processes, A and B in turn after a warm-up pair, and takes the ratio
pair by pair; absolute seconds drift with the machine's load, the ratios much less. Benchmarks print numbers
and never pass or fail; the targets are the performance issue's. The warm-up pair also fills Node's
module compile cache (cf-infra enables it; it lives in the system's temp directory), as any earlier
run on the machine would. \`bicep build\`, in every figure and in the naive script, is Microsoft's
single-file CLI as NuGet delivers it. cf-infra runs the project's copy instead: the same CLI laid out
unpacked (scripts/unpack-bicep.ts; the single file inflates its compressed assemblies at every start),
with .NET settings for short runs (core/bicep/prestart.ts). The plan table shows what each of the two
does to \`bicep build\` alone. cf-infra loads its npm packages from the bundle setup builds
(scripts/bundle-vendor.ts), as on any machine set up with scripts/setup.sh.
The cold plan figures take seven pairs: \`bicep build\` itself takes 3.7 to 5.3 s from one pair to the
next here, so a ratio within a tenth of its target is not a verdict either way.

The deploy figures are taken twice. After a Bicep change (the compile cache emptied before every
run) each run compiles, or four runs at once compile once between them: the conditions the
performance issue measured in, before there was a cache. With Bicep unchanged no Bicep runs at all,
and what is left is CPU on this one machine (the CLI, the emulator, Azurite): four runs at once need
four times one run's CPU, so on ${os.availableParallelism()} cores their ratio to one run cannot fall below
4 × CPU ÷ (${os.availableParallelism()} × wall time) of one run. The last deploy row measures that floor.

${sections.join('\n\n')}
`;
}

export function writePerformanceDoc(results: Results): string {
  const file = path.join(repoRoot, performanceDoc);
  writeFileSync(file, performanceMarkdown(results, new Date().toISOString().slice(0, 10)));
  return file;
}
