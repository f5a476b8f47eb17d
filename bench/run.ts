// `npm run bench [-- [--markdown] <filter>...]`: runs every bench/*.bench.ts module (each exports
// `name` and `run()`, which prints its own numbers and may return its figures). With filters, only
// the modules whose file name or `name` contains one of them; --markdown also writes the figures to
// docs/infrastructure/Performance.md. Benchmarks print numbers; they never pass or fail on time.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { currentManifest } from '@complianceflow/cli/vendor/manifest.ts';
import { writePerformanceDoc } from './markdown.ts';
import type { Figure, Measured } from './paired.ts';

interface Benchmark {
  name: string;
  run(): Promise<Figure[] | Measured | void>;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));

function benchmarkFiles(): string[] {
  return readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort();
}

async function main(args: string[]): Promise<number> {
  const markdown = args.includes('--markdown');
  const filters = args.filter((a) => a !== '--markdown');
  if (filters.includes('--help') || filters.includes('-h')) {
    console.log('Usage: npm run bench [-- [--markdown] <filter>...]   (filters match a bench file name or its `name`; --markdown writes docs/infrastructure/Performance.md)\n');
    for (const file of benchmarkFiles()) console.log(`  ${file.replace(/\.bench\.ts$/, '')}`);
    return 0;
  }
  const selected: [string, Benchmark][] = [];
  for (const file of benchmarkFiles()) {
    const benchmark = (await import(pathToFileURL(path.join(benchDir, file)).href)) as Benchmark;
    const matches = filters.length === 0 || filters.some((f) => file.includes(f) || benchmark.name.includes(f));
    if (matches) selected.push([file, benchmark]);
  }
  if (selected.length === 0) {
    console.error(`error: no benchmark matches ${filters.map((f) => JSON.stringify(f)).join(', ')}. Benchmarks: ${benchmarkFiles().join(', ')}`);
    return 2;
  }
  if (currentManifest() === undefined) console.log('note: no current bundle of npm packages (npm run vendor:bundle): cf-infra loads them from node_modules, not as set-up machines do');
  let failed = 0;
  const results: { name: string; figures: Figure[] | Measured }[] = [];
  for (const [file, benchmark] of selected) {
    console.log(`\n== ${benchmark.name}  (${file})`);
    try {
      const figures = await benchmark.run();
      if (figures !== undefined) results.push({ name: benchmark.name, figures });
    } catch (error) {
      failed++;
      console.error(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (markdown) console.log(`\nwrote ${writePerformanceDoc(results)}`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
