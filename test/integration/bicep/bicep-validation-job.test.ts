// The in-VNet validation job (issue 9, "Where it runs") on the plan snapshots of westeu-test-1 and
// westeu-prod-1, built from the current Bicep: a manual Container Apps job in the VNet-integrated
// environment, running as the workload identity, pulling with it, its configuration non-secret.
import { expect } from 'chai';
import { jobEnv } from '@complianceflow/cli/validate/job/config.ts';
import { buildSnapshots, ofType, single, type DeploymentSnapshot, type Resource } from '../../support/snapshots.ts';

describe('validation job (Microsoft.App/jobs) on the snapshots', function () {
  this.timeout(120_000);
  let snapshots: Map<string, DeploymentSnapshot>;
  before(async () => {
    snapshots = await buildSnapshots(['westeu-test-1', 'westeu-prod-1']);
  });

  for (const deployment of ['westeu-test-1', 'westeu-prod-1']) {
    describe(deployment, () => {
      let s: DeploymentSnapshot;
      let names: Record<string, any>;
      let job: Resource;
      before(() => {
        s = snapshots.get(deployment)!;
        names = s.parameters['names'] as Record<string, any>;
        job = single(s, 'Microsoft.App/jobs', names['validationJob']);
      });

      it('one job, named by packages/cli/src/naming, in the environment that sits in the container-apps subnet', () => {
        expect(ofType(s, 'Microsoft.App/jobs')).to.have.length(1);
        expect(job.name).to.equal(`caj-cf-${deployment}-val`);
        const environment = single(s, 'Microsoft.App/managedEnvironments', names['containerAppsEnvironment']);
        expect(job.properties?.['environmentId']).to.equal(environment.id);
        expect(job.properties?.['workloadProfileName']).to.equal('Consumption');
        expect(environment.properties?.['vnetConfiguration']['infrastructureSubnetId']).to.match(new RegExp(`/subnets/${names['subnets']['containerapps']}$`));
        expect(environment.properties?.['vnetConfiguration']['internal']).to.equal(true);
      });

      it('manual trigger, bounded replica timeout, no retry', () => {
        const configuration = job.properties?.['configuration'] as Record<string, any>;
        expect(configuration['triggerType']).to.equal('Manual');
        expect(configuration['replicaTimeout']).to.be.within(60, 3600);
        expect(configuration['replicaRetryLimit']).to.equal(0);
        expect(configuration['manualTriggerConfig']).to.deep.equal({ parallelism: 1, replicaCompletionCount: 1 });
      });

      it('runs as the workload identity and pulls from the registry with it (no registry password)', () => {
        const identity = single(s, 'Microsoft.ManagedIdentity/userAssignedIdentities', names['workloadIdentity']);
        expect(job['identity']).to.deep.equal({ type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } });
        const registry = single(s, 'Microsoft.ContainerRegistry/registries', names['containerRegistry']);
        const registries = job.properties?.['configuration']['registries'] as Record<string, string>[];
        expect(registries).to.have.length(1);
        expect(registries[0]).to.have.keys('server', 'identity');
        expect(registries[0]!['identity']).to.equal(identity.id);
        expect(registries[0]!['server']).to.include(registry.id).and.include('loginServer');
        expect(job.properties?.['configuration']).not.to.have.property('secrets');
      });

      it('one container; its environment: the job configuration the entry point reads, no secret', () => {
        const containers = job.properties?.['template']['containers'] as { name: string; image: string; env: { name: string; value?: string; secretRef?: string }[] }[];
        expect(containers).to.have.length(1);
        const env = containers[0]!.env;
        expect(env.map((e) => e.name)).to.have.members([...Object.values(jobEnv.configuration), 'AZURE_CLIENT_ID']);
        const value = (name: string) => env.find((e) => e.name === name)!.value!;
        expect(value(jobEnv.configuration.target)).to.equal('azure');
        expect(value(jobEnv.configuration.deployment)).to.equal(deployment);
        expect(value(jobEnv.configuration.keyVaultUri)).to.include(`/vaults/${names['keyVault']}'`).and.include('vaultUri');
        expect(value(jobEnv.configuration.postgresHost)).to.include(names['postgresServer']).and.include('fullyQualifiedDomainName');
        expect(value(jobEnv.configuration.redisPort)).to.equal('10000');
        expect(value('AZURE_CLIENT_ID')).to.include(names['workloadIdentity']).and.include('clientId');
        for (const e of env) {
          expect(e, e.name).not.to.have.property('secretRef');
          expect(e.value ?? '', e.name).not.to.match(/listKeys|listSecrets|password|SharedAccessKey|sig=/i);
        }
        // The run's own variables (results URL, run id) are set by each start, never in the template.
        expect(env.map((e) => e.name)).not.to.include.members(Object.values(jobEnv.run));
      });
    });
  }
});
