// The local ARM emulator: requests per second for a GET and for a small stack PUT (PUT + polling
// to the end, through the real SDK clients over HTTPS), and the warm time to expand
// westeu-test-1's template (main.bicep compiled, then the snapshot the emulator takes on a PUT).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bicepExpander, startEmulator } from '@complianceflow/arm-emulator/index.ts';
import { repoRoot } from '@complianceflow/arm-emulator/paths.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';

export const name = 'ARM emulator: GET and stack PUT throughput, warm expansion of westeu-test-1';

const smallStack = (i: number): any => ({
  location: 'westeurope',
  properties: {
    template: {
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { n: { type: 'int' } },
      resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: 'rg-bench', location: 'westeurope', tags: { run: "[string(parameters('n'))]" } }],
    },
    parameters: { n: { value: i } },
    actionOnUnmanage: { resources: 'delete' },
    denySettings: { mode: 'none' },
  },
});

async function perSecond(seconds: number, concurrency: number, work: () => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await work();
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function run(): Promise<void> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'arm-emulator-bench-'));
  const bicep = await openBicep({ onWarning: () => {} });
  const expander = bicepExpander(async () => bicep);
  const emu = await startEmulator({ stateDir, expander, latency: { defaultMs: 0 } });
  try {
    const c = createArmClients({ kind: 'emulator', subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem });
    await c.resources.resourceGroups.createOrUpdate('rg-bench-get', { location: 'westeurope' });
    const gets = await perSecond(3, 8, () => c.resources.resourceGroups.get('rg-bench-get'));
    console.log(`  GET resource group (SDK, HTTPS, 8 in flight):        ${gets.toFixed(0)} requests/s`);
    let i = 0;
    await c.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-bench', smallStack(i++), { updateIntervalInMs: 1 });
    const puts = await perSecond(3, 1, () => c.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-bench', smallStack(i++), { updateIntervalInMs: 1 }));
    console.log(`  stack PUT + poll to succeeded (one stack, in series): ${puts.toFixed(1)} stacks/s`);

    const main = path.join(repoRoot, 'bicep', 'main.bicep');
    if (!existsSync(main)) {
      console.log('  westeu-test-1 expansion: skipped (bicep/main.bicep does not exist yet)');
      return;
    }
    try {
      const { template } = await bicep.compile(main, { strict: false });
      const target = resolveTargets(['westeu-test-1'])[0]!;
      const parameters = Object.fromEntries(Object.entries(target.parameters).map(([k, v]) => [k, { value: v }]));
      const input = { template, parameters, metadata: { subscriptionId: emu.subscriptionId, tenantId: emu.tenantId, location: target.location, deploymentName: 'cf-westeu-test-1' } };
      const first = await expander.expand(input);
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        await expander.expand(input);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`  westeu-test-1 expansion, warm (median of 3):         ${(times[1]! / 1000).toFixed(2)} s for ${first.resources.length} resources`);
    } catch (error) {
      console.log(`  westeu-test-1 expansion: skipped (${(error as Error).message.split('\n')[0]})`);
    }
  } finally {
    await emu.close();
    await expander.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await run();
