// Process measurement and machine facts for the benchmark: every tool run is a
// whole CLI process (interpreter start-up included), timed from spawn to exit.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wallS: number;
  /** Peak RSS of the largest process in the tree GNU time waited for (MB). */
  rssMB?: number;
  /** User + system CPU of the process and every descendant it reaped (s). */
  cpuS?: number;
  /** CPU the sandbox hosts (their sshd's and sessions) spent during the run (s), where measured. */
  hostsCpuS?: number;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command under GNU time. The report goes to a file (-o) rather than
 * stderr so it can never be confused with the tool's own error output.
 */
export function measure(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  const dir = mkdtempSync(join(os.tmpdir(), 'rbbench-time-'));
  const report = join(dir, 'time');
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', report, cmd, ...args], {
      cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - start) / 1e9;
      let rssMB: number | undefined;
      let cpuS: number | undefined;
      try {
        // When the command dies of a signal GNU time writes a notice line first; the figures are last.
        const last = readFileSync(report, 'utf8').trim().split('\n').at(-1) ?? '';
        const [kb, user, sys] = last.split(' ').map(Number);
        if ([kb, user, sys].every(Number.isFinite)) { rssMB = kb / 1024; cpuS = user + sys; }
      } catch { /* no report: leave the figures out */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 128 : -1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), wallS, rssMB, cpuS });
    });
  });
}

function onPath(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let aptUpdated = false;
/** Installs a Debian package when its binary is missing, so a fresh machine can run the bench. */
export function ensurePackage(binary: string, pkg: string): void {
  if (binary.startsWith('/') ? existsSync(binary) : onPath(binary)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`bench: ${binary} missing, installing Debian package ${pkg}`);
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'inherit', 'inherit'], env });
    aptUpdated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-q', pkg], { stdio: ['ignore', 'inherit', 'inherit'], env });
}

export function ensureGnuTime(): void {
  ensurePackage(GNU_TIME, 'time');
}

function firstLine(cmd: string, args: string[]): string {
  try {
    // ssh -V answers on stderr, everything else on stdout.
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0].trim();
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.split('\n')[0].trim() || 'unknown';
  }
}

export interface Machine { [label: string]: string }

export function machineFacts(withAnsible: boolean): Machine {
  const sshV = execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }).trim();
  const facts: Machine = {
    CPUs: `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: os.release(),
    node: process.version,
    OpenSSH: sshV,
  };
  if (withAnsible) facts['ansible-core'] = firstLine('ansible-playbook', ['--version']);
  return facts;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * CPU seconds the sandbox hosts spent: each sshd's own and what it reaped (every login, shell and
 * tool of its sessions), from /proc/PID/stat (utime, stime, cutime, cstime in clock ticks of 1/100 s).
 */
export function hostsCpuS(sshdPids: number[]): number {
  let ticks = 0;
  for (const pid of sshdPids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100;
}

/** Waits (up to 3 s) until no sshd has a session left to reap: only then are its sessions' CPU counted. */
export async function hostsSettled(sshdPids: number[]): Promise<void> {
  const parents = new Set(sshdPids);
  for (let i = 0; i < 60; i++) {
    const busy = readdirSync('/proc').some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return parents.has(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        return false;
      }
    });
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function loadAverage(): number {
  return os.loadavg()[0];
}
