import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

/**
 * What runbook costs a host, counted: every program the host's sshd and its sessions execute
 * during a run (strace on that sshd). On a busy host a fork and exec take milliseconds, so a
 * process that only frames output (temp files, `wc -c`, `cat`) or waits (`sleep`, `timeout`)
 * multiplies into seconds across a run. Counting, not timing: the numbers do not depend on load.
 */
const playbook = join(fixtures, 'bench', 'playbook.yaml');
/** Programs that only frame, check or wait: the work they did is done by the shell itself now. */
const FRAMING = ['mktemp', 'wc', 'cat', 'rm', 'sleep', 'dd', 'tr'];

describe('host processes per run (strace on the sandbox sshd)', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;

  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'procs' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());

  /**
   * Runs runbook with strace on the host's sshd: the programs executed on the host, and how many
   * processes were created (forks, exec'd or not: a subshell costs a fork too). One output file
   * per process (-ff), so no call is split across lines by another process's.
   */
  async function traced(...extra: string[]): Promise<{ programs: string[]; forks: number; roundTrips: number; changed: number }> {
    return tracedWith(NO_RECORDS, ...extra);
  }

  /** Without file records (engine/file-records.ts), every probe hashes every file: the cases above count that. */
  const NO_RECORDS = { RUNBOOK_RECORD_DIR: 'off' };

  async function tracedWith(env: NodeJS.ProcessEnv, ...extra: string[]): Promise<{ programs: string[]; forks: number; roundTrips: number; changed: number }> {
    const { programs, forks, run } = await tracedRun(playbook, extra, env);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const recap = run.events.find((e) => e.type === 'recap')!;
    return { programs, forks, roundTrips: recap.transport.procs01.roundTrips, changed: run.recap!.procs01.changed };
  }

  async function tracedRun(playbookFile: string, extra: string[], env: NodeJS.ProcessEnv = NO_RECORDS): Promise<{ programs: string[]; forks: number; run: Awaited<ReturnType<typeof runbook>> }> {
    const sshd = sandbox.hosts[0].pid;
    const out = mkdtempSync(join(sandbox.dir, 'strace-'));
    const strace: ChildProcess = spawn('strace', ['-ff', '-qq', '-e', 'trace=execve,fork,vfork,clone,clone3', '-e', 'signal=none', '-o', join(out, 'trace'), '-p', String(sshd)], { stdio: 'ignore' });
    const exited = new Promise((resolve) => strace.once('exit', resolve));
    let run;
    try {
      // Attached once the kernel names strace as the tracer; only then does the run start.
      for (let i = 0; !/^TracerPid:\s+[1-9]/m.test(readFileSync(`/proc/${sshd}/status`, 'utf8')); i++) {
        assert.ok(i < 1000 && strace.exitCode === null, 'strace did not attach to the sandbox sshd');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      run = await runbook(['apply', inventory, playbookFile, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra], { env });
    } finally {
      strace.kill('SIGINT');
      await exited;
    }
    // Each file: one process's calls, in order; processes in the order they were created (PIDs grow).
    const files = readdirSync(out).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
    const lines = files.flatMap((file) => readFileSync(join(out, file), 'utf8').split('\n'));
    rmSync(out, { recursive: true, force: true });
    // execve("/usr/bin/stat", ["stat", ...], ...) = 0; a failed lookup (= -1 ENOENT) ran nothing.
    const programs = lines.filter((l) => l.startsWith('execve(') && / = 0$/.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1].split('/').pop()!);
    const forks = lines.filter((l) => /^(fork|vfork|clone|clone3)\(.* = \d+$/.test(l)).length;
    return { programs, forks, run };
  }

  const count = (programs: string[], name: string) => programs.filter((p) => p === name).length;

  it('first apply: one login shell per round trip, the tools the changes need, nothing that frames or waits', async () => {
    const { programs, forks, roundTrips, changed } = await traced();
    assert.equal(changed, 31, 'the bench playbook changes 30 tasks and runs its handler');
    assert.equal(roundTrips, 12);
    assert.equal(count(programs, 'bash'), roundTrips, `one login shell per round trip: ${programs.join(' ')}`);
    // A fact probe runs in sh; its time limit costs no process (a guard only for a probe at half its time,
    // SshTransport.runStoppedAt). 5 probes: the first, and one after each of the first four
    // commands (the fifth is the last task to look).
    assert.deepEqual([count(programs, 'timeout'), count(programs, 'sh')], [0, 5], programs.join(' '));
    assert.deepEqual(FRAMING.filter((p) => programs.includes(p)), [], `framing or waiting programs ran on the host: ${programs.join(' ')}`);
    // 20 files written: head (the bytes), chmod, mv each; 5 directories: mkdir, chmod each.
    assert.equal(count(programs, 'head'), 20);
    assert.equal(count(programs, 'mv'), 20);
    // sshd's re-exec, the shells, 20 files x 3, 5 directories x 2, the 5 commands' own programs,
    // and at most 3 per probe (sh, stat, sha256sum): 5 probes in this run.
    const budget = 1 + roundTrips + 20 * 3 + 5 * 2 + 5 + 5 * 3;
    assert.ok(programs.length <= budget, `${programs.length} programs ran on the host, budget ${budget}: ${programs.join(' ')}`);
    assert.ok(forks <= budget + 2, `${forks} processes created on the host, budget ${budget + 2} (sshd's two children besides its re-exec): ${programs.join(' ')}`);
  });

  it('a playbook that fails preflight: its error with file:line, exit 1, no command on the host (connections opened meanwhile are closed)', async () => {
    // The first task asks the host for facts, so the run opens its connection while preflight runs (engine/early.ts).
    const bad = join(sandbox.dir, 'bad.yaml');
    writeFileSync(bad, ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: first', '      file: { path: /srv/early, state: directory }', '    - name: second', '      file: { path: "{{ not_defined_anywhere }}", state: directory }', ''].join('\n'));
    const { programs, run } = await tracedRun(bad, []);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.equal(run.stderr.trim(), `runbook: error: ${bad}:6:7: undefined variable 'not_defined_anywhere' in task 'second'`);
    assert.equal(run.stdout, '');
    // At most sshd's own re-exec for a connection opened meanwhile: no shell, no command.
    assert.deepEqual(programs.filter((p) => p !== 'sshd'), [], programs.join(' '));
  });

  it('no-op rerun: the handshake, one shell and the probe\'s own tools, no process more', async () => {
    const { programs, forks, roundTrips, changed } = await traced();
    assert.equal(changed, 0);
    assert.equal(roundTrips, 1);
    // sshd re-executes itself for the connection; the login shell execs the probe's sh: one stat
    // over every path (link targets included), one sha256sum over the regular files. Sections are
    // functions of that sh, not subshells; the probe's time limit costs no process.
    assert.deepEqual([...programs].sort(), ['bash', 'sh', 'sha256sum', 'sshd', 'stat'], programs.join(' '));
    // Processes created: sshd's child for the connection, its privilege-separated child, the
    // session (bash, exec'ing sh), and sh's stat and sha256sum. Nothing else forks.
    assert.equal(forks, 5, programs.join(' '));
  });
  it('no-op rerun with file records: the handshake, one shell and one stat, no hash', async () => {
    const records = mkdtempSync(join(sandbox.dir, 'records-'));
    const env = { RUNBOOK_RECORD_DIR: records };
    // Every file the playbook wrote changed more than 2 s ago (settled): this no-op hashes and records them all.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const recording = await tracedWith(env);
    assert.deepEqual([recording.changed, recording.roundTrips, recording.programs.includes('sha256sum')], [0, 1, true]);
    const recorded = readdirSync(records);
    assert.equal(recorded.length, 1, 'one records file for the one target');
    assert.equal(Object.keys(JSON.parse(readFileSync(join(records, recorded[0]), 'utf8')).files).length, 23, 'the 15 copied files, the 5 templates and the 3 files commands made (their creates: paths)');

    // The next no-op asks stat alone: each file's identity is the one recorded, so its content is.
    const { programs, forks, roundTrips, changed } = await tracedWith(env);
    assert.deepEqual([changed, roundTrips], [0, 1]);
    assert.deepEqual([...programs].sort(), ['bash', 'sh', 'sshd', 'stat'], programs.join(' '));
    assert.equal(forks, 4, programs.join(' '));
  });
});
