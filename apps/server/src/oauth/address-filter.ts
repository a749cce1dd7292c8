// Which IP addresses a Client ID Metadata Document may be fetched from (draft-ietf-oauth-client-id-metadata-
// document-00 §6 "Server-Side Request Forgery": the server SHOULD NOT fetch from special-use addresses; RFC 6890
// and the IANA IPv4/IPv6 Special-Purpose Address Registries list them). Only globally routable unicast passes:
// loopback, private (RFC 1918), link-local, CGNAT (RFC 6598), multicast, unspecified, broadcast, reserved,
// documentation, benchmarking and cloud metadata addresses are refused, in IPv4 and IPv6, including IPv4
// addresses embedded in IPv6 (mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16).
// Pure functions over strings; no I/O.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** IANA IPv4 Special-Purpose Address Registry (RFC 6890 §2.2.2 and later), plus multicast and reserved. */
const BLOCKED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network", RFC 1122)'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'shared carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback (RFC 1122)'],
  ['169.254.0.0', 16, 'link-local / cloud metadata (RFC 3927)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'documentation (RFC 5737)'],
  ['192.31.196.0', 24, 'AS112 (RFC 7535)'],
  ['192.52.193.0', 24, 'AMT (RFC 7450)'],
  ['192.88.99.0', 24, '6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['192.175.48.0', 24, 'AS112 direct delegation (RFC 7534)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'documentation (RFC 5737)'],
  ['203.0.113.0', 24, 'documentation (RFC 5737)'],
  ['224.0.0.0', 4, 'multicast (RFC 5771)'],
  ['240.0.0.0', 4, 'reserved / limited broadcast (RFC 1112, RFC 919)'],
];

/** IANA IPv6 Special-Purpose Address Registry (RFC 6890 §2.2.3 and later), plus multicast and site-local. */
const BLOCKED_V6: [string, number, string][] = [
  ['::', 128, 'unspecified (RFC 4291)'],
  ['::1', 128, 'loopback (RFC 4291)'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (RFC 8215)'],
  ['100::', 64, 'discard-only (RFC 6666)'],
  ['2001::', 23, 'IETF protocol assignments incl. Teredo (RFC 2928, RFC 4380)'],
  ['2001:db8::', 32, 'documentation (RFC 3849)'],
  ['3fff::', 20, 'documentation (RFC 9637)'],
  ['5f00::', 16, 'segment routing SIDs (RFC 9602)'],
  ['fc00::', 7, 'unique local, incl. fd00:ec2::254 cloud metadata (RFC 4193)'],
  ['fe80::', 10, 'link-local (RFC 4291)'],
  ['fec0::', 10, 'site-local, deprecated (RFC 3879)'],
  ['ff00::', 8, 'multicast (RFC 4291)'],
];

/** One BlockList per range, so a refusal can say which range the address fell in. */
function blockList(entries: [string, number, string][], type: 'ipv4' | 'ipv6'): { reasons: [BlockList, string][] } {
  return {
    reasons: entries.map(([net, prefix, reason]) => {
      const one = new BlockList();
      one.addSubnet(net, prefix, type);
      return [one, reason];
    }),
  };
}

const V4 = blockList(BLOCKED_V4, 'ipv4');
const V6 = blockList(BLOCKED_V6, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (accepts a dotted IPv4 tail and a `%zone`). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
}

/** The IPv4 address an IPv6 address carries, for the forms that route to it; undefined otherwise. */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2, mapped) and ::a.b.c.d (§2.5.5.1, compatible, deprecated).
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4(g[6]!, g[7]!);
  // ::ffff:0:a.b.c.d (RFC 2765 SIIT translated).
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6]!, g[7]!);
  // 64:ff9b::a.b.c.d (RFC 6052 well-known NAT64 prefix).
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!);
  // 2002:AABB:CCDD::/48 (RFC 3056 6to4): the relay delivers to the embedded address.
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return undefined;
}

/**
 * Why a document must not be fetched from `address`, or undefined when it is a globally routable unicast
 * address. Anything that is not an IP address at all is refused too.
 */
export function blockedAddressReason(address: string): string | undefined {
  if (isIPv4(address)) return V4.reasons.find(([list]) => list.check(address, 'ipv4'))?.[1];
  if (!isIPv6(address)) return 'not an IP address';
  const bare = address.split('%')[0]!;
  if (address.includes('%')) return 'scoped (zone) address';
  const direct = V6.reasons.find(([list]) => list.check(bare, 'ipv6'))?.[1];
  if (direct !== undefined) return direct;
  // Mapped, compatible, NAT64 and 6to4 forms reach the IPv4 address inside: that address decides.
  const inner = embeddedIpv4(bare);
  const reason = inner === undefined ? undefined : blockedAddressReason(inner);
  return reason === undefined ? undefined : `${reason}, embedded in IPv6`;
}

/** Loopback addresses (127.0.0.0/8, ::1, and IPv4 loopback in IPv6 forms): allowed only by CIMD_ALLOW_LOOPBACK_HTTP. */
export function isLoopbackAddress(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  if (!isIPv6(address) || address.includes('%')) return false;
  if (ipv6Groups(address).every((g, i) => g === (i === 7 ? 1 : 0))) return true;
  const inner = embeddedIpv4(address);
  return inner?.startsWith('127.') ?? false;
}
