// Sandbox hosts: real OpenSSH sshd processes on loopback addresses, each in its
// own mount+UTS namespace with private overlays, so tests exercise the product
// against genuine SSH servers without touching the controller's filesystem.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import {
  SANDBOX_ROOT, allocateBlock, ensureSystemDeps, execBuf, holdNamespace, killNamespace, killNamespaceSync, mntNs, releaseNamespace, pool, q, waitListening,
} from './proc.js';

export interface SandboxHost {
  name: string; address: string; port: number; pid: number; stateDir: string; logFile: string; user: 'root' | 'deploy';
  /** Every port this sshd listens on at its address: `port` first, then `listenPorts` - 1 more (port + 1, ...). */
  ports: number[];
}
export interface SandboxOptions {
  count: number;
  prefix?: string;
  names?: string[];
  port?: number;
  becomeHosts?: string[];
  setup?: (h: { name: string; address: string }) => string;
  files?: Record<string, { content: string | Buffer; mode?: number }>;
  /**
   * Give each host its own overlay of /usr too (besides /etc and /var, which every host has), so
   * dpkg and apt-get can install Debian packages inside it without changing this machine; a
   * policy-rc.d (exit 101) keeps maintainer scripts from starting services. Packages come from
   * this machine's apt sources (Debian's archive).
   */
  packages?: boolean;
  /**
   * Ports each sshd listens on at its address (port, port + 1, ...; default 1), each in known_hosts:
   * the bench's fleet gives every inventory host its own (address, port), so its kept connections
   * are as many as its hosts. At most 16: OpenSSH's sshd refuses more listen sockets (MAX_LISTEN_SOCKS).
   */
  listenPorts?: number;
  /** Extra sshd_config lines (the bench's 1,000-host scenario raises MaxStartups and MaxSessions). */
  sshdConfig?: string;
  /**
   * A host certificate for a host's ed25519 key (sshd's HostCertificate): signed at start by the
   * CA private key file given (`ssh-keygen -s CA -h`), with these principals (none: valid for
   * every name) and `-V` validity interval. Hosts it returns undefined for have none.
   */
  hostCertificate?: (h: { name: string; address: string }) => HostCertificateOptions | undefined;
}
export interface HostCertificateOptions { caKey: string; principals: string[]; validity?: string }
export interface InventoryOptions { groups?: Record<string, string[]>; vars?: Record<string, unknown>; user?: string }
export interface FileInfo { exists: boolean; content?: Buffer; mode?: string; owner?: string; group?: string; type?: string; target?: string }

/** The directories each host sees through a private overlay (lower = the controller's real dir). */
export const OVERLAY_DIRS = ['/etc', '/var', '/opt', '/srv', '/usr/local', '/home'];
const HASH_ROOTS = ['/etc', '/opt', '/srv', '/usr/local', '/var', '/home', '/root'];
// sshd rewrites these on every login (wtmp/lastlog/btmp) — not caused by the product.
const VOLATILE = ['/var/log/wtmp', '/var/log/btmp', '/var/log/lastlog'];
/** With `packages`: what dpkg and apt write outside OVERLAY_DIRS (mounted first, /usr/local on top). */
export const PACKAGE_OVERLAY_DIRS = ['/usr'];
const START_CONCURRENCY = 8;
/** OpenSSH 9.2's sshd.c: `#define MAX_LISTEN_SOCKS 16` ("Too many listen sockets" beyond). */
const MAX_LISTEN_SOCKS = 16;
const START_TIMEOUT_MS = 60_000;

interface HostState extends SandboxHost { child?: ChildProcess; ns?: string; nsFd?: number; exited?: string }

const live = new Set<Sandbox>();
let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const sb of live) sb.stopSync(); });
  for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.once(sig, () => { for (const sb of live) sb.stopSync(); process.exit(128 + num); });
  }
}

export class Sandbox {
  readonly hosts: SandboxHost[];
  readonly keyFile: string;
  readonly knownHostsFile: string;
  readonly dir: string;
  private readonly releaseBlock: () => void;
  private stopped = false;

  private constructor(dir: string, hosts: HostState[], release: () => void) {
    this.dir = dir;
    this.hosts = hosts;
    this.keyFile = join(dir, 'id_ed25519');
    this.knownHostsFile = join(dir, 'known_hosts');
    this.releaseBlock = release;
  }

  static async start(opts: SandboxOptions): Promise<Sandbox> {
    ensureSystemDeps();
    const port = opts.port ?? 2222;
    const names = opts.names ?? Array.from({ length: opts.count }, (_, i) => `${opts.prefix ?? 'host'}${String(i + 1).padStart(2, '0')}`);
    if (names.length !== opts.count) throw new Error('names.length must equal count');
    if (names.length > 250) throw new Error('at most 250 hosts per sandbox (one /24 loopback block)');
    const listenPorts = opts.listenPorts ?? 1;
    if (!Number.isInteger(listenPorts) || listenPorts < 1 || listenPorts > MAX_LISTEN_SOCKS) throw new Error(`listenPorts: 1..${MAX_LISTEN_SOCKS} (sshd's MAX_LISTEN_SOCKS)`);
    for (const n of names) if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(n)) throw new Error(`bad host name ${n}`);
    const { block, release } = await allocateBlock(port);
    const dir = join(SANDBOX_ROOT, `b${block}-${process.pid}-${Date.now().toString(36)}`);
    const become = new Set(opts.becomeHosts ?? []);
    const hosts: HostState[] = names.map((name, i) => ({
      name, address: `127.0.${block}.${i + 1}`, port, ports: Array.from({ length: listenPorts }, (_, k) => port + k), pid: 0, stateDir: join(dir, name),
      logFile: join(dir, name, 'sshd.log'), user: become.has(name) ? 'deploy' : 'root',
    }));
    const sb = new Sandbox(dir, hosts, release);
    live.add(sb);
    installExitHandlers();
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'runbook-sandbox', '-f', sb.keyFile]);
      const staged = sb.stageFiles(opts.files ?? {});
      await pool(hosts, START_CONCURRENCY, (h) => sb.startHost(h, staged, opts.setup, opts.packages === true, opts.sshdConfig, opts.hostCertificate?.(h)));
      const lines = hosts.map((h) => {
        const [type, key] = readFileSync(join(h.stateDir, 'upper/etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/);
        return h.ports.map((port) => `${port === 22 ? h.address : `[${h.address}]:${port}`} ${type} ${key}\n`).join('');
      });
      writeFileSync(sb.knownHostsFile, lines.join(''));
    } catch (e) {
      await sb.stop();
      throw e;
    }
    return sb;
  }

  host(name: string): SandboxHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no sandbox host ${name}`);
    return h;
  }

  inventoryYaml(opts: InventoryOptions = {}): string {
    const hosts: Record<string, unknown> = {};
    for (const h of this.hosts) {
      hosts[h.name] = { ansible_host: h.address, ansible_port: h.port, ansible_user: opts.user ?? h.user, ansible_ssh_private_key_file: this.keyFile };
    }
    const all: Record<string, unknown> = { hosts };
    if (opts.vars) all.vars = opts.vars;
    if (opts.groups) {
      all.children = Object.fromEntries(Object.entries(opts.groups).map(([g, members]) => {
        for (const m of members) this.host(m);
        return [g, { hosts: Object.fromEntries(members.map((m) => [m, {}])) }];
      }));
    }
    return dump({ all }, { lineWidth: -1 });
  }

  writeInventory(file: string, opts?: InventoryOptions): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, this.inventoryYaml(opts));
  }

  /** Runs inside the host's namespaces without SSH, so assertions don't perturb connection counts. */
  async run(host: string, command: string, stdin?: string | Buffer): Promise<{ stdout: string; stderr: string; code: number }> {
    const r = await this.runBuf(host, command, stdin);
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), code: r.code };
  }

  /** As run(), with stdout and stderr as bytes. */
  runBytes(host: string, command: string, stdin?: string | Buffer): Promise<{ stdout: Buffer; stderr: Buffer; code: number }> {
    return this.runBuf(host, command, stdin);
  }

  private runBuf(host: string, command: string, stdin?: string | Buffer) {
    const h = this.host(host);
    if (!h.pid) throw new Error(`host ${host} is stopped`);
    return execBuf('nsenter', ['-t', String(h.pid), '-m', '-u', '--', 'sh', '-c', command], stdin);
  }

  async fileInfo(host: string, path: string): Promise<FileInfo> {
    const p = q(path);
    const r = await this.runBuf(host,
      `if [ -e ${p} ] || [ -L ${p} ]; then stat -c '%F|%a|%U|%G' -- ${p}; if [ -L ${p} ]; then readlink -- ${p}; elif [ -f ${p} ]; then cat -- ${p}; fi; else echo ABSENT; fi`);
    if (r.code !== 0) throw new Error(`fileInfo ${host}:${path}: ${r.stderr}`);
    const nl = r.stdout.indexOf(10);
    const head = r.stdout.subarray(0, nl).toString();
    if (head === 'ABSENT') return { exists: false };
    const [ftype, mode, owner, group] = head.split('|');
    const body = r.stdout.subarray(nl + 1);
    const type = /regular/.test(ftype) ? 'file' : ftype === 'directory' ? 'directory' : ftype === 'symbolic link' ? 'symlink' : ftype;
    const info: FileInfo = { exists: true, type, mode: mode.padStart(4, '0'), owner, group };
    if (type === 'file') info.content = body;
    if (type === 'symlink') info.target = body.toString().replace(/\n$/, '');
    return info;
  }

  /**
   * Hash of every entry's (path, type, mode, owner, group, link target) under `roots`
   * as the host sees them, plus the content of every regular file the host has
   * written. Lower-layer files are the controller's own and cannot change from
   * inside the host without a copy-up into the overlay, so hashing their bytes
   * (8 GB of /opt here) would add nothing but minutes.
   */
  async treeHash(host: string, roots: string[] = HASH_ROOTS): Promise<string> {
    const h = this.host(host);
    const under = (p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith('/') ? r : `${r}/`));
    const written: string[] = [];
    for (const d of OVERLAY_DIRS) collectFiles(join(h.stateDir, 'upper', d.slice(1)), d, written);
    const contentList = written.filter(under);
    const prune = VOLATILE.map((v) => `-path ${q(v)}`).join(' -o ');
    const cmd = `set --
for r in ${roots.map(q).join(' ')}; do if [ -e "$r" ]; then set -- "$@" "$r"; fi; done
if [ $# -gt 0 ]; then find "$@" \\( ${prune} \\) -prune -o -printf '%p\\0%y\\0%#m\\0%u\\0%g\\0%l\\0'; fi
printf '\\0--content--\\0'
{ cat; if ${roots.includes('/root') ? 'true' : 'false'}; then find /root -type f -print0; fi; } | xargs -0 -r sha256sum -z --`;
    const r = await this.runBuf(host, cmd, contentList.map((p) => `${p}\0`).join(''));
    if (r.code !== 0) throw new Error(`treeHash ${host}: ${r.stderr}`);
    // find's order depends on directory layout; sort so equal trees hash equally.
    const [meta, content] = r.stdout.toString('latin1').split('\0--content--\0');
    const entries: string[] = [];
    const m = meta.split('\0');
    for (let i = 0; i + 5 < m.length; i += 6) entries.push(m.slice(i, i + 6).join('\t'));
    const sums = content.split('\0').filter((s) => s !== '');
    const hash = createHash('sha256');
    for (const e of [...entries.sort(), ...[...new Set(sums)].sort()]) hash.update(e + '\n');
    return hash.digest('hex');
  }

  connectionsAccepted(host: string): number {
    const log = readFileSync(this.host(host).logFile, 'utf8');
    return log.split('\n').filter((l) => l.includes('Accepted publickey')).length;
  }

  /** Commands (sessions) sshd started on a host: logged only with `sshdConfig: 'LogLevel VERBOSE'`. */
  sessionsStarted(host: string): number {
    const log = readFileSync(this.host(host).logFile, 'utf8');
    return log.split('\n').filter((l) => l.includes('Starting session:')).length;
  }

  async stopHost(name: string): Promise<void> {
    const h = this.host(name) as HostState;
    if (h.ns) await killNamespace(h.ns);
    else if (h.pid) { try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ } }
    releaseNamespace(h.nsFd);
    h.nsFd = undefined;
    h.pid = 0;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await Promise.all(this.hosts.map((h) => this.stopHost(h.name)));
    this.cleanupDirs();
  }

  /** Synchronous variant for process 'exit' / signal handlers, where awaiting is impossible. */
  stopSync(): void {
    if (this.stopped) return;
    for (const h of this.hosts as HostState[]) {
      if (h.ns) killNamespaceSync(h.ns);
      else if (h.pid) { try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ } }
      releaseNamespace(h.nsFd);
      h.nsFd = undefined;
      h.pid = 0;
    }
    this.cleanupDirs();
  }

  private cleanupDirs(): void {
    this.stopped = true;
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
    this.releaseBlock();
  }

  private stageFiles(files: NonNullable<SandboxOptions['files']>): string {
    const lines: string[] = [];
    const stage = join(this.dir, '.files');
    mkdirSync(stage, { recursive: true });
    Object.entries(files).forEach(([path, f], i) => {
      if (!path.startsWith('/')) throw new Error(`files: path must be absolute: ${path}`);
      writeFileSync(join(stage, String(i)), f.content);
      lines.push(`install -D -m ${(f.mode ?? 0o644).toString(8)} ${q(join(stage, String(i)))} ${q(path)}`);
    });
    return lines.join('\n');
  }

  private async startHost(h: HostState, stagedFiles: string, setup: SandboxOptions['setup'], packages: boolean, extraConfig = '', certificate?: HostCertificateOptions): Promise<void> {
    mkdirSync(h.stateDir, { recursive: true });
    for (const d of OVERLAY_DIRS) {
      mkdirSync(join(h.stateDir, 'upper', d), { recursive: true });
      mkdirSync(join(h.stateDir, 'work', d), { recursive: true });
    }
    // Their own upper and work dirs: /usr/local's upper dir must not sit inside /usr's.
    for (const d of packages ? PACKAGE_OVERLAY_DIRS : []) {
      mkdirSync(join(h.stateDir, 'pkg-upper', d), { recursive: true });
      mkdirSync(join(h.stateDir, 'pkg-work', d), { recursive: true });
    }
    const certificateConfig = certificate ? 'HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub\n' : '';
    writeFileSync(join(h.stateDir, 'sshd_config'), sshdConfig(h, /^LogLevel /m.test(extraConfig)) + certificateConfig + extraConfig);
    const logFd = openSync(h.logFile, 'a');
    // Log via stderr (-e) rather than -E: sshd opens -E paths after /tmp is
    // hidden by the private tmpfs, so the controller would never see the file.
    const child = spawn('unshare', ['-m', '-u', '--propagation', 'private', 'sh', '-ec', hostScript(h, this, stagedFiles, setup, packages, certificate)],
      { stdio: ['ignore', logFd, logFd], cwd: '/' });
    closeSync(logFd);
    child.unref();
    h.child = child;
    h.pid = child.pid ?? 0;
    child.once('exit', (code, sig) => { h.exited = `sshd for ${h.name} exited (${code ?? sig}):\n${tail(h.logFile)}`; });
    child.once('error', (e) => { h.exited = `cannot start ${h.name}: ${e.message}`; });
    try {
      // sshd binds its ports in order before it accepts: the last one listening means all are.
      await waitListening(h.logFile, h.address, h.ports[h.ports.length - 1], START_TIMEOUT_MS, () => h.exited);
    } finally {
      const ns = mntNs(h.pid);
      if (ns && ns !== mntNs('self')) {
        h.ns = ns;
        h.nsFd = holdNamespace(h.pid);
      }
    }
    if (!h.ns) throw new Error(`${h.name}: sshd is not in a private mount namespace`);
  }
}

/** `ownLogLevel`: the extra config sets LogLevel (sshd takes a keyword's first value: INFO is left out). */
function sshdConfig(h: SandboxHost, ownLogLevel = false): string {
  // MaxSessions/MaxStartups deliberately left at defaults: the product must cope with them
  // (only the bench's fleet scenario raises them, through SandboxOptions.sshdConfig).
  return `${h.ports.map((port) => `ListenAddress ${h.address}:${port}`).join('\n')}
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
UseDNS no
PidFile none
PrintMotd no
PrintLastLog no
${ownLogLevel ? '' : 'LogLevel INFO\n'}AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
`;
}

function hostScript(h: HostState, sb: Sandbox, stagedFiles: string, setup: SandboxOptions['setup'], packages: boolean, certificate?: HostCertificateOptions): string {
  const S = q(h.stateDir);
  const packageOverlays = (packages ? PACKAGE_OVERLAY_DIRS : []).map((d) =>
    `mount -t overlay overlay -o lowerdir=${d},upperdir=${S}/pkg-upper${d},workdir=${S}/pkg-work${d} ${d}`);
  const overlays = [...packageOverlays, ...OVERLAY_DIRS.map((d) =>
    `mount -t overlay overlay -o lowerdir=${d},upperdir=${S}/upper${d},workdir=${S}/work${d} ${d}`)].join('\n');
  // invoke-rc.d asks policy-rc.d before a maintainer script starts a service: 101 = never.
  // apt's binary cache kept (container images often switch it off): every apt call would rebuild it, for both tools alike.
  const policy = packages ? `printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
printf 'Dir::Cache::pkgcache "pkgcache.bin";\\nDir::Cache::srcpkgcache "srcpkgcache.bin";\\n' > /etc/apt/apt.conf.d/99zz-runbook-sandbox` : '';
  const deploy = h.user !== 'deploy' ? '' : `
useradd -m -s /bin/sh deploy
usermod -p '*' deploy  # '!' (locked) makes sshd refuse pubkey logins when UsePAM is off
install -d -m 700 -o deploy -g deploy /home/deploy/.ssh
install -m 600 -o deploy -g deploy ${q(sb.keyFile + '.pub')} /home/deploy/.ssh/authorized_keys
echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
chmod 440 /etc/sudoers.d/deploy`;
  // Order matters: everything reading the controller's state dir (overlay
  // upper dirs, keys, staged files) must run before /tmp is replaced.
  return `${overlays}
mount -t tmpfs -o mode=755 sandbox-run /run
mkdir -p /run/sshd /run/lock && chmod 1777 /run/lock
mount -t tmpfs -o mode=700 sandbox-root /root
install -d -m 700 /root/.ssh
install -m 600 ${q(sb.keyFile + '.pub')} /root/.ssh/authorized_keys
echo ${q(h.name)} > /proc/sys/kernel/hostname
echo ${q(h.name)} > /etc/hostname
printf '%s\\t%s\\n' ${q(h.address)} ${q(h.name)} >> /etc/hosts
rm -f /etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C ${q(h.name)} -f /etc/ssh/ssh_host_ed25519_key
${certificate ? `ssh-keygen -q -s ${q(certificate.caKey)} -h -I ${q(h.name)}${certificate.principals.length > 0 ? ` -n ${q(certificate.principals.join(','))}` : ''}${certificate.validity ? ` -V ${q(certificate.validity)}` : ''} /etc/ssh/ssh_host_ed25519_key.pub` : ''}
cp ${S}/sshd_config /etc/ssh/sshd_config.runbook-${basename(sb.dir)}
${deploy}
${policy}
${stagedFiles}
mount -t tmpfs -o mode=1777 sandbox-tmp /tmp
cd /
${setup ? setup({ name: h.name, address: h.address }) : ''}
exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config.runbook-${basename(sb.dir)}
`;
}

function collectFiles(dir: string, nsPath: string, out: string[]): void {
  let ents: string[];
  try { ents = readdirSync(dir); } catch { return; }
  for (const e of ents) {
    const st = lstatSync(join(dir, e));
    if (st.isDirectory()) collectFiles(join(dir, e), `${nsPath}/${e}`, out);
    else if (st.isFile()) out.push(`${nsPath}/${e}`);
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}
