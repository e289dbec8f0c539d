// The two contenders, driven the same way: one CLI process per run against the
// same playbook file and the inventory the sandbox writes, unchanged.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../sandbox/hosts.js';
import { keepersOf } from '../sandbox/proc.js';
import { measure, type Measured } from './measure.js';

/** The checkout's root, from dist/test/bench/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const playbookFile = join(repoRoot, 'test', 'fixtures', 'bench', 'playbook.yaml');
/** The bare ssh2 floor (test/bench/floor.ts), compiled. */
export const floorScript = join(repoRoot, 'dist', 'test', 'bench', 'floor.js');

export type ToolName = 'runbook' | 'ansible';
export type RunMode = 'apply' | 'check';

export interface HostOutcome { changed: number; failed: number; unreachable: boolean; /** runbook only: the recap's ok count. */ ok?: number }

export interface ToolRun extends Measured {
  hosts: Record<string, HostOutcome>;
  /** runbook only: what its recap says about SSH use. */
  transport?: Record<string, { connections: number; roundTrips: number; reused?: number }>;
  /** --persist: CPU the connection keeper spent since the previous run ended (s); it is in cpuS too. */
  keeperCpuS?: number;
  /** --persist: the SSH connections the keeper held after the run (keptEndpoints). */
  keptConnections?: number;
}

export interface Tool {
  readonly name: ToolName;
  run(mode: RunMode): Promise<ToolRun>;
  /** Releases anything the tool left running (Ansible's ControlPersist masters). */
  close(): void;
}

export function totalChanged(run: ToolRun): number {
  return Object.values(run.hosts).reduce((sum, h) => sum + h.changed, 0);
}

/** Why a run cannot count as a measurement, or undefined when it can. */
export function runProblem(run: ToolRun, expectedHosts: number): string | undefined {
  const bad = Object.entries(run.hosts).filter(([, h]) => h.failed > 0 || h.unreachable).map(([n]) => n);
  if (run.code !== 0 || bad.length || Object.keys(run.hosts).length !== expectedHosts) {
    // The lines about the hosts that went wrong say why; the tail shows how the run ended.
    const lines = `${run.stderr}\n${run.stdout}`.trim().split('\n');
    const why = lines.filter((l) => bad.some((h) => l.includes(h)) && /unreachable|fail|error/i.test(l)).slice(0, 10);
    const tail = [...why, '...', ...lines.slice(-10)].join('\n');
    return `exit ${run.code}, ${Object.keys(run.hosts).length}/${expectedHosts} hosts in recap, failed/unreachable: ${bad.join(', ') || 'none'}\n${tail}`;
  }
  return undefined;
}

export class RunbookTool implements Tool {
  readonly name = 'runbook';
  private readonly inventory: string;

  /**
   * The sandbox's own inventory (one inventory host per sshd) and the bench playbook, or (the
   * fleet's) an inventory and playbook already written, with more flags.
   */
  /** --persist: the keeper's socket directory (RUNBOOK_PERSIST_DIR), its CPU so far by PID. */
  private readonly keeperCpu = new Map<number, number>();

  /** The runs' file records (RUNBOOK_RECORD_DIR), made by runbook itself (0700). */
  private readonly recordDir: string;

  constructor(private readonly sandbox: Sandbox, workDir: string, private readonly fleet?: { inventory: string; playbook: string; args: string[]; persistDir?: string }) {
    this.inventory = fleet?.inventory ?? join(workDir, 'inventory.yaml');
    this.recordDir = join(workDir, 'runbook-records');
    if (!fleet) sandbox.writeInventory(this.inventory);
  }

  /**
   * The keeper's CPU (user+sys, from /proc) since the last look: what it spent for this run and
   * in between (idle keepalives), so a kept connection's cost is summed honestly with the run's.
   */
  private keeperCpuSince(): number {
    let spent = 0;
    for (const pid of keepersOf(this.fleet!.persistDir!)) {
      const now = processCpuS(pid);
      spent += now - (this.keeperCpu.get(pid) ?? 0);
      this.keeperCpu.set(pid, now);
    }
    return spent;
  }

  async run(mode: RunMode): Promise<ToolRun> {
    const args = [join(repoRoot, 'bin', 'runbook.js'), 'apply', this.inventory, this.fleet?.playbook ?? playbookFile,
      '--known-hosts', this.sandbox.knownHostsFile, '--output', 'json', ...(this.fleet?.args ?? [])];
    if (mode === 'check') args.push('--dry-run');
    if (process.env.RUNBOOK_BENCH_STRATEGY) args.push('--strategy', process.env.RUNBOOK_BENCH_STRATEGY);
    const persistDir = this.fleet?.persistDir;
    if (persistDir) {
      args.push('--persist', '600');
      this.keeperCpuSince();
    }
    // File records as a user's runs keep them, in this set of hosts' own directory (fresh hosts, fresh
    // records); RUNBOOK_RECORD_DIR=off in the bench's environment measures without them.
    const env: Record<string, string> = { RUNBOOK_RECORD_DIR: process.env.RUNBOOK_RECORD_DIR === 'off' ? 'off' : this.recordDir, ...(persistDir ? { RUNBOOK_PERSIST_DIR: persistDir } : {}) };
    const measured = await measure(process.execPath, args, { cwd: repoRoot, env });
    const keeperCpuS = persistDir ? this.keeperCpuSince() : undefined;
    const m = keeperCpuS === undefined ? measured : { ...measured, cpuS: (measured.cpuS ?? 0) + keeperCpuS, keeperCpuS };
    const recap = m.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>)
      .find((e) => e.type === 'recap');
    const hosts: Record<string, HostOutcome> = {};
    for (const [name, h] of Object.entries<any>(recap?.hosts ?? {})) hosts[name] = { changed: h.changed, failed: h.failed, unreachable: h.unreachable, ok: h.ok };
    return { ...m, hosts, transport: recap?.transport };
  }

  /** With --persist, the keeper outlives the runs: stopped by its PID. */
  close(): void {
    if (!this.fleet?.persistDir) return;
    for (const pid of keepersOf(this.fleet.persistDir)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
  }
}

/**
 * The established TCP connections the keepers of `dir` hold (their sockets, matched in
 * /proc/PID/net/tcp by inode) and how many distinct remote (address, port) they lead to: what
 * the kernel says, not what the keeper or the run reports.
 */
export function keptEndpoints(dir: string): { connections: number; endpoints: number } {
  let connections = 0;
  const endpoints = new Set<string>();
  for (const pid of keepersOf(dir)) {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
    for (const table of ['tcp', 'tcp6']) {
      for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode; 01 = ESTABLISHED.
        if (f.length < 10 || f[3] !== '01' || !inodes.has(f[9])) continue;
        connections++;
        endpoints.add(f[2]);
      }
    }
  }
  return { connections, endpoints: endpoints.size };
}

/** A live process's user+sys CPU (s). */
function processCpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * ansible-core tuned the way its documentation and the research recommend:
 * pipelining, persistent multiplexed connections, forks >= hosts, no facts.
 */
export class AnsibleTool implements Tool {
  readonly name = 'ansible';
  private readonly inventory: string;
  private readonly config: string;
  private readonly controlDir: string;

  constructor(sandbox: Sandbox, private readonly workDir: string) {
    this.inventory = join(workDir, 'inventory.yaml');
    sandbox.writeInventory(this.inventory);
    this.controlDir = join(workDir, 'cp');
    mkdirSync(this.controlDir, { recursive: true });
    mkdirSync(join(workDir, 'local-tmp'), { recursive: true });
    this.config = join(workDir, 'ansible.cfg');
    // The sandbox's known_hosts already holds every host key: checking stays off
    // (as in the research config) but nothing is learned into ~/.ssh.
    writeFileSync(this.config, `[defaults]
forks = ${Math.max(5, sandbox.hosts.length)}
host_key_checking = False
interpreter_python = /usr/bin/python3
gathering = explicit
retry_files_enabled = False
nocolor = True
local_tmp = ${join(workDir, 'local-tmp')}

[ssh_connection]
pipelining = True
control_path_dir = ${this.controlDir}
ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o PreferredAuthentications=publickey -o UserKnownHostsFile=${sandbox.knownHostsFile}
`);
  }

  async run(mode: RunMode): Promise<ToolRun> {
    const args = ['-i', this.inventory, playbookFile];
    if (mode === 'check') args.push('--check');
    const m = await measure('ansible-playbook', args, { cwd: this.workDir, env: { ANSIBLE_CONFIG: this.config, ANSIBLE_NOCOLOR: '1' } });
    const hosts: Record<string, HostOutcome> = {};
    const recap = /^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
    for (const r of m.stdout.matchAll(recap)) hosts[r[1]] = { changed: Number(r[2]), unreachable: r[3] !== '0', failed: Number(r[4]) };
    return { ...m, hosts };
  }

  /** ControlPersist masters are daemons of their own: ask each to exit through its socket. */
  close(): void {
    let sockets: string[] = [];
    try { sockets = readdirSync(this.controlDir); } catch { return; }
    for (const s of sockets) {
      try {
        execFileSync('ssh', ['-o', `ControlPath=${join(this.controlDir, s)}`, '-O', 'exit', 'bench-host'], { stdio: 'ignore', timeout: 10_000 });
      } catch { /* already gone */ }
    }
  }
}
