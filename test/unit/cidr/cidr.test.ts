// IPv4/CIDR arithmetic, the address-space checks and the next-free /16 rule.
import { expect } from 'chai';
import { checkAddressSpace, findOverlaps, suggestNextFree, type Allocation } from '@complianceflow/cli/cidr/allocation.ts';
import { contains, formatIpv4, isRfc1918, overlaps, parseCidr, parseIpv4, type Cidr } from '@complianceflow/cli/cidr/ipv4.ts';
import { deriveSubnets } from '@complianceflow/cli/config/subnets.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

const story2: Allocation[] = [
  { deployment: 'westeu-test-1', regionCode: 'westeu', addressSpace: '10.10.0.0/16' },
  { deployment: 'westeu-stg-1', regionCode: 'westeu', addressSpace: '10.20.0.0/16' },
  { deployment: 'westeu-prod-1', regionCode: 'westeu', addressSpace: '10.30.0.0/16' },
  { deployment: 'westeu-prod-2', regionCode: 'westeu', addressSpace: '10.31.0.0/16' },
  { deployment: 'eastus-test-1', regionCode: 'eastus', addressSpace: '10.11.0.0/16' },
  { deployment: 'eastus-stg-1', regionCode: 'eastus', addressSpace: '10.21.0.0/16' },
  { deployment: 'eastus-prod-1', regionCode: 'eastus', addressSpace: '10.40.0.0/16' },
  { deployment: 'northeu-prod-1', regionCode: 'northeu', addressSpace: '10.50.0.0/16' },
];

describe('CIDR', () => {
  describe('parsing', () => {
    it('reads addresses and blocks', () => {
      expect(parseIpv4('10.30.0.1')).to.equal(10 * 2 ** 24 + 30 * 2 ** 16 + 1);
      expect(formatIpv4(parseIpv4('192.168.255.0') as number)).to.equal('192.168.255.0');
      expect(cidr('10.31.0.0/16')).to.deep.include({ prefixLength: 16 });
    });

    it('refuses malformed input with the reason', () => {
      expect(parseCidr('10.10.0.0')).to.deep.equal({ ok: false, reason: '"10.10.0.0" has no prefix length; write it as a.b.c.d/n (e.g. 10.60.0.0/16)' });
      expect(parseCidr('10.10.0/16')).to.deep.include({ ok: false, reason: '"10.10.0" is not an IPv4 address (four dot-separated numbers 0-255)' });
      expect(parseCidr('10.256.0.0/16')).to.deep.include({ ok: false, reason: '"10.256.0.0" is not an IPv4 address: octet "256" must be a number from 0 to 255 without leading zeros' });
      expect(parseCidr('10.010.0.0/16')).to.deep.include({ ok: false });
      expect(parseCidr('10.10.0.0/33')).to.deep.include({ ok: false, reason: '"10.10.0.0/33" has prefix length "33"; it must be a number from 0 to 32' });
      expect(parseCidr('10.10.0.0/ 16')).to.deep.include({ ok: false });
      expect(parseCidr('10.10.3.0/16')).to.deep.equal({ ok: false, reason: '"10.10.3.0/16" is not a network address: host bits are set (the /16 block is 10.10.0.0/16)' });
    });
  });

  describe('containment and overlap', () => {
    it('a /12 covers the /16s inside it and overlaps them', () => {
      expect(contains(cidr('10.16.0.0/12'), cidr('10.30.0.0/16'))).to.equal(true);
      expect(overlaps(cidr('10.16.0.0/12'), cidr('10.30.0.0/16'))).to.equal(true);
      expect(overlaps(cidr('10.30.0.0/16'), cidr('10.16.0.0/12'))).to.equal(true);
    });

    it('adjacent blocks do not overlap', () => {
      expect(overlaps(cidr('10.30.0.0/16'), cidr('10.31.0.0/16'))).to.equal(false);
      expect(overlaps(cidr('10.0.0.0/12'), cidr('10.16.0.0/16'))).to.equal(false);
      expect(contains(cidr('10.30.0.0/16'), cidr('10.16.0.0/12'))).to.equal(false);
    });

    it('blocks that share only their first or last address overlap, in either order (the boundary is inclusive)', () => {
      // A /32 at the very end or start of a /16 shares exactly one address with it: each of the two
      // comparisons in overlaps() is an equality here, so a strict < in either one says "no overlap".
      for (const [single, block] of [['10.0.255.255/32', '10.0.0.0/16'], ['10.0.0.0/32', '10.0.0.0/16'], ['10.0.0.7/32', '10.0.0.7/32']] as const) {
        expect(overlaps(cidr(single), cidr(block)), `${single} and ${block}`).to.equal(true);
        expect(overlaps(cidr(block), cidr(single)), `${block} and ${single}`).to.equal(true);
      }
    });

    it('blocks one address apart do not overlap (10.0.0.0/16 ends at 10.0.255.255, 10.1.0.0/16 starts at 10.1.0.0)', () => {
      for (const [a, b] of [['10.0.0.0/16', '10.1.0.0/16'], ['10.0.255.255/32', '10.1.0.0/16'], ['10.0.0.0/16', '10.1.0.0/32']] as const) {
        expect(overlaps(cidr(a), cidr(b)), `${a} and ${b}`).to.equal(false);
        expect(overlaps(cidr(b), cidr(a)), `${b} and ${a}`).to.equal(false);
      }
    });

    it('knows the RFC 1918 ranges and their edges', () => {
      expect(isRfc1918(cidr('10.255.0.0/16'))).to.equal(true);
      expect(isRfc1918(cidr('172.31.0.0/16'))).to.equal(true);
      expect(isRfc1918(cidr('172.32.0.0/16'))).to.equal(false);
      expect(isRfc1918(cidr('192.168.0.0/16'))).to.equal(true);
      expect(isRfc1918(cidr('192.169.0.0/16'))).to.equal(false);
      expect(isRfc1918(cidr('100.64.0.0/16'))).to.equal(false);
    });
  });

  describe('deployment address spaces', () => {
    it('accepts a private /16 and explains every refusal', () => {
      expect(checkAddressSpace('172.16.0.0/16')).to.equal(undefined);
      expect(checkAddressSpace('10.10.0.0/17')).to.equal('"10.10.0.0/17" is a /17; every deployment gets exactly one /16 (e.g. 10.10.0.0/16)');
      expect(checkAddressSpace('8.8.0.0/16')).to.match(/not a private range; allowed: inside RFC 1918/);
      expect(checkAddressSpace('10.x.0.0/16')).to.match(/^"10.x.0.0" is not an IPv4 address.*; allowed: a private IPv4 \/16 such as 10.60.0.0\/16$/);
    });

    it('Story 2\'s allocation has no overlaps', () => {
      expect(findOverlaps(story2)).to.deep.equal([]);
    });

    it('finds same-block, partial and nested overlaps and names both deployments', () => {
      const problems = findOverlaps([
        { deployment: 'a-test-1', regionCode: 'a', addressSpace: '10.10.0.0/16' },
        { deployment: 'a-test-2', regionCode: 'a', addressSpace: '10.10.0.0/16' },
        { deployment: 'b-test-1', regionCode: 'b', addressSpace: '10.0.0.0/12' },
        { deployment: 'c-test-1', regionCode: 'c', addressSpace: '10.20.0.0/16' },
      ]);
      expect(problems.map((problem) => problem.message)).to.deep.equal([
        'a-test-1 (10.10.0.0/16) is the same block as a-test-2 (10.10.0.0/16); address spaces must not overlap',
        'a-test-1 (10.10.0.0/16) lies inside b-test-1 (10.0.0.0/12); address spaces must not overlap',
        'a-test-2 (10.10.0.0/16) lies inside b-test-1 (10.0.0.0/12); address spaces must not overlap',
      ]);
    });
  });

  describe('next free /16', () => {
    it('follows the region\'s highest block', () => {
      expect(suggestNextFree(story2, 'westeu')).to.equal('10.32.0.0/16');
      expect(suggestNextFree(story2, 'eastus')).to.equal('10.41.0.0/16');
      expect(suggestNextFree(story2, 'northeu')).to.equal('10.51.0.0/16');
    });

    it('skips blocks another region uses', () => {
      const crowded = [...story2, { deployment: 'eastus-prod-2', regionCode: 'eastus', addressSpace: '10.32.0.0/16' }];
      expect(suggestNextFree(crowded, 'westeu')).to.equal('10.33.0.0/16');
    });

    it('gives a region without deployments the lowest free multiple of ten', () => {
      expect(suggestNextFree(story2, 'southeu')).to.equal('10.60.0.0/16');
    });

    it('wraps around to the lowest free block when the region is at the top', () => {
      expect(suggestNextFree([{ deployment: 'x-prod-1', regionCode: 'x', addressSpace: '10.255.0.0/16' }], 'x')).to.equal('10.0.0.0/16');
    });
  });

  describe('subnet plan', () => {
    it('derives the /24s of Story 2 inside the deployment\'s /16, apim in prod only', () => {
      const plan = loadRegistry().subnetPlan;
      expect(deriveSubnets(plan, '10.10.0.0/16', 'test').map((s) => `${s.tier} ${s.prefix}`)).to.deep.equal([
        'containerapps 10.10.1.0/24',
        'db 10.10.2.0/24',
        'redis 10.10.3.0/24',
        'storage 10.10.4.0/24',
        'mgmt 10.10.10.0/24',
      ]);
      const prod = deriveSubnets(plan, '10.30.0.0/16', 'prod');
      expect(prod.map((s) => s.tier)).to.include('apim');
      for (const subnet of prod) expect(contains(cidr('10.30.0.0/16'), cidr(subnet.prefix)), subnet.prefix).to.equal(true);
      for (const [i, a] of prod.entries()) for (const b of prod.slice(i + 1)) expect(overlaps(cidr(a.prefix), cidr(b.prefix))).to.equal(false);
    });
  });
});
