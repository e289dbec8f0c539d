/**
 * The ansible.utils ipaddr family for IPv4 (and IPv6 addresses where noted):
 * ipaddr/ipv4/ipv6 with the common queries, ipwrap, ipmath, nthhost,
 * network_in_usable, network_in_network, and the ip/ipv4/ipv6/in_network tests.
 * Behaviour follows ansible.utils (netaddr); queries not listed here are refused.
 */
import type { Filter, Test } from './arguments.js';
import { pyStr } from './python.js';

interface Network {
  version: 4 | 6;
  address: bigint;
  prefix: number;
  hasPrefix: boolean;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

export function parseNetwork(value: unknown): Network | undefined {
  if (typeof value !== 'string') return undefined;
  const [addr, prefixText, ...rest] = value.trim().split('/');
  if (rest.length) return undefined;
  const v4 = parseV4(addr);
  const v6 = v4 === undefined ? parseV6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const version = v4 !== undefined ? 4 : 6;
  const bits = BITS[version];
  let prefix: number = bits;
  if (prefixText !== undefined) {
    if (/^\d+$/.test(prefixText) && Number(prefixText) <= bits) prefix = Number(prefixText);
    else {
      const mask = version === 4 ? parseV4(prefixText) : undefined;
      if (mask === undefined) return undefined;
      prefix = mask.toString(2).replace(/0+$/, '').length;
    }
  }
  return { version, address: (v4 ?? v6)!, prefix, hasPrefix: prefixText !== undefined };
}

function format(version: 4 | 6, address: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((address >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // The longest run of two or more zero groups becomes '::'.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

function mask(net: Network): bigint {
  const bits = BigInt(BITS[net.version]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(net.prefix))) - 1n);
}

function networkAddress(net: Network): bigint {
  return net.address & mask(net);
}

function broadcastAddress(net: Network): bigint {
  return networkAddress(net) | (((1n << BigInt(BITS[net.version])) - 1n) ^ mask(net));
}

function size(net: Network): bigint {
  return 1n << BigInt(BITS[net.version] - net.prefix);
}

const PRIVATE_V4: [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['127.0.0.0', 8],
];

function inRange(address: bigint, base: string, prefix: number): boolean {
  const net = { version: 4 as const, address: parseV4(base)!, prefix, hasPrefix: true };
  return (address & mask(net)) === networkAddress(net);
}

/** One value through ipaddr(query); false when it does not qualify, as ansible.utils answers. */
function ipaddrOne(value: unknown, query: unknown, version?: 4 | 6): unknown {
  const net = parseNetwork(typeof value === 'string' ? value : pyStr(value));
  if (!net || (version && net.version !== version)) return false;
  const addr = (a: bigint) => format(net.version, a);
  if (typeof query === 'number' || (typeof query === 'string' && /^-?\d+$/.test(query))) {
    const n = BigInt(Number(query));
    if (!net.hasPrefix && net.prefix === BITS[net.version]) return false;
    const target = n >= 0n ? networkAddress(net) + n : broadcastAddress(net) + n + 1n;
    if (target < networkAddress(net) || target > broadcastAddress(net)) return false;
    return `${addr(target)}/${net.prefix}`;
  }
  switch (query ?? '') {
    case '':
    case 'host/prefix':
      if (query === 'host/prefix' && (net.address === networkAddress(net) && net.prefix < BITS[net.version] - 1)) return false;
      return typeof value === 'string' ? value.trim() : pyStr(value);
    case 'address':
      return addr(net.address);
    case 'network':
      return addr(networkAddress(net));
    case 'netmask':
      return addr(mask(net));
    case 'prefix':
      return net.prefix;
    case 'broadcast':
      return net.version === 4 && net.prefix < 31 ? addr(broadcastAddress(net)) : null;
    case 'network/prefix':
    case 'subnet':
    case 'cidr':
      return `${addr(networkAddress(net))}/${net.prefix}`;
    case 'host':
      return `${addr(net.address)}/${net.prefix}`;
    case 'size':
      return Number(size(net));
    case 'int':
      return Number(net.address);
    case 'revdns':
      return net.version === 4
        ? `${addr(net.address).split('.').reverse().join('.')}.in-addr.arpa.`
        : `${net.address.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa.`;
    case 'private':
      return net.version === 4 && PRIVATE_V4.some(([base, prefix]) => inRange(net.address, base, prefix)) ? (typeof value === 'string' ? value : pyStr(value)) : null;
    case 'public':
      return net.version === 4 && !PRIVATE_V4.some(([base, prefix]) => inRange(net.address, base, prefix)) ? (typeof value === 'string' ? value : pyStr(value)) : null;
    case 'ipv4':
    case 'ipv6':
      return net.version === (query === 'ipv4' ? 4 : 6) ? (typeof value === 'string' ? value : pyStr(value)) : false;
    default:
      throw new Error(`ipaddr: unknown filter type: ${pyStr(query)} (runbook supports address, network, netmask, prefix, broadcast, network/prefix, host, host/prefix, size, int, revdns, public, private, and indexes)`);
  }
}

function ipaddrFilter(version?: 4 | 6): Filter {
  return (value: unknown, query: unknown = '') => {
    if (Array.isArray(value)) return value.map((item) => ipaddrOne(item, query, version)).filter((item) => item !== false && item !== null);
    const result = ipaddrOne(value, query, version);
    return result;
  };
}

function contains(outer: Network, inner: Network): boolean {
  return outer.version === inner.version && inner.prefix >= outer.prefix && networkAddress({ ...inner, prefix: outer.prefix }) === networkAddress(outer);
}

export function networkFilters(): Record<string, Filter> {
  return {
    ipaddr: ipaddrFilter(),
    ipv4: ipaddrFilter(4),
    ipv6: ipaddrFilter(6),
    ipwrap: (value: unknown) => {
      const wrap = (item: unknown) => {
        const net = parseNetwork(pyStr(item));
        return net?.version === 6 ? `[${pyStr(item)}]` : item;
      };
      return Array.isArray(value) ? value.map(wrap) : wrap(value);
    },
    ipmath: (value: unknown, amount: number) => {
      const net = parseNetwork(pyStr(value));
      if (!net) throw new Error(`You must pass a valid IP address; ${pyStr(value)} is invalid`);
      return format(net.version, net.address + BigInt(amount));
    },
    nthhost: (value: unknown, n: number) => {
      const net = parseNetwork(pyStr(value));
      if (!net) return false;
      const target = n >= 0 ? networkAddress(net) + BigInt(n) : broadcastAddress(net) + BigInt(n) + 1n;
      return target > broadcastAddress(net) ? false : format(net.version, target);
    },
    network_in_usable: (value: unknown, test: unknown) => {
      const outer = parseNetwork(pyStr(value));
      const inner = parseNetwork(pyStr(test));
      if (!outer || !inner) throw new Error('network_in_usable: invalid network');
      if (!contains(outer, inner)) return false;
      return outer.prefix >= BITS[outer.version] - 1 || (inner.address !== networkAddress(outer) && inner.address !== broadcastAddress(outer)) || inner.prefix < BITS[inner.version];
    },
    network_in_network: (value: unknown, test: unknown) => {
      const outer = parseNetwork(pyStr(value));
      const inner = parseNetwork(pyStr(test));
      if (!outer || !inner) throw new Error('network_in_network: invalid network');
      return contains(outer, inner);
    },
  };
}

export function networkTests(): Record<string, Test> {
  return {
    ip: (value: unknown) => parseNetwork(pyStr(value)) !== undefined,
    ipv4: (value: unknown) => parseNetwork(pyStr(value))?.version === 4,
    ipv6: (value: unknown) => parseNetwork(pyStr(value))?.version === 6,
    ip_address: (value: unknown) => parseNetwork(pyStr(value))?.hasPrefix === false,
    in_network: (value: unknown, network: unknown) => {
      const inner = parseNetwork(pyStr(value));
      const outer = parseNetwork(pyStr(network));
      return !!inner && !!outer && contains(outer, inner);
    },
  };
}
