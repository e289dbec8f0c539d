import { FactError, excerpt, type FactKind, type FactRequest } from './kind.js';

/**
 * Ansible's gathered facts (the `setup` module) for the common subset, with Ansible's names and
 * shapes, read by one section of the probe: /proc, /sys, /etc/os-release, getent, ip, date.
 * Collected the way Ansible's collectors collect them (module_utils/facts), so values equal
 * what `ansible -m setup` reports on the same host (test/e2e/gathered-facts.test.ts).
 * Stable: a command does not invalidate them; Ansible gathers once per play too.
 */
export type GatheredFacts = Record<string, unknown>;

/** Subsets as Ansible names them; 'all' is everything runbook gathers. */
const SUBSETS = ['all', 'min', 'hardware', 'network', 'virtual', 'facter', 'ohai'] as const;
/** What 'min' always includes, and what the two larger subsets add. */
const PARTS = { min: ['platform', 'distribution', 'env', 'user', 'date_time', 'lsb', 'pkg_mgr', 'service_mgr', 'dns'], hardware: ['hardware'], network: ['network'] };

/** The parts of the probe a gather_subset asks for, Ansible's rules: min always, '!x' excludes x. */
export function subsetParts(subset: string[]): { parts: string[]; names: string[] } {
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const raw of subset.length > 0 ? subset : ['all']) {
    const name = raw.trim();
    const bare = name.replace(/^!/, '');
    if (!(SUBSETS as readonly string[]).includes(bare) && !PARTS.min.includes(bare)) throw new Error(`unknown gather_subset '${name}'`);
    (name.startsWith('!') ? exclude : include).add(bare);
  }
  if (include.size === 0) include.add('all');
  const wants = (name: 'hardware' | 'network') => !exclude.has(name) && !exclude.has('all') && (include.has('all') || include.has(name));
  const parts = [...PARTS.min, ...(wants('hardware') ? PARTS.hardware : []), ...(wants('network') ? PARTS.network : [])];
  // Ansible reports what it gathered: 'all' or the list, with exclusions.
  const names = [...include].sort().concat([...exclude].sort().map((n) => `!${n}`));
  return { parts, names };
}

const SCRIPT: Record<string, string> = {
  platform: `echo @platform; cat /proc/sys/kernel/hostname /proc/sys/kernel/osrelease /proc/sys/kernel/version; uname -m; uname -s
echo @fqdn; n=$(cat /proc/sys/kernel/hostname); set -- $(getent ahosts "$n"); [ -n "$1" ] && getent hosts "$1"`,
  distribution: `echo @os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo @debian_version; cat /etc/debian_version 2>/dev/null`,
  lsb: `echo @lsb_release; lsb_release -a 2>/dev/null
echo @lsb-release; cat /etc/lsb-release 2>/dev/null`,
  env: `echo @env; env -u LC_ALL | sed 's/^/=/'`,
  user: `echo @user; printf '%s\\n' "\${LOGNAME:-\${USER:-}}"; id -u; id -g; getent passwd "\${LOGNAME:-\${USER:-$(id -un)}}"`,
  date_time: `echo @date; date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%N|%Z|%z'; TZ=UTC0 date -d "@$(date +%s)" '+%Y-%m-%dT%H:%M:%S' 2>/dev/null; echo; echo @tzdst; date -d '1 Jul' +%Z 2>/dev/null`,
  pkg_mgr: `echo @pkg_mgr; for p in apt-get dnf yum zypper apk pacman; do command -v $p; done; true`,
  service_mgr: `echo @service_mgr; cat /proc/1/comm 2>/dev/null; echo; for d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$d" ] && echo "canary $d"; done; command -v systemctl >/dev/null && echo systemctl; [ -L /sbin/init ] && echo "init $(readlink /sbin/init)"; [ -e /etc/init.d/ ] && echo initd; true`,
  dns: '',
  hardware: `echo @meminfo; cat /proc/meminfo
echo @cpuinfo; cat /proc/cpuinfo
echo @nproc; nproc`,
  network: `echo @interfaces; ls -U /sys/class/net; for i in $(ls -U /sys/class/net); do printf '%s|%s|%s|%s\\n' "$i" "$(cat /sys/class/net/$i/address 2>/dev/null)" "$(cat /sys/class/net/$i/mtu 2>/dev/null)" "$(cat /sys/class/net/$i/type 2>/dev/null)"; done
echo @route; ip -4 route get 8.8.8.8 2>/dev/null
echo @addr; for i in $(ls -U /sys/class/net); do ip -4 addr show primary dev "$i" 2>/dev/null | sed "s/^/$i /"; ip -4 addr show secondary dev "$i" 2>/dev/null | sed "s/^/$i+ /"; done`,
};

const INTERFACE_TYPE: Record<string, string> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

export const gatheredKind: FactKind<string, GatheredFacts> = {
  name: 'gathered',
  key: (subset) => subset,
  stable: true,
  sections: (subsets) =>
    subsets.map((subset) => ({
      tool: 'setup',
      script: subsetParts(subset.split(',')).parts.map((part) => SCRIPT[part]).filter(Boolean).join('\n'),
    })),
  parse: (outputs, subsets) =>
    subsets.map((subset, i) => {
      const output = outputs[i];
      if (output.code !== 0 && output.stdout.length === 0) throw new FactError('setup', excerpt(output));
      return collect(blocks(output.stdout.toString('utf8')), subsetParts(subset.split(',')));
    }),
};

/** The request for the facts of a gather_subset (Ansible's list; default all). */
export function gatheredFact(subset: string[] = ['all']): FactRequest<GatheredFacts> {
  subsetParts(subset); // unknown names fail here, before the probe
  return { kind: gatheredKind, param: subset.map((s) => s.trim()).join(',') };
}

function blocks(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const marker = /^@([a-z_.-]+)$/.exec(line);
    if (marker) found.set(marker[1], (current = []));
    else current?.push(line);
  }
  for (const lines of found.values()) while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return found;
}

function keyValues(lines: string[] = [], separator = '='): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf(separator);
    if (at > 0) map.set(line.slice(0, at).trim(), line.slice(at + separator.length).trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'));
  }
  return map;
}

function collect(found: Map<string, string[]>, subset: { parts: string[]; names: string[] }): GatheredFacts {
  const facts: GatheredFacts = { gather_subset: subset.names };
  const has = (part: string) => subset.parts.includes(part);
  if (has('platform')) Object.assign(facts, platform(found));
  if (has('distribution')) Object.assign(facts, distribution(found));
  if (has('lsb')) Object.assign(facts, lsb(found));
  if (has('env')) facts.env = env(found.get('env') ?? []);
  if (has('user')) Object.assign(facts, user(found));
  if (has('date_time')) facts.date_time = dateTime(found);
  if (has('pkg_mgr')) facts.pkg_mgr = pkgMgr(found.get('pkg_mgr') ?? []);
  if (has('service_mgr')) facts.service_mgr = serviceMgr(found.get('service_mgr') ?? []);
  if (has('hardware')) Object.assign(facts, hardware(found));
  if (has('network')) Object.assign(facts, network(found));
  // Ansible's names: every fact also as ansible_<name> (ansible_facts.<name> is the engine's).
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [`ansible_${name}`, value]));
}

function platform(found: Map<string, string[]>): GatheredFacts {
  const [nodename = '', kernel = '', kernelVersion = '', machine = '', system = ''] = found.get('platform') ?? [];
  if (!nodename || !system) throw new FactError('setup', 'the host did not say its name and kernel (/proc/sys/kernel, uname)');
  // Python's socket.getfqdn(): the canonical name of the host's address, or its first alias with a dot.
  const [address, canonical, ...aliases] = (found.get('fqdn')?.[0] ?? '').split(/\s+/).filter(Boolean);
  const fqdn = address ? ([canonical, ...aliases].find((n) => n.includes('.')) ?? canonical) : nodename;
  return {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    architecture: machine,
    userspace_architecture: machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
  };
}

const DISTRIBUTIONS: Record<string, [string, string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  linuxmint: ['Linux Mint', 'Debian'],
  raspbian: ['Debian', 'Debian'],
  centos: ['CentOS', 'RedHat'],
  rhel: ['RedHat', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
  opensuse: ['openSUSE', 'Suse'],
  sles: ['SLES', 'Suse'],
};

function distribution(found: Map<string, string[]>): GatheredFacts {
  const release = keyValues(found.get('os-release'));
  const id = release.get('ID') ?? '';
  const [name, family] = DISTRIBUTIONS[id] ?? [release.get('NAME') ?? 'NA', release.get('NAME') ?? 'NA'];
  let version = release.get('VERSION_ID') ?? 'NA';
  // Debian's point release lives in /etc/debian_version (12.11), as Ansible reads it.
  const debianVersion = found.get('debian_version')?.[0]?.trim();
  if (id === 'debian' && debianVersion && /^\d+(\.\d+)*$/.test(debianVersion)) version = debianVersion;
  const facts: GatheredFacts = {
    distribution: name,
    distribution_version: version,
    distribution_major_version: version.split('.')[0],
    distribution_release: release.get('VERSION_CODENAME') ?? 'NA',
    os_family: family,
  };
  if (version.includes('.')) facts.distribution_minor_version = version.split('.')[1];
  return facts;
}

function lsb(found: Map<string, string[]>): GatheredFacts {
  const facts: Record<string, string> = {};
  const fromCommand = keyValues(found.get('lsb_release'), ':');
  if (fromCommand.size > 0) {
    const map: Record<string, string> = { 'Distributor ID': 'id', Description: 'description', Release: 'release', Codename: 'codename' };
    for (const [key, value] of fromCommand) if (map[key]) facts[map[key]] = value;
  } else {
    const file = keyValues(found.get('lsb-release'));
    const map: Record<string, string> = { DISTRIB_ID: 'id', DISTRIB_RELEASE: 'release', DISTRIB_DESCRIPTION: 'description', DISTRIB_CODENAME: 'codename' };
    for (const [key, value] of file) if (map[key]) facts[map[key]] = value;
  }
  if (facts.release) facts.major_release = facts.release.split('.')[0];
  return { lsb: facts };
}

function env(lines: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    // Each variable starts with '=' (added by sed); other lines continue a multi-line value.
    if (line.startsWith('=') && line.indexOf('=', 1) > 1) {
      const at = line.indexOf('=', 1);
      last = line.slice(1, at);
      vars[last] = line.slice(at + 1);
    } else if (last !== undefined) vars[last] += `\n${line.startsWith('=') ? line.slice(1) : line}`;
  }
  return vars;
}

function user(found: Map<string, string[]>): GatheredFacts {
  const [login = '', uid = '', gid = '', passwd = ''] = found.get('user') ?? [];
  const entry = passwd.split(':');
  if (entry.length !== 7 || !/^\d+$/.test(uid)) throw new FactError('setup', `cannot tell the user (id, getent passwd): '${(found.get('user') ?? []).join(' / ')}'`);
  return {
    user_id: login || entry[0],
    user_uid: Number(uid),
    user_gid: Number(gid),
    user_gecos: entry[4],
    user_dir: entry[5],
    user_shell: entry[6],
    real_user_id: Number(uid),
    effective_user_id: Number(uid),
    real_group_id: Number(gid),
    effective_group_id: Number(gid),
  };
}

function dateTime(found: Map<string, string[]>): Record<string, string> {
  const [local = '', utc = ''] = found.get('date') ?? [];
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch, nanos, tz, offset] = local.split('|');
  if (!epoch || !utc) throw new FactError('setup', `date did not answer as GNU date does: '${local}'`);
  const micro = (nanos ?? '000000000').slice(0, 6);
  return {
    year,
    month,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601: `${utc}Z`,
    iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
    iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
    tz,
    tz_dst: found.get('tzdst')?.[0] || tz,
    tz_offset: offset,
  };
}

function pkgMgr(lines: string[]): string {
  const names: Record<string, string> = { 'apt-get': 'apt', dnf: 'dnf', yum: 'yum', zypper: 'zypper', apk: 'apk', pacman: 'pacman' };
  for (const line of lines) {
    const name = line.split('/').pop() ?? '';
    if (names[name]) return names[name];
  }
  return 'unknown';
}

function serviceMgr(lines: string[]): string {
  const map: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };
  let proc1: string | undefined = lines[0]?.trim() || undefined;
  const init = lines.find((l) => l.startsWith('init '))?.slice(5);
  if (proc1 === undefined && init) proc1 = init;
  if (proc1 !== undefined) proc1 = proc1.split('/').pop()!.trim();
  if (proc1 !== undefined && (proc1 === 'init' || proc1.endsWith('sh'))) proc1 = undefined;
  if (proc1) return map[proc1] ?? proc1;
  if (lines.includes('systemctl') && lines.some((l) => l.startsWith('canary '))) return 'systemd';
  if (init && init.endsWith('systemd')) return 'systemd';
  if (lines.includes('initd')) return 'sysvinit';
  return 'service';
}

function hardware(found: Map<string, string[]>): GatheredFacts {
  const mem = keyValues(found.get('meminfo'), ':');
  const mb = (key: string) => Math.floor(Number((mem.get(key) ?? '0').split(/\s+/)[0]) / 1024);
  const facts: GatheredFacts = { memtotal_mb: mb('MemTotal'), memfree_mb: mb('MemFree'), swaptotal_mb: mb('SwapTotal'), swapfree_mb: mb('SwapFree') };
  // As Ansible's LinuxHardware.get_cpu_facts on x86: sockets by physical id, siblings by core id.
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let physid = '0';
  let coreid = '0';
  let processors = 0;
  const processor: string[] = [];
  for (const line of found.get('cpuinfo') ?? []) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (key === 'processor') {
      processors++;
      processor.push(String(processors - 1));
    } else if (key === 'vendor_id' || key === 'model name') processor.push(value);
    else if (key === 'physical id') {
      physid = value;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = value;
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(value));
    else if (key === 'siblings') cores.set(coreid, Number(value));
  }
  const count = sockets.size > 0 ? sockets.size : processors;
  const perSocket = sockets.size > 0 ? [...sockets.values()][0] || 1 : 1;
  const threads = cores.size > 0 ? Math.floor([...cores.values()][0] / perSocket) : Math.floor(1 / perSocket);
  Object.assign(facts, {
    processor,
    processor_count: count,
    processor_cores: perSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * perSocket,
    processor_nproc: Number(found.get('nproc')?.[0] ?? processors),
  });
  return facts;
}

function ipv4Of(cidr: string): { address: string; netmask: string; network: string; prefix: string } {
  const [address, prefix = '32'] = cidr.split('/');
  const toNumber = (a: string) => a.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const toAddress = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  const mask = prefix === '0' ? 0 : 2 ** 32 - 2 ** (32 - Number(prefix));
  const network = toNumber(address) - (toNumber(address) % 2 ** (32 - Number(prefix)));
  return { address, netmask: toAddress(mask), network: toAddress(prefix === '0' ? 0 : network), prefix };
}

function network(found: Map<string, string[]>): GatheredFacts {
  const names = found.get('interfaces')?.filter((l) => !l.includes('|')) ?? [];
  const devices: Record<string, Record<string, unknown>> = {};
  for (const line of found.get('interfaces')?.filter((l) => l.includes('|')) ?? []) {
    const [device, mac, mtu, type] = line.split('|');
    const info: Record<string, unknown> = { device };
    if (mac && mac !== '00:00:00:00:00:00') info.macaddress = mac;
    if (mtu) info.mtu = Number(mtu);
    if (type) info.type = INTERFACE_TYPE[type] ?? 'unknown';
    devices[device] = info;
  }
  const route = (found.get('route')?.[0] ?? '').split(/\s+/).filter(Boolean);
  const defaultV4: Record<string, unknown> = {};
  if (route[0] === '8.8.8.8') {
    for (let i = 0; i < route.length - 1; i++) {
      if (route[i] === 'dev') defaultV4.interface = route[i + 1];
      else if (route[i] === 'src') defaultV4.address = route[i + 1];
      else if (route[i] === 'via' && route[i + 1] !== '8.8.8.8') defaultV4.gateway = route[i + 1];
    }
  }
  const all: string[] = [];
  for (const line of found.get('addr') ?? []) {
    const words = line.split(/\s+/).filter(Boolean);
    const device = words[0].replace(/\+$/, '');
    const secondary = words[0].endsWith('+');
    if (words[1] !== 'inet') continue;
    const ip = { ...ipv4Of(words[2]), broadcast: words[3] === 'brd' ? words[4] : '' };
    const entry = { address: ip.address, broadcast: ip.broadcast, netmask: ip.netmask, network: ip.network, prefix: ip.prefix };
    const info = devices[device] ?? (devices[device] = { device });
    if (!secondary && !info.ipv4) info.ipv4 = entry;
    else ((info.ipv4_secondaries as unknown[]) ?? (info.ipv4_secondaries = [])).push(entry);
    if (defaultV4.address === ip.address) {
      Object.assign(defaultV4, { broadcast: ip.broadcast, netmask: ip.netmask, network: ip.network, prefix: ip.prefix, macaddress: info.macaddress ?? 'unknown', mtu: info.mtu, type: info.type ?? 'unknown', alias: words[words.length - 1] });
    }
    if (!ip.address.startsWith('127.')) all.push(ip.address);
  }
  const facts: GatheredFacts = { interfaces: names, all_ipv4_addresses: all, default_ipv4: defaultV4 };
  for (const name of names) if (devices[name]) facts[name.replace(/[:-]/g, '_')] = devices[name];
  return facts;
}
