// IPv4 addresses and CIDR blocks as plain numbers: parsing with precise errors, containment,
// overlap (including partial overlaps such as a /12 that covers a /16) and RFC 1918 checks.

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  network: number;
  prefixLength: number;
  /** The text as written. */
  text: string;
}

export type ParseResult = { ok: true; cidr: Cidr } | { ok: false; reason: string };

const OCTET = /^(0|[1-9]\d{0,2})$/;

export function parseIpv4(text: string): number | string {
  const parts = text.split('.');
  if (parts.length !== 4) return `"${text}" is not an IPv4 address (four dot-separated numbers 0-255)`;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return `"${text}" is not an IPv4 address: octet "${part}" must be a number from 0 to 255 without leading zeros`;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/** Parses `a.b.c.d/n`, refusing host bits (the address must be the block's network address). */
export function parseCidr(text: string): ParseResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: `"${text}" has no prefix length; write it as a.b.c.d/n (e.g. 10.60.0.0/16)` };
  const address = parseIpv4(text.slice(0, slash));
  if (typeof address === 'string') return { ok: false, reason: address };
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9]\d?)$/.test(prefixText) || Number(prefixText) > 32) return { ok: false, reason: `"${text}" has prefix length "${prefixText}"; it must be a number from 0 to 32` };
  const prefixLength = Number(prefixText);
  const size = blockSize(prefixLength);
  if (address % size !== 0) {
    const network = address - (address % size);
    return { ok: false, reason: `"${text}" is not a network address: host bits are set (the /${prefixLength} block is ${formatIpv4(network)}/${prefixLength})` };
  }
  return { ok: true, cidr: { network: address, prefixLength, text } };
}

export function formatCidr(network: number, prefixLength: number): string {
  return `${formatIpv4(network)}/${prefixLength}`;
}

export function lastAddress(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefixLength) - 1;
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

/** Whether the two blocks share at least one address (CIDR blocks either nest or are disjoint). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** The private ranges of RFC 1918, section 3. */
export const rfc1918Ranges: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((text) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
});

export function isRfc1918(cidr: Cidr): boolean {
  return rfc1918Ranges.some((range) => contains(range, cidr));
}
