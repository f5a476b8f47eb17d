// The allocation table and the next free /16 per region, as data (for `cf-infra cidr` and the docs).
import { suggestNextFree, type Allocation } from './allocation.ts';
import type { ResolvedDeployment } from '../config/registry.ts';
import type { Region } from '../config/types.ts';

export const nextFreeRule =
  'Next free /16: the lowest 10.X.0.0/16 above the highest block the region already uses that no deployment uses ' +
  '(instances of a region sit side by side, ready for peering); a region without deployments gets the lowest free 10.X0.0.0/16 (10.60, 10.70, ...).';

export interface AllocationReport {
  deployments: {
    name: string;
    regionCode: string;
    location: string;
    environment: string;
    addressSpace: string;
    subnets: { tier: string; name: string; prefix: string }[];
  }[];
  suggestions: { regionCode: string; location: string; nextFree: string | null }[];
  rule: string;
}

export function allocationReport(deployments: readonly ResolvedDeployment[], regions: readonly Region[]): AllocationReport {
  const allocations: Allocation[] = deployments.map((d) => ({ deployment: d.name, regionCode: d.regionCode, addressSpace: d.addressSpace }));
  return {
    deployments: deployments.map((d) => ({
      name: d.name,
      regionCode: d.regionCode,
      location: d.location,
      environment: d.environment,
      addressSpace: d.addressSpace,
      subnets: d.subnets.map((subnet) => ({ tier: subnet.tier, name: subnet.name, prefix: subnet.prefix })),
    })),
    suggestions: regions.map((region) => ({ regionCode: region.code, location: region.location, nextFree: suggestNextFree(allocations, region.code) ?? null })),
    rule: nextFreeRule,
  };
}
