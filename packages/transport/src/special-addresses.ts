/**
 * Which kind of address an IP is, by the IANA special-purpose address registries (RFC 6890 and its updates): what
 * a server that connects where someone else told it to (webhooks) needs to refuse internal targets. IPv4-mapped
 * IPv6 (`::ffff:a.b.c.d`, RFC 4291 2.5.5.2) and NAT64 (`64:ff9b::/96`, RFC 6052) addresses reach the IPv4 address
 * they carry, so they are judged as that address.
 */
import { BlockList, isIP } from 'node:net';

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

export interface AddressClass {
  kind: AddressKind;
  /** The registry range it fell in (`169.254.0.0/16`); the whole family's space for a public address. */
  range: string;
}

type Family = 'ipv4' | 'ipv6';
interface Range {
  range: string;
  kind: Exclude<AddressKind, 'public'>;
  list: BlockList;
}

function rangesOf(family: Family, table: ReadonlyArray<readonly [string, Range['kind']]>): Range[] {
  return table.map(([range, kind]) => {
    const [network = '', prefix = ''] = range.split('/');
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family);
    return { range, kind, list };
  });
}

/** First match wins: the broadcast address before the reserved 240/4 around it. */
const IPV4_RANGES = rangesOf('ipv4', [
  ['0.0.0.0/8', 'unspecified'], // "this network" (RFC 1122 3.2.1.3); Linux connects 0.0.0.0 to itself
  ['10.0.0.0/8', 'private'], // RFC 1918
  ['100.64.0.0/10', 'private'], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // RFC 3927; cloud metadata services answer at 169.254.169.254
  ['172.16.0.0/12', 'private'], // RFC 1918
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0/24', 'reserved'], // documentation, TEST-NET-1 (RFC 5737)
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast (RFC 7526)
  ['192.168.0.0/16', 'private'], // RFC 1918
  ['198.18.0.0/15', 'reserved'], // benchmarking (RFC 2544)
  ['198.51.100.0/24', 'reserved'], // documentation, TEST-NET-2
  ['203.0.113.0/24', 'reserved'], // documentation, TEST-NET-3
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'], // limited broadcast (RFC 919)
  ['240.0.0.0/4', 'reserved'], // reserved for future use (RFC 1112)
]);

/** Mapped and NAT64 addresses are unwrapped before these are consulted. */
const IPV6_RANGES = rangesOf('ipv6', [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved'], // IPv4-compatible, deprecated (RFC 4291 2.5.5.1)
  ['64:ff9b:1::/48', 'reserved'], // local-use NAT64 (RFC 8215): translates to addresses of any kind
  ['100::/64', 'reserved'], // discard-only (RFC 6666)
  ['2001::/23', 'reserved'], // IETF protocol assignments, Teredo among them (RFC 2928, 4380)
  ['2001:db8::/32', 'reserved'], // documentation (RFC 3849)
  ['2002::/16', 'reserved'], // 6to4 (RFC 3056): carries an IPv4 address of any kind
  ['3fff::/20', 'reserved'], // documentation (RFC 9637)
  ['fc00::/7', 'private'], // unique local (RFC 4193)
  ['fe80::/10', 'link-local'], // RFC 4291 2.5.6
  ['ff00::/8', 'multicast'],
]);

/** Everything else outside it is unassigned or reserved by the IETF (RFC 4291 2.4). */
const GLOBAL_UNICAST_IPV6 = rangesOf('ipv6', [['2000::/3', 'reserved']])[0] as Range;

/** The kind of `address` (an IPv4 or IPv6 address, no brackets); undefined when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.split('%')[0] ?? ''; // an IPv6 zone (fe80::1%eth0) does not change the kind
  const family = isIP(bare);
  if (family === 4) return classifyIn(bare, 'ipv4');
  if (family !== 6) return undefined;
  const embedded = embeddedIpv4(ipv6Groups(bare));
  if (embedded !== undefined) return classifyIn(embedded, 'ipv4');
  return classifyIn(bare, 'ipv6');
}

function classifyIn(address: string, family: Family): AddressClass {
  const ranges = family === 'ipv4' ? IPV4_RANGES : IPV6_RANGES;
  const match = ranges.find((range) => range.list.check(address, family));
  if (match !== undefined) return { kind: match.kind, range: match.range };
  if (family === 'ipv4') return { kind: 'public', range: '0.0.0.0/0' };
  if (!GLOBAL_UNICAST_IPV6.list.check(address, 'ipv6')) return { kind: 'reserved', range: 'outside 2000::/3' };
  return { kind: 'public', range: GLOBAL_UNICAST_IPV6.range };
}

/** `::ffff:0:0/96` (IPv4-mapped) and `64:ff9b::/96` (NAT64) carry an IPv4 address in their last 32 bits. */
function embeddedIpv4(groups: readonly number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (!mapped && !nat64) return undefined;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address (checked by isIP), `::` expanded, a dotted IPv4 tail split. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
