// The deployments' address spaces: one /16 each, private, never overlapping, and the rule for
// suggesting the next free /16 in a region.
import { contains, formatCidr, isRfc1918, overlaps, parseCidr, blockSize, type Cidr } from './ipv4.ts';

/** Every deployment owns exactly one /16 (the subnet plan puts /24s at 10.X.<octet>.0 inside it). */
export const deploymentPrefixLength = 16;

export interface Allocation {
  deployment: string;
  regionCode: string;
  addressSpace: string;
}

export interface AllocationProblem {
  deployment: string;
  message: string;
}

/** Checks one address space on its own: valid CIDR, exactly /16, inside RFC 1918. */
export function checkAddressSpace(text: string): string | undefined {
  const parsed = parseCidr(text);
  if (!parsed.ok) return `${parsed.reason}; allowed: a private IPv4 /16 such as 10.60.0.0/16`;
  if (parsed.cidr.prefixLength !== deploymentPrefixLength) {
    return `"${text}" is a /${parsed.cidr.prefixLength}; every deployment gets exactly one /16 (e.g. ${formatCidr(parsed.cidr.network - (parsed.cidr.network % blockSize(16)), 16)})`;
  }
  if (!isRfc1918(parsed.cidr)) return `"${text}" is not a private range; allowed: inside RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`;
  return undefined;
}

/**
 * Finds every pair of deployments whose address spaces share addresses. Blocks that do not parse
 * are skipped (checkAddressSpace reports them); a /12 written by mistake still counts here, so a
 * partial overlap is caught even when the prefix is wrong too.
 */
export function findOverlaps(allocations: readonly Allocation[]): AllocationProblem[] {
  const parsed = allocations.flatMap((allocation) => {
    const result = parseCidr(allocation.addressSpace);
    return result.ok ? [{ allocation, cidr: result.cidr }] : [];
  });
  const problems: AllocationProblem[] = [];
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      if (!overlaps(a.cidr, b.cidr)) continue;
      const how = a.cidr.text === b.cidr.text ? 'is the same block as' : contains(a.cidr, b.cidr) ? 'covers' : contains(b.cidr, a.cidr) ? 'lies inside' : 'overlaps';
      problems.push({
        deployment: b.allocation.deployment,
        message: `${a.allocation.deployment} (${a.cidr.text}) ${how} ${b.allocation.deployment} (${b.cidr.text}); address spaces must not overlap`,
      });
    }
  }
  return problems;
}

/**
 * The next free /16 for a region. The rule: deployments of one region sit in the 10.X.0.0/16 blocks
 * the region already uses, and peered prod instances sit next to each other (westeu-prod-1 10.30,
 * westeu-prod-2 10.31). So the suggestion is the lowest 10.X.0.0/16 above the region's highest
 * block that no deployment uses; a region without deployments gets the lowest free block that is
 * a multiple of 10 (10.60, 10.70, ...), leaving room for neighbours. Returns undefined when 10/8 is full.
 */
export function suggestNextFree(allocations: readonly Allocation[], regionCode: string): string | undefined {
  const used: Cidr[] = allocations.flatMap((allocation) => {
    const result = parseCidr(allocation.addressSpace);
    return result.ok ? [result.cidr] : [];
  });
  const secondOctets = allocations
    .filter((allocation) => allocation.regionCode === regionCode)
    .flatMap((allocation) => {
      const result = parseCidr(allocation.addressSpace);
      return result.ok && result.cidr.network >= 10 * 2 ** 24 && result.cidr.network < 11 * 2 ** 24 ? [Math.floor(result.cidr.network / 2 ** 16) % 256] : [];
    });
  const free = (octet: number): boolean => {
    const candidate: Cidr = { network: (10 * 256 + octet) * 2 ** 16, prefixLength: 16, text: '' };
    return !used.some((cidr) => overlaps(cidr, candidate));
  };
  const start = secondOctets.length > 0 ? Math.max(...secondOctets) + 1 : 10;
  const step = secondOctets.length > 0 ? 1 : 10;
  for (let octet = start; octet <= 255; octet += step) if (free(octet)) return `10.${octet}.0.0/16`;
  for (let octet = 0; octet <= 255; octet++) if (free(octet)) return `10.${octet}.0.0/16`;
  return undefined;
}
