// Low-level helpers for the sandbox harness: process execution, system
// prerequisites, loopback block allocation and mount-namespace reaping.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';

export const SANDBOX_ROOT = process.env.RUNBOOK_SANDBOX_ROOT ?? '/tmp/runbook-sandbox';

export interface ExecResult { stdout: Buffer; stderr: Buffer; code: number }

export function execBuf(cmd: string, args: string[], input?: string | Buffer, cwd = '/'): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({
      stdout: Buffer.concat(out), stderr: Buffer.concat(err), code: code ?? (signal ? 128 : 1),
    }));
    // EPIPE when the command does not read its stdin is harmless.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** Single-quote for POSIX sh. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let depsChecked = false;
/** A fresh CI machine may lack sshd/sudo; install them once (root only). */
export function ensureSystemDeps(): void {
  if (depsChecked) return;
  if (process.getuid?.() !== 0) throw new Error('sandbox hosts need root (mount/user namespaces, overlayfs)');
  if (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/bin/sudo')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server', 'openssh-client', 'sudo'],
      { stdio: ['ignore', 'inherit', 'inherit'], env });
  }
  depsChecked = true;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // A SIGKILLed owner may linger as a zombie until its parent reaps it; that is dead for us.
  try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1')); } catch { return false; }
}

export function portFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Reserve a 127.0.<block>.0/24 block. Lock files (O_EXCL, holding our pid)
 * serialize concurrent processes; dead owners are reclaimed. The port probe
 * guards against foreign listeners that know nothing about our locks.
 * Blocks start at 10 so 127.0.0.1 / 127.0.1.1 (Debian's hostname) stay clear.
 */
export async function allocateBlock(port: number): Promise<{ block: number; release: () => void }> {
  const lockDir = join(SANDBOX_ROOT, 'locks');
  mkdirSync(lockDir, { recursive: true });
  reapStale(lockDir);
  const start = 10 + Math.floor(Math.random() * 200);
  for (let i = 0; i < 240; i++) {
    const block = 10 + ((start - 10 + i) % 240);
    const f = join(lockDir, `block-${block}`);
    if (!tryLock(f)) continue;
    const release = () => { try { if (readFileSync(f, 'utf8') === String(process.pid)) unlinkSync(f); } catch { /* gone */ } };
    if (await portFree(`127.0.${block}.1`, port)) return { block, release };
    release();
  }
  throw new Error('no free 127.0.x.0/24 block for sandbox hosts');
}

/**
 * A SIGKILLed controller cannot run its exit handlers, so its hosts keep
 * running. Their sshd command line carries the sandbox id (b<block>-<pid>-…),
 * which lets a later run find and reap exactly those, and nothing else.
 */
function reapStale(lockDir: string): void {
  for (const ent of readdirSync(lockDir)) {
    const m = /^block-(\d+)$/.exec(ent);
    if (!m) continue;
    let owner: string;
    try { owner = readFileSync(join(lockDir, ent), 'utf8'); } catch { continue; }
    if (owner === '' || pidAlive(Number(owner))) continue;
    const tag = `b${m[1]}-${owner}-`;
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      let cmd = '';
      try { cmd = readFileSync(`/proc/${p}/cmdline`, 'latin1'); } catch { continue; }
      const ns = mntNs(Number(p));
      if (!cmd.includes(`sshd_config.runbook-${tag}`) || !ns) continue;
      const held = holdNamespace(Number(p));
      if (held !== undefined && mntNs(Number(p)) === ns) killNamespaceSync(ns);
      releaseNamespace(held);
    }
    for (const d of readdirSync(SANDBOX_ROOT)) if (d.startsWith(tag)) rmSync(join(SANDBOX_ROOT, d), { recursive: true, force: true });
    try { if (readFileSync(join(lockDir, ent), 'utf8') === owner) unlinkSync(join(lockDir, ent)); } catch { /* raced */ }
  }
}

function tryLock(f: string): boolean {
  try { writeFileSync(f, String(process.pid), { flag: 'wx' }); return true; } catch { /* exists */ }
  let owner: string;
  try { owner = readFileSync(f, 'utf8'); } catch { return false; }
  // An empty file is a lock being written right now, not a stale one.
  if (owner === '' || pidAlive(Number(owner))) return false;
  try { unlinkSync(f); } catch { /* someone else reclaimed it */ }
  try { writeFileSync(f, String(process.pid), { flag: 'wx' }); return true; } catch { return false; }
}

export function mntNs(pid: number | 'self'): string | undefined {
  try { return readlinkSync(`/proc/${pid}/ns/mnt`); } catch { return undefined; }
}

/** Every pid whose mount namespace is `ns` — includes setsid'd/daemonized children of ssh sessions. */
export function pidsInNs(ns: string): number[] {
  const pids: number[] = [];
  for (const ent of readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    if (mntNs(Number(ent)) === ns) pids.push(Number(ent));
  }
  return pids;
}

function killRound(ns: string): boolean {
  if (ns === mntNs('self')) throw new Error('refusing to kill our own mount namespace');
  const pids = pidsInNs(ns);
  for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ } }
  return pids.length === 0;
}

/**
 * Keep a mount namespace alive (an open fd on it) while we kill by its id: once its last
 * process dies the kernel may hand the same id to a new host, which a kill loop would then hit.
 */
export function holdNamespace(pid: number): number | undefined {
  try {
    return openSync(`/proc/${pid}/ns/mnt`, 'r');
  } catch {
    return undefined;
  }
}

export function releaseNamespace(fd: number | undefined): void {
  if (fd !== undefined) try { closeSync(fd); } catch { /* closed */ }
}

export async function killNamespace(ns: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!killRound(ns)) {
    if (Date.now() > deadline) throw new Error(`processes in ${ns} survive SIGKILL`);
    await sleep(20);
  }
}

export function killNamespaceSync(ns: string, timeoutMs = 3000): void {
  const deadline = Date.now() + timeoutMs;
  while (!killRound(ns) && Date.now() < deadline) sleepSync(20);
}

/**
 * Wait for sshd's "Server listening" line rather than probing with connect():
 * a probe shows up in the host log as a bogus aborted connection.
 */
export async function waitListening(logFile: string, address: string, port: number, timeoutMs: number,
  abort: () => string | undefined): Promise<void> {
  const needle = `Server listening on ${address} port ${port}.`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = abort();
    if (why) throw new Error(why);
    try { if (readFileSync(logFile, 'utf8').includes(needle)) return; } catch { /* not yet created */ }
    if (Date.now() > deadline) throw new Error(`${address}:${port} not listening after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Run `fn` over items with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A process's arguments (its program first); undefined once it is gone. */
export function argumentsOf(pid: number | string): string[] | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    // Each argument ends with a NUL (unless the process rewrote them, as sshd does).
    if (args.at(-1) === '') args.pop();
    return args;
  } catch {
    return undefined;
  }
}

/** A process's command line, its arguments joined by spaces; undefined once it is gone. */
export function commandLine(pid: number | string): string | undefined {
  return argumentsOf(pid)?.join(' ').trimEnd();
}

/** PIDs of this machine's processes whose arguments pass the test. */
export function processesWhere(test: (args: string[]) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      const args = argumentsOf(entry);
      return args !== undefined && test(args);
    })
    .map(Number);
}

/** PIDs of the connection keepers serving exactly `dir` (`runbook __keeper DIR`: its last two arguments). */
export function keepersOf(dir: string): number[] {
  return processesWhere((args) => args.at(-2) === '__keeper' && args.at(-1) === dir);
}
