// The parameters object of bicep/main.bicep for one deployment (the contract in helper-notes/COMMON.md).
import type { ResolvedDeployment } from './registry.ts';
import type { Catalog, DeploymentSettings } from './types.ts';
import type { DeploymentNames } from '../naming/derive.ts';

export interface MainParameters {
  deploymentName: string;
  location: string;
  environment: string;
  addressSpace: string;
  tags: ResolvedDeployment['tags'];
  names: DeploymentNames;
  network: DeploymentSettings['network'];
  monitoring: DeploymentSettings['monitoring'];
  database: DeploymentSettings['database'];
  redis: DeploymentSettings['redis'];
  messaging: DeploymentSettings['messaging'];
  keyVault: DeploymentSettings['keyVault'];
  registry: DeploymentSettings['registry'];
  catalog: Catalog;
}

export function mainParameters(d: ResolvedDeployment): MainParameters {
  const { settings } = d;
  return {
    deploymentName: d.name,
    location: d.location,
    environment: d.environment,
    addressSpace: d.addressSpace,
    tags: { ...d.tags },
    names: structuredClone(d.names),
    network: structuredClone(settings.network),
    monitoring: structuredClone(settings.monitoring),
    database: structuredClone(settings.database),
    redis: structuredClone(settings.redis),
    messaging: structuredClone(settings.messaging),
    keyVault: structuredClone(settings.keyVault),
    registry: structuredClone(settings.registry),
    catalog: { services: [...d.catalog.services], protocols: { ...d.catalog.protocols }, eventHubs: d.catalog.eventHubs.map((hub) => ({ name: hub.name, partitions: hub.partitions, consumers: [...hub.consumers] })) },
  };
}
