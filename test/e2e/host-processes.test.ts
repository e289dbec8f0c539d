import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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

  /** Runs runbook with strace on the host's sshd; the programs executed on the host, in order. */
  async function traced(...extra: string[]): Promise<{ programs: string[]; roundTrips: number; changed: number }> {
    const sshd = sandbox.hosts[0].pid;
    const out = join(sandbox.dir, `strace-${Date.now()}.txt`);
    const strace: ChildProcess = spawn('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'signal=none', '-o', out, '-p', String(sshd)], { stdio: 'ignore' });
    const exited = new Promise((resolve) => strace.once('exit', resolve));
    let run;
    try {
      // Attached once the kernel names strace as the tracer; only then does the run start.
      for (let i = 0; !/^TracerPid:\s+[1-9]/m.test(readFileSync(`/proc/${sshd}/status`, 'utf8')); i++) {
        assert.ok(i < 1000 && strace.exitCode === null, 'strace did not attach to the sandbox sshd');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra]);
    } finally {
      strace.kill('SIGINT');
      await exited;
    }
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const lines = readFileSync(out, 'utf8').split('\n');
    rmSync(out, { force: true });
    // 1234  execve("/usr/bin/stat", ["stat", ...], ...) = 0; a failed lookup (= -1 ENOENT) ran nothing.
    const programs = lines.filter((l) => l.includes('execve(') && / = 0$/.test(l)).map((l) => /execve\("([^"]+)"/.exec(l)![1].split('/').pop()!);
    const recap = run.events.find((e) => e.type === 'recap')!;
    return { programs, roundTrips: recap.transport.procs01.roundTrips, changed: run.recap!.procs01.changed };
  }

  const count = (programs: string[], name: string) => programs.filter((p) => p === name).length;

  it('first apply: one login shell per round trip, the tools the changes need, nothing that frames or waits', async () => {
    const { programs, roundTrips, changed } = await traced();
    assert.equal(changed, 31, 'the bench playbook changes 30 tasks and runs its handler');
    assert.equal(roundTrips, 12);
    assert.equal(count(programs, 'bash'), roundTrips, `one login shell per round trip: ${programs.join(' ')}`);
    // A fact probe has a time limit the host enforces: coreutils timeout running it in sh. 5 probes:
    // the first, and one after each of the first four commands (the fifth is the last task to look).
    assert.deepEqual([count(programs, 'timeout'), count(programs, 'sh')], [5, 5], programs.join(' '));
    assert.deepEqual(FRAMING.filter((p) => programs.includes(p)), [], `framing or waiting programs ran on the host: ${programs.join(' ')}`);
    // 20 files written: head (the bytes), chmod, mv each; 5 directories: mkdir, chmod each.
    assert.equal(count(programs, 'head'), 20);
    assert.equal(count(programs, 'mv'), 20);
    // sshd's re-exec, the shells, 20 files x 3, 5 directories x 2, the 5 commands' own programs,
    // and at most 5 per probe (timeout, sh, stat, xargs, sha256sum): 5 probes in this run.
    const budget = 1 + roundTrips + 20 * 3 + 5 * 2 + 5 + 5 * 5;
    assert.ok(programs.length <= budget, `${programs.length} programs ran on the host, budget ${budget}: ${programs.join(' ')}`);
  });

  it('no-op rerun: the handshake, one shell and the probe\'s own tools', async () => {
    const { programs, roundTrips, changed } = await traced();
    assert.equal(changed, 0);
    assert.equal(roundTrips, 1);
    // sshd re-executes itself for the connection; the login shell runs the probe under its time
    // limit (timeout, sh): stat, readlink for the tree's one link (run/etc-link), then xargs
    // running sha256sum over the regular files.
    assert.deepEqual([...programs].sort(), ['bash', 'readlink', 'sh', 'sha256sum', 'sshd', 'stat', 'timeout', 'xargs'], programs.join(' '));
  });
});
