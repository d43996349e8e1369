// Which IP addresses a scrape may connect to. Sources are user-supplied URLs, so without this a user
// could make the worker read cloud metadata or services on the private network (SSRF).
import net from 'node:net';

type Range = readonly [cidr: string, reason: string];

const v4Ranges: Range[] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (carrier NAT, some cloud metadata)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];

const v6Ranges: Range[] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'discard'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique local (private, some cloud metadata)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

function buildList(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[net.BlockList, string]> {
  return ranges.map(([cidr, reason]) => {
    const [base, bits] = cidr.split('/') as [string, string];
    const list = new net.BlockList();
    list.addSubnet(base, Number(bits), family);
    return [list, reason];
  });
}

const v4Lists = buildList(v4Ranges, 'ipv4');
const v6Lists = buildList(v6Ranges, 'ipv6');

/** 16 bytes of an IPv6 address, or undefined when it is not one. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv6(text) === false) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    text = text.slice(0, -dotted[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address tunnelled inside an IPv6 one (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(bytes: number[]): string | undefined {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const quad = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return quad(12);
  if (zero(0, 12) && !zero(12, 16)) return quad(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return quad(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2);
  return undefined;
}

/**
 * Why an address must not be fetched (e.g. "loopback"), or undefined when it is a public address.
 * Anything that is not a valid IP address is refused too, so a parsing surprise fails closed.
 */
export function blockedReason(address: string): string | undefined {
  const family = net.isIP(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (family === 4) {
    if (address === '255.255.255.255') return 'broadcast';
    return v4Lists.find(([list]) => list.check(address, 'ipv4'))?.[1];
  }
  const bytes = family === 6 ? ipv6Bytes(address) : undefined;
  if (!bytes) return 'not an IP address';
  const canonical = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const direct = v6Lists.find(([list]) => list.check(canonical, 'ipv6'))?.[1];
  if (direct) return direct;
  const inner = embeddedIpv4(bytes);
  if (inner === undefined) return undefined;
  const reason = blockedReason(inner);
  return reason ? `${reason} (IPv4 ${inner} inside IPv6)` : undefined;
}

export const isBlockedAddress = (address: string): boolean => blockedReason(address) !== undefined;
