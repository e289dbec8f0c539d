import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { commandLine, keepersOf } from '../sandbox/proc.js';
import { runbook, startRunbook, statuses, type CliRun } from './cli.js';
import { killPids, processesUnder, waitFor as waitUntil } from './processes.js';

/**
 * Kept connections (--persist, ansible.cfg ControlPersist): a connection keeper process holds
 * each host's SSH connection between runs. Every keeper a test starts lives in the test's own
 * socket directory (RUNBOOK_PERSIST_DIR) and is found and killed by its PID (the PID namespace is
 * shared with other sandboxes: never by name).
 */
describe('kept connections (--persist): the connection keeper', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  let playbook: string;
  let root: string;
  const secret = 'sudo-pw-Zq83-persist-never-shown';
  /** The playbook's no-op: its probe, and the read-only command. */
  const NOOP_TRIPS = 2;
  let passwordFile: string;

  const dirs: string[] = [];
  const keeperDir = (name: string) => {
    const dir = join(root, name);
    dirs.push(dir);
    return dir;
  };
  const killKeepers = (dir: string) => {
    for (const pid of keepersOf(dir)) {
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };
  const accepted = (host: string) => (readFileSync(sandbox.host(host).logFile, 'utf8').match(/Accepted publickey/g) ?? []).length;
  const apply = (dir: string | undefined, extra: string[] = [], env: NodeJS.ProcessEnv = {}, hosts = 'ka01', knownHosts = sandbox.knownHostsFile) =>
    runbook(['apply', inventory, playbook, '--known-hosts', knownHosts, '--output', 'json', '--limit', hosts, ...extra], { env: { ...(dir ? { RUNBOOK_PERSIST_DIR: dir } : {}), ...env } });
  const transport = (run: CliRun, host = 'ka01') => run.events.find((e) => e.type === 'recap')!.transport[host];
  const waitFor = async (what: string, condition: () => boolean, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'ka' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    root = mkdtempSync(join(tmpdir(), 'runbook-persist-'));
    chmodSync(root, 0o700);
    passwordFile = join(root, 'become-password');
    writeFileSync(passwordFile, `${secret}\n`, { mode: 0o600 });
    playbook = join(sandbox.dir, 'persist.yml');
    writeFileSync(
      playbook,
      `- hosts: all
  gather_facts: false
  tasks:
    - name: A directory
      file: { path: /srv/kept, state: directory, mode: "0750" }
    - name: A file
      copy: { dest: /srv/kept/motd, content: "kept {{ inventory_hostname }}\\n", mode: "0640" }
    - name: Read back through sudo as another user
      command: cat /etc/hostname
      become: true
      become_user: nobody
      changed_when: false
`,
    );
  });
  afterEach(() => {
    for (const dir of dirs) killKeepers(dir);
  });
  after(async () => {
    for (const dir of dirs) killKeepers(dir);
    await sandbox?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a no-op rerun opens no new SSH connection, with the end state, recap and round trips of a fresh one', async () => {
    const dir = keeperDir('noop');
    // ka02: as today, fresh connections; ka01: kept.
    const freshFirst = await apply(undefined, [], {}, 'ka02');
    const freshNoop = await apply(undefined, [], {}, 'ka02');
    const first = await apply(dir, ['--persist', '60', '-vvvv']);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.deepEqual(first.recap!.ka01, freshFirst.recap!.ka02);
    assert.equal(transport(first).connections, 1);
    assert.equal(keepersOf(dir).length, 1, 'one keeper runs');
    const tree = await sandbox.treeHash('ka01');
    const logins = accepted('ka01');
    const noop = await apply(dir, ['--persist', '60', '-vvvv']);
    assert.equal(noop.code, 0, noop.stderr + noop.stdout);
    assert.deepEqual(noop.recap!.ka01, freshNoop.recap!.ka02);
    assert.equal(noop.recap!.ka01.changed, 0);
    assert.deepEqual(transport(noop), { connections: 0, roundTrips: transport(freshNoop, 'ka02').roundTrips, reused: 1 }, first.stderr + noop.stderr);
    assert.ok(transport(noop).roundTrips <= 2);
    assert.equal(accepted('ka01'), logins, 'sshd saw no new login');
    assert.equal(await sandbox.treeHash('ka01'), tree);
    // What a user sees: the recap says so.
    const plain = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'plain', '--limit', 'ka01', '--persist', '60'], { env: { RUNBOOK_PERSIST_DIR: dir } });
    assert.match(plain.stdout, /0 new connections, 1 kept connection reused, \d round trips?/);
    // Without the flag, as today: a fresh connection, no keeper asked.
    const without = await apply(dir);
    assert.deepEqual(transport(without), { connections: 1, roundTrips: transport(freshNoop, 'ka02').roundTrips });
  });

  it('ansible.cfg ssh_args with ControlMaster=auto and ControlPersist (ANSIBLE_SSH_ARGS too) keeps connections; ControlMaster=no does not', async () => {
    const dir = keeperDir('cfg');
    const cfgDir = join(root, 'cfg');
    mkdirSync(cfgDir, { mode: 0o700 });
    writeFileSync(join(cfgDir, 'ansible.cfg'), '[ssh_connection]\nssh_args = -C -o ControlMaster=auto -o ControlPersist=60s\n');
    const env = { ANSIBLE_CONFIG: join(cfgDir, 'ansible.cfg') };
    assert.equal(transport(await apply(dir, [], env)).connections, 1);
    assert.deepEqual(transport(await apply(dir, [], env)), { connections: 0, roundTrips: NOOP_TRIPS, reused: 1 });
    assert.deepEqual(transport(await apply(dir, [], { ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=1m' })), { connections: 0, roundTrips: NOOP_TRIPS, reused: 1 });
    assert.deepEqual(transport(await apply(dir, [], { ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o ControlPersist=60s' })), { connections: 1, roundTrips: NOOP_TRIPS });
    // The flag wins: 0 is off.
    assert.deepEqual(transport(await apply(dir, ['--persist', '0'], env)), { connections: 1, roundTrips: NOOP_TRIPS });
    const bad = await apply(dir, [], { ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=soon' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ControlPersist in ssh_args \(ANSIBLE_SSH_ARGS\) must be a number of seconds/);
  });

  it('--persist with a bad value exits 1 naming the flag, before any host is touched', async () => {
    const logins = accepted('ka01');
    for (const value of ['-5', 'abc', '10x', '']) {
      const run = await apply(keeperDir('bad'), ['--persist', value]);
      assert.equal(run.code, 1, value);
      assert.match(run.stderr, /--persist must be a number of seconds/, value);
    }
    assert.equal(accepted('ka01'), logins);
    assert.equal(keepersOf(join(root, 'bad')).length, 0);
  });

  it('the keeper closes an idle connection after the persist time and exits, its socket removed', async () => {
    const dir = keeperDir('idle');
    const run = await apply(dir, ['--persist', '1']);
    assert.equal(run.code, 0, run.stderr);
    const [pid] = keepersOf(dir);
    assert.ok(pid, 'a keeper runs after the run');
    // Detached: its stdio is /dev/null, so a CI job waiting for the run's output to close does not wait for it.
    for (const fd of [0, 1, 2]) assert.equal(readlinkSync(`/proc/${pid}/fd/${fd}`), '/dev/null');
    await waitFor('the keeper to exit', () => keepersOf(dir).length === 0);
    assert.equal(existsSync(join(dir, 'keeper.sock')), false);
  });

  it('two runs at once on one host: each has its own kept connection, so interrupting one leaves the other running', async () => {
    const dir = keeperDir('overlap');
    const play = (name: string, tasks: string) => {
      const file = join(root, name);
      writeFileSync(file, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
      return file;
    };
    // The first run's command lasts until the test ends it (its sleep killed by PID, after the
    // second run's interrupt): it is certainly running when the other run is interrupted.
    const slow = play('slow.yml', '    - name: Long\n      command: sh -c "sleep 300; exit 0"\n      changed_when: false\n    - name: After\n      command: "true"\n      changed_when: false\n');
    const doomed = play('doomed.yml', '    - name: Longer\n      command: sleep 120\n      changed_when: false\n');
    const start = (file: string) =>
      startRunbook(['apply', inventory, file, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--limit', 'ka01', '--persist', '60'], { env: { RUNBOOK_PERSIST_DIR: dir } });
    const sleepFor = (seconds: string) =>
      processesUnder(sandbox.host('ka01').pid).find((p) => p.comm === 'sleep' && commandLine(p.pid) === `sleep ${seconds}`)?.pid;
    const first = start(slow);
    const slowSleep = await waitUntil('the first run\'s sleep', () => sleepFor('300'));
    const second = start(doomed);
    await waitUntil('the second run\'s sleep', () => sleepFor('120'));
    second.child.kill('SIGINT');
    const interrupted = await second.done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    assert.equal(transport(interrupted).connections, 1, 'the second run could not share the first run\'s connection');
    assert.equal(sleepFor('120'), undefined, 'the interrupted run\'s command was stopped');
    assert.equal(sleepFor('300'), slowSleep, 'the other run\'s command outlived the interrupt');
    process.kill(slowSleep, 'SIGKILL');
    const finished = await first.done;
    assert.equal(finished.code, 0, finished.stderr);
    assert.deepEqual(statuses(finished, 'ka01'), { Long: 'ok', After: 'ok' });
    assert.equal(keepersOf(dir).length, 1, 'one keeper served both');
  });

  it('a killed keeper (stale socket) or a stopped one: the run still succeeds, on a fresh connection', async () => {
    const dir = keeperDir('dead');
    assert.equal((await apply(dir, ['--persist', '60'])).code, 0);
    const [killed] = keepersOf(dir);
    process.kill(killed, 'SIGKILL');
    await waitFor('the keeper to die', () => keepersOf(dir).length === 0);
    assert.ok(existsSync(join(dir, 'keeper.sock')), 'the socket is left behind');
    const afterKill = await apply(dir, ['--persist', '60']);
    assert.equal(afterKill.code, 0, afterKill.stderr);
    assert.equal(afterKill.recap!.ka01.changed, 0);
    assert.equal(transport(afterKill).connections, 1);
    // A new keeper took the stale socket's place, and serves the next run.
    assert.deepEqual(transport(await apply(dir, ['--persist', '60'])), { connections: 0, roundTrips: NOOP_TRIPS, reused: 1 });

    const [stopped] = keepersOf(dir);
    process.kill(stopped, 'SIGSTOP');
    try {
      const started = Date.now();
      const wedged = await apply(dir, ['--persist', '60', '-vvvv']);
      assert.equal(wedged.code, 0, wedged.stderr);
      assert.deepEqual(transport(wedged), { connections: 1, roundTrips: NOOP_TRIPS });
      assert.match(wedged.stderr, /no kept connection \(the connection keeper at .* did not answer within 5 s\): a fresh one/);
      assert.ok(Date.now() - started < 30_000);
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
  });

  it('an idle kept connection is not probed (a host silent meanwhile keeps it); a host that freezes while a kept command runs is lost after the keepalive time', async () => {
    const dir = keeperDir('frozen');
    const keepalive = ['--persist', '60', '--keepalive', '3'];
    assert.equal((await apply(dir, keepalive, {}, 'ka02')).code, 0);
    // Every sshd process of the kept connection stopped for twice the keepalive time while no run
    // holds it: probed, it would be lost (3 s without an answer) and the next run would connect afresh.
    const sessions = processesUnder(sandbox.host('ka02').pid).map((p) => p.pid);
    assert.ok(sessions.length > 0);
    killPids(sessions, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    killPids(sessions, 'SIGCONT');
    assert.deepEqual(transport(await apply(dir, keepalive, {}, 'ka02'), 'ka02'), { connections: 0, roundTrips: NOOP_TRIPS, reused: 1 });
    // A command running on the kept connection when its host freezes: the keeper probes it, and the run hears it is lost.
    const slow = join(root, 'frozen.yml');
    writeFileSync(slow, '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Long\n      command: sleep 60\n      changed_when: false\n');
    const run = startRunbook(['apply', inventory, slow, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--limit', 'ka02', ...keepalive], { env: { RUNBOOK_PERSIST_DIR: dir } });
    const sleeping = await waitUntil('the sleep', () => processesUnder(sandbox.host('ka02').pid).find((p) => p.comm === 'sleep'));
    const frozen = processesUnder(sandbox.host('ka02').pid).map((p) => p.pid);
    const started = Date.now();
    killPids(frozen, 'SIGSTOP');
    try {
      const lost = await Promise.race([run.done, new Promise<undefined>((resolve) => setTimeout(resolve, 30_000))]);
      if (!lost) {
        run.child.kill('SIGKILL');
        assert.fail('the run did not end within 30 s of its host freezing');
      }
      assert.ok(Date.now() - started < 20_000, `the frozen host was found after ${Date.now() - started} ms`);
      assert.equal(lost.code, 3, lost.stdout);
      assert.equal(lost.recap!.ka02.unreachable, true);
      assert.match(lost.stdout, /keepalive timeout/);
    } finally {
      killPids(frozen, 'SIGCONT');
      killPids([sleeping.pid]);
    }
  });

  it('files larger than the relay\'s window go both ways through a kept connection, byte for byte', async () => {
    const dir = keeperDir('window');
    const big = join(root, 'big.bin');
    // Three windows (1 MiB each way): the sender waits for acks, which come only every quarter window.
    writeFileSync(big, randomBytes(3 * 1024 * 1024 + 12_345));
    const play = join(root, 'window.yml');
    writeFileSync(play, `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: There\n      copy: { src: ${big}, dest: /srv/big.bin, mode: "0600" }\n    - name: Back\n      fetch: { src: /srv/big.bin, dest: ${join(root, 'fetched')}/, flat: true }\n`);
    const run = (await runbook(['apply', inventory, play, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--limit', 'ka02', '--persist', '60'], { env: { RUNBOOK_PERSIST_DIR: dir } }));
    assert.equal(run.code, 0, run.stdout);
    assert.equal(transport(run, 'ka02').connections, 1);
    const there = await sandbox.runBytes('ka02', 'cat /srv/big.bin');
    assert.ok(there.stdout.equals(readFileSync(big)), 'the copy on the host differs');
    assert.ok(readFileSync(join(root, 'fetched', 'big.bin')).equals(readFileSync(big)), 'the fetched file differs');
  });

  it('a relative --known-hosts means the run\'s own directory, not the one of the run that started the keeper', async () => {
    const dir = keeperDir('relative');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'hosts_here'), readFileSync(sandbox.knownHostsFile));
    // The keeper starts in the repository's directory (the first run's), where no hosts_here exists.
    assert.equal((await apply(dir, ['--persist', '60'])).code, 0);
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', 'hosts_here', '--output', 'json', '--limit', 'ka01', '--persist', '60'], { cwd: elsewhere, env: { RUNBOOK_PERSIST_DIR: dir } });
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.recap!.ka01.changed, 0);
    assert.equal(keepersOf(dir).length, 1);
  });

  it('a connection the host dropped is opened again; a known_hosts that changed means a fresh, verified connection', async () => {
    const dir = keeperDir('dropped');
    assert.equal((await apply(dir, ['--persist', '60'])).code, 0);
    // sshd's session process of the kept connection (a child of the host's sshd), by PID.
    const sessions = childrenOf(sandbox.host('ka01').pid);
    assert.ok(sessions.length > 0);
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    const again = await apply(dir, ['--persist', '60']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.recap!.ka01.changed, 0);
    assert.equal(transport(again).connections, 1);
    // known_hosts now holds another key for the host: the kept connection is not reused, and the new one is refused.
    const knownHosts = join(root, 'known_hosts_changed');
    const original = readFileSync(sandbox.knownHostsFile, 'utf8');
    writeFileSync(knownHosts, original);
    assert.deepEqual(transport(await apply(dir, ['--persist', '60'], {}, 'ka01', knownHosts)).connections, 1);
    assert.deepEqual(transport(await apply(dir, ['--persist', '60'], {}, 'ka01', knownHosts)), { connections: 0, roundTrips: NOOP_TRIPS, reused: 1 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'other_host_key')]);
    const otherKey = readFileSync(join(root, 'other_host_key.pub'), 'utf8').split(' ')[1];
    writeFileSync(knownHosts, original.replace(/ssh-ed25519 \S+/g, `ssh-ed25519 ${otherKey}`));
    const changed = await apply(dir, ['--persist', '60'], {}, 'ka01', knownHosts);
    assert.equal(changed.code, 3, changed.stdout);
    assert.equal(changed.recap!.ka01.unreachable, true);
  });

  it('a socket directory others may enter, or another user owns, is refused: a warning, fresh connections', async () => {
    const open = keeperDir('open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    const run = await apply(open, ['--persist', '60']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /\[WARNING\] kept connections are not used: .*open has mode 0755: others may enter it \(it must be 0700\); every host gets a fresh connection/);
    assert.deepEqual(transport(run), { connections: 1, roundTrips: NOOP_TRIPS });
    assert.deepEqual(readdirSync(open), [], 'no socket made there');
    assert.equal(keepersOf(open).length, 0);

    const foreign = keeperDir('foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, 65534, 65534);
    const other = await apply(foreign, ['--persist', '60']);
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stderr, /foreign belongs to uid 65534, not to this user/);
    assert.deepEqual(transport(other), { connections: 1, roundTrips: NOOP_TRIPS });
    assert.equal(keepersOf(foreign).length, 0);
  });

  it('the become password and the private key reach the keeper in memory only: not on disk, in its arguments, environment or any output', async () => {
    const dir = keeperDir('secret');
    const runs = [
      await apply(dir, ['--persist', '60', '--become-password-file', passwordFile, '-vvvv']),
      await apply(dir, ['--persist', '60', '--become-password-file', passwordFile, '-vvvv']),
      await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'plain', '--limit', 'ka01', '--persist', '60', '--become-password-file', passwordFile, '-vvvv'], { env: { RUNBOOK_PERSIST_DIR: dir } }),
    ];
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    assert.equal(transport(runs[1]).reused, 1, 'the second run went through the keeper');
    const key = readFileSync(sandbox.keyFile, 'utf8');
    const keyBody = key.split('\n')[1];
    const [pid] = keepersOf(dir);
    assert.ok(pid);
    const places = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
      readFileSync(`/proc/${pid}/environ`, 'utf8'),
      ...filesUnder(dir).map((file) => readFileSync(file, 'latin1')),
    ];
    for (const text of places) {
      assert.ok(!text.includes(secret), 'the become password shows');
      assert.ok(!text.includes(keyBody), 'the private key shows');
    }
    assert.deepEqual(readdirSync(dir), ['keeper.sock']);
  });
});

/** PIDs whose parent is `parent` (sshd's session processes of a sandbox host's sshd). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}
