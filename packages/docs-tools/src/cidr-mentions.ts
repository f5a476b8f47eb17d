// Address ranges written in the docs are checked against the source: every 10.x range a document
// names must be one the registry gives (a deployment's /16 or one of its subnets, a next free /16, the
// subnet plan's `10.X.<octet>.0/<len>` patterns). A CIDR typed by hand cannot drift from the code.
import { allocationReport } from '@complianceflow/cli/cidr/report.ts';
import { resolveAll } from '@complianceflow/cli/config/registry.ts';
import { deriveSubnets } from '@complianceflow/cli/config/subnets.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { withoutFences } from './fences.ts';

export interface CidrProblem {
  file: string;
  line: number;
  cidr: string;
}

/** Every 10.x range the registry gives, with the generic patterns of the subnet plan. */
export function knownCidrs(registry: Registry): Set<string> {
  const deployments = resolveAll(registry);
  const known = new Set(['10.0.0.0/8', '10.X.0.0/16', '10.X0.0.0/16']);
  for (const subnet of registry.subnetPlan.subnets) known.add(`10.X.${subnet.thirdOctet}.0/${registry.subnetPlan.prefixLength}`);
  for (const d of deployments) {
    known.add(d.addressSpace);
    for (const environment of Object.keys(registry.profiles)) for (const subnet of deriveSubnets(registry.subnetPlan, d.addressSpace, environment)) known.add(subnet.prefix);
  }
  for (const s of allocationReport(deployments, Object.values(registry.regions)).suggestions) if (s.nextFree !== null) known.add(s.nextFree);
  return known;
}

/** 10.x CIDRs of a document that the registry does not give (code blocks included: examples count). */
export function unknownCidrs(file: string, text: string, known: ReadonlySet<string>, includeCode = true): CidrProblem[] {
  const source = includeCode ? text : withoutFences(text);
  const problems: CidrProblem[] = [];
  source.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/(?<![\d.])10\.[0-9X]+\.[0-9X]+\.[0-9X]+\/\d+\b/g)) if (!known.has(m[0])) problems.push({ file, line: i + 1, cidr: m[0] });
  });
  return problems;
}

export function formatCidrProblem(problem: CidrProblem): string {
  return `${problem.file}:${problem.line}: ${problem.cidr} is no address space, subnet or next free /16 of the registry (deployments/*.yaml, bicep/shared/subnet-plan.json)`;
}
