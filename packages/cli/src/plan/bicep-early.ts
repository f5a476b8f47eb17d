// Bicep's jsonrpc process started before a command loads its heavy modules: .NET takes about a
// second to start, which then overlaps loading the pipeline and reading the config. Not when the
// compile of main.bicep is cached (such a run may start no Bicep at all) or no Bicep is found (the
// command reports that when, and if, it needs Bicep). Light on purpose, like prestart.ts.
import { compileIsCached } from '@complianceflow/core/bicep/compile-cache.ts';
import { locateBicep } from '@complianceflow/core/bicep/locate.ts';
import { prestartBicep, type PrestartedBicep } from '@complianceflow/core/bicep/prestart.ts';
import { bicepConfigFile, defaultCompileCacheDir, mainTemplate } from './paths.ts';

/** `compileCache`: false for --no-cache (the compile is then never cached). */
export async function startBicepEarly(compileCache: boolean): Promise<PrestartedBicep | undefined> {
  let bicepPath: string;
  try {
    bicepPath = locateBicep().path;
  } catch {
    return undefined;
  }
  const cacheDir = compileCache ? defaultCompileCacheDir : undefined;
  if (await compileIsCached({ bicepPath }, mainTemplate, { cacheDir, strict: true, configFile: bicepConfigFile })) return undefined;
  return prestartBicep();
}

/**
 * Runs a command with Bicep started early (`compileCache` as above; undefined: the command compiles
 * nothing, so none is started). A Bicep the command never adopted, because it refused its input or
 * found everything cached, is ended when the command ends.
 */
export async function withBicepStartedEarly<T>(compileCache: boolean | undefined, command: (prestarted: PrestartedBicep | undefined) => Promise<T>): Promise<T> {
  const prestarted = compileCache === undefined ? undefined : await startBicepEarly(compileCache);
  try {
    return await command(prestarted);
  } finally {
    prestarted?.release();
  }
}
