// Network facts of a reference deployment's golden snapshot: its VNet, subnets (with their NSG) and the
// NSGs' inbound allow rules. Shared by the topology diagram and the port table.
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { lastSegment } from './references.ts';

export interface SnapshotSubnet {
  name: string;
  prefix: string;
  nsg: string | undefined;
}

export interface AllowRule {
  nsg: string;
  name: string;
  protocol: string;
  ports: string[];
  sources: string[];
  destination: string;
}

interface RuleProperties {
  access: string;
  direction: string;
  protocol: string;
  destinationPortRange?: string | null;
  destinationPortRanges?: string[];
  sourceAddressPrefix?: string | null;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string | null;
}

export function vnetOf(resources: ArmResource[]): { name: string; addressSpace: string[]; subnets: SnapshotSubnet[] } {
  const vnet = resources.find((r) => r.type === 'Microsoft.Network/virtualNetworks');
  if (vnet === undefined) throw new Error('the snapshot has no Microsoft.Network/virtualNetworks resource');
  const properties = vnet.properties as { addressSpace: { addressPrefixes: string[] }; subnets: Array<{ name: string; properties: { addressPrefix: string; networkSecurityGroup?: { id: string } } }> };
  return {
    name: vnet.name,
    addressSpace: properties.addressSpace.addressPrefixes,
    subnets: properties.subnets.map((s) => ({ name: s.name, prefix: s.properties.addressPrefix, nsg: s.properties.networkSecurityGroup === undefined ? undefined : lastSegment(s.properties.networkSecurityGroup.id) })),
  };
}

/** Inbound allow rules of every NSG of the snapshot. */
export function inboundAllowRules(resources: ArmResource[]): AllowRule[] {
  return resources.filter((r) => r.type === 'Microsoft.Network/networkSecurityGroups').flatMap((nsg) => {
    const rules = ((nsg.properties as { securityRules?: Array<{ name: string; properties: RuleProperties }> }).securityRules ?? []);
    return rules
      .filter((rule) => rule.properties.access === 'Allow' && rule.properties.direction === 'Inbound')
      .map((rule) => {
        const p = rule.properties;
        const ports = p.destinationPortRanges !== undefined && p.destinationPortRanges.length > 0 ? p.destinationPortRanges : [p.destinationPortRange ?? '*'];
        const sources = p.sourceAddressPrefixes !== undefined && p.sourceAddressPrefixes.length > 0 ? p.sourceAddressPrefixes : [p.sourceAddressPrefix ?? '*'];
        return { nsg: nsg.name, name: rule.name, protocol: p.protocol, ports, sources, destination: p.destinationAddressPrefix ?? '*' };
      });
  });
}

/** Whether a rule's port list admits a port ("443", "5671-5672", "*"). */
export function admitsPort(rule: AllowRule, port: number): boolean {
  return rule.ports.some((range) => {
    if (range === '*') return true;
    const [low, high] = range.split('-').map(Number);
    return port >= low! && port <= (high ?? low)!;
  });
}
