// The subnet plan (bicep/shared/subnet-plan.json, also loaded by Bicep with loadJsonContent) and
// the subnets it gives a deployment: one /24 per tier at 10.X.<thirdOctet>.0 inside its /16. Its
// fields are checked by deployments/schemas/subnet-plan.schema.json; the rules across them here.
import { formatCidr, parseCidr } from '../cidr/ipv4.ts';
import type { Problem } from './problems.ts';
import type { SubnetPlan } from './types.ts';

/** Plan rules beyond the field types: unique tiers and octets, known environments. */
export function subnetPlanProblems(plan: SubnetPlan, environments: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const tiers = new Set<string>();
  const octets = new Set<number>();
  plan.subnets.forEach((subnet, index) => {
    if (tiers.has(subnet.tier)) problems.push({ path: `subnets[${index}].tier`, message: `${JSON.stringify(subnet.tier)} is listed twice; each tier has one subnet` });
    if (octets.has(subnet.thirdOctet)) problems.push({ path: `subnets[${index}].thirdOctet`, message: `${subnet.thirdOctet} is used twice; subnets must not overlap` });
    tiers.add(subnet.tier);
    octets.add(subnet.thirdOctet);
    subnet.environments.forEach((environment, position) => {
      if (!environments.includes(environment)) problems.push({ path: `subnets[${index}].environments[${position}]`, message: `${JSON.stringify(environment)} has no profile; allowed: ${environments.join(', ')}` });
    });
  });
  return problems;
}

export interface PlannedSubnet {
  tier: string;
  prefix: string;
  purpose: string;
}

/** The subnets of a deployment with this /16 and environment, in plan order. */
export function deriveSubnets(plan: SubnetPlan, addressSpace: string, environment: string): PlannedSubnet[] {
  const parsed = parseCidr(addressSpace);
  if (!parsed.ok) throw new Error(`deriveSubnets: ${parsed.reason}`);
  return plan.subnets
    .filter((subnet) => subnet.environments.includes(environment))
    .map((subnet) => ({ tier: subnet.tier, prefix: formatCidr(parsed.cidr.network + subnet.thirdOctet * 256, plan.prefixLength), purpose: subnet.purpose }));
}
