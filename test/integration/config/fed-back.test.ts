// Outputs fed back into the next deploy (config/fed-back.ts): the derivation from a stack's outputs,
// the table against bicep/main.bicep (real compiler), the follow-up shape as a delta of the first
// (plan/follow-up.ts) and the golden snapshots' followUp section (plan/golden.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { fedBackFromOutputs, fedBackParameters, followUpPlaceholders } from '@complianceflow/cli/config/fed-back.ts';
import { deployShape } from '@complianceflow/cli/deploy/preflight.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { applyFollowUp, followUpDelta } from '@complianceflow/cli/plan/follow-up.ts';
import { readFollowUpGolden, readGolden, renderGolden } from '@complianceflow/cli/plan/golden.ts';
import { mainTemplate } from '@complianceflow/cli/plan/pipeline.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';

// What ARM returns for a stack's outputs: { name: { type, value } }.
const stackOutputs = (defaultDomain: unknown): Record<string, unknown> => ({
  security: { type: 'Object', value: { keyVaultUri: 'https://kv.vault.azure.net/' } },
  containerApps: { type: 'Object', value: { environmentName: 'cae-cf-westeu-test-1', defaultDomain, staticIp: '10.10.5.4' } },
});

describe('outputs fed back into the next deploy', () => {
  describe('fedBackFromOutputs', () => {
    it('takes containerAppsDefaultDomain from the stack output containerApps.defaultDomain', () => {
      expect(fedBackFromOutputs(stackOutputs('kindwave-1a2b3c4d.westeurope.azurecontainerapps.io'))).to.deep.equal({
        containerAppsDefaultDomain: { value: 'kindwave-1a2b3c4d.westeurope.azurecontainerapps.io' },
      });
    });

    it('passes nothing on a first deploy, for a stack without outputs, or for an output without a domain', () => {
      expect(fedBackFromOutputs(undefined)).to.deep.equal({});
      expect(fedBackFromOutputs(null)).to.deep.equal({});
      expect(fedBackFromOutputs({})).to.deep.equal({});
      expect(fedBackFromOutputs(stackOutputs(''))).to.deep.equal({});
      expect(fedBackFromOutputs(stackOutputs('   '))).to.deep.equal({});
      expect(fedBackFromOutputs(stackOutputs(undefined))).to.deep.equal({});
      expect(fedBackFromOutputs(stackOutputs(42))).to.deep.equal({});
      expect(fedBackFromOutputs({ containerApps: { type: 'String', value: 'not an object' } })).to.deep.equal({});
    });

    it('deployShape: the first shape without a stack, the follow-up shape (and its resources) with one', () => {
      const first: Resource[] = [{ id: '/a', type: 'Microsoft.App/managedEnvironments' }];
      const followUp: Resource[] = [...first, { id: '/a/zone', type: 'Microsoft.Network/privateDnsZones/A' }];
      const preflight = { parameters: { deploymentName: { value: 'westeu-test-1' } }, plan: { resources: first } as never, followUpResources: followUp };
      expect(deployShape(preflight, undefined)).to.deep.equal({ parameters: preflight.parameters, resources: first, fedBack: [] });
      expect(deployShape(preflight, { properties: { outputs: stackOutputs('d.westeurope.azurecontainerapps.io') } })).to.deep.equal({
        parameters: { deploymentName: { value: 'westeu-test-1' }, containerAppsDefaultDomain: { value: 'd.westeurope.azurecontainerapps.io' } },
        resources: followUp,
        fedBack: ['containerAppsDefaultDomain'],
      });
    });

    it('the placeholder is deterministic, per region, in Azure\'s form of a default domain', () => {
      expect(followUpPlaceholders('westeurope')).to.deep.equal({ containerAppsDefaultDomain: 'plan-placeholder.westeurope.azurecontainerapps.io' });
      expect(followUpPlaceholders('eastus')).to.deep.equal(followUpPlaceholders('eastus'));
    });
  });

  it('every fed-back parameter is a string parameter of main.bicep and its output path exists (real Bicep compiler)', async function () {
    this.timeout(120_000);
    const bicep = await openBicep({ onWarning: () => {} });
    try {
      const { template } = await bicep.compile(mainTemplate);
      const parameters = template['parameters'] as Record<string, { type: string; defaultValue?: unknown }>;
      const outputs = template['outputs'] as Record<string, { type: string; value: unknown }>;
      for (const entry of fedBackParameters) {
        expect(parameters[entry.parameter], entry.parameter).to.deep.include({ type: 'string', defaultValue: '' });
        const [name, ...keys] = entry.output;
        expect(outputs[name], `output ${name}`).not.to.equal(undefined);
        let value: unknown = outputs[name]!.value;
        for (const key of keys) {
          expect(value, `output ${entry.output.join('.')}`).to.be.an('object').with.property(key);
          value = (value as Record<string, unknown>)[key];
        }
      }
    } finally {
      await bicep.dispose();
    }
  });

  describe('the follow-up shape as a delta', () => {
    const a: Resource = { id: '/r/a', type: 't', name: 'a', properties: { x: 1 } };
    const b: Resource = { id: '/r/b', type: 't', name: 'b' };
    const c: Resource = { id: '/r/c', type: 't', name: 'c' };

    it('keeps only what is added or changed, names what goes, and rebuilds the whole list', () => {
      const changedA: Resource = { ...a, properties: { x: 2 } };
      const delta = followUpDelta([a, b], [changedA, c]);
      expect(delta).to.deep.equal({ resources: [changedA, c], removed: ['/r/b'] });
      expect(applyFollowUp([a, b], delta)).to.deep.equal([changedA, c]);
      expect(followUpDelta([a, b], [a, b])).to.deep.equal({ resources: [], removed: [] });
    });
  });

  describe('golden snapshots', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cf-golden-'));
    });
    after(async () => rm(dir, { recursive: true, force: true }));

    it('every committed snapshot has the follow-up shape: the environment domain\'s zone, its * and @ A records and the VNet link', () => {
      for (const { deployment, location } of resolveTargets('all')) {
        const golden = readGolden(deployment)!;
        const domain = `plan-placeholder.${location}.azurecontainerapps.io`;
        expect(golden.followUp?.parameters, deployment).to.deep.equal({ containerAppsDefaultDomain: domain });
        expect(golden.followUp!.removed, deployment).to.deep.equal([]);
        expect(golden.followUp!.resources.map((r) => `${String(r['type'])} ${String(r['name'])}`), deployment).to.have.members([
          `Microsoft.Network/privateDnsZones ${domain}`,
          `Microsoft.Network/privateDnsZones/A ${domain}/*`,
          `Microsoft.Network/privateDnsZones/A ${domain}/@`,
          `Microsoft.Network/privateDnsZones/virtualNetworkLinks ${domain}/vnet`,
        ]);
        const full = readFollowUpGolden(deployment)!;
        expect(full.resources).to.have.length(golden.resources.length + 4);
        expect(full.parameters).to.deep.equal(golden.followUp!.parameters);
      }
    });

    it('a snapshot without a followUp section reads as one (readFollowUpGolden: undefined); a malformed one is refused with the fix', async () => {
      await writeFile(path.join(dir, 'x.json'), renderGolden({ deployment: 'x', resources: [] }));
      expect(readGolden('x', dir)).to.deep.equal({ deployment: 'x', resources: [] });
      expect(readFollowUpGolden('x', dir)).to.equal(undefined);
      await writeFile(path.join(dir, 'y.json'), JSON.stringify({ deployment: 'y', resources: [], followUp: { resources: [] } }));
      expect(() => readGolden('y', dir)).to.throw(CliError, /"followUp" is not a follow-up shape/);
    });
  });
});
