import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, startRunbook, statuses } from './cli.js';

const dir = join(fixtures, 'failures');

describe('failures, become, host keys and bad input on real sshd hosts', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  const base = (playbook: string) => ['apply', inventory, join(dir, playbook), '--known-hosts', sandbox.knownHostsFile, '--output', 'json'];

  before(async () => {
    // VERBOSE: sshd logs each session it starts (sessionsStarted), so bad input can be shown to run nothing.
    sandbox = await Sandbox.start({ count: 3, prefix: 'node', becomeHosts: ['node03'], sshdConfig: 'LogLevel VERBOSE\n' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    // node03 logs in as 'deploy' and becomes root through sudo for every task.
    const data = yaml.load(sandbox.inventoryYaml()) as any;
    data.all.hosts.node03.ansible_become = true;
    writeFileSync(inventory, yaml.dump(data));
  });
  after(async () => sandbox?.stop());

  it('a failing command stops only its host (exit 2)', async () => {
    await sandbox.run('node02', 'touch /srv/fail-here');
    const run = await runbook(base('fail-on-one.yaml'));
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.recap!.node02.failed, 1);
    assert.equal(statuses(run, 'node02').After, undefined, 'node02 went on after its failure');
    assert.equal((await sandbox.fileInfo('node02', '/srv/after')).exists, false);
    for (const host of ['node01', 'node03']) {
      assert.equal(run.recap![host].failed, 0);
      assert.equal((await sandbox.fileInfo(host, '/srv/after')).content?.toString(), 'after\n');
    }
    await sandbox.run('node02', 'rm /srv/fail-here');
  });

  it('a queued change that fails is reported against its own task; later tasks do not run', async () => {
    const run = await runbook([...base('queued-failure.yaml'), '--limit', 'node01']);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(statuses(run, 'node01'), { 'First file': 'changed', 'Into a missing directory': 'failed' });
    const failed = run.events.find((e) => e.type === 'task_result' && e.status === 'failed');
    assert.match(failed!.message, /no-such-dir/);
    assert.equal((await sandbox.fileInfo('node01', '/srv/qa')).content?.toString(), 'a\n');
    assert.equal((await sandbox.fileInfo('node01', '/srv/qc')).exists, false, 'a task after the failure was applied');
    assert.deepEqual([run.recap!.node01.changed, run.recap!.node01.failed], [1, 1]);
  });

  it('become: a login user without root rights writes root-owned files through sudo', async () => {
    const run = await runbook([...base('become.yaml'), '--limit', 'node03']);
    assert.equal(sandbox.host('node03').user, 'deploy');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const conf = await sandbox.fileInfo('node03', '/etc/become-test.conf');
    assert.deepEqual([conf.owner, conf.group, conf.mode, conf.content?.toString()], ['root', 'root', '0600', 'made through sudo\n']);
    assert.equal((await sandbox.fileInfo('node03', '/etc/login-user')).content?.toString(), 'deploy\n');
    const again = await runbook([...base('become.yaml'), '--limit', 'node03']);
    assert.equal(again.recap!.node03.changed, 0);
  });

  it('an unreachable host leaves the others to finish (exit 3)', async () => {
    const extra = await Sandbox.start({ count: 2, prefix: 'flaky' });
    try {
      const inv = join(extra.dir, 'inventory.yaml');
      extra.writeInventory(inv);
      await extra.stopHost('flaky02');
      const run = await runbook(['apply', inv, join(dir, 'fail-on-one.yaml'), '--known-hosts', extra.knownHostsFile, '--output', 'json']);
      assert.equal(run.code, 3, run.stderr);
      assert.equal(run.recap!.flaky02.unreachable, true);
      assert.equal(run.recap!.flaky01.failed, 0);
      assert.equal((await extra.fileInfo('flaky01', '/srv/after')).content?.toString(), 'after\n');
    } finally {
      await extra.stop();
    }
  });

  it('refuses unknown and changed host keys; --accept-new-host-keys records a new one', async () => {
    const knownHosts = join(sandbox.dir, 'empty_known_hosts');
    writeFileSync(knownHosts, '');
    const args = ['apply', inventory, join(dir, 'fail-on-one.yaml'), '--limit', 'node01', '--known-hosts', knownHosts, '--output', 'json'];
    const refused = await runbook(args);
    assert.equal(refused.code, 3);
    assert.match(refused.stdout, /host key for \[127\.[0-9.]+\]:\d+ is unknown \(ssh-ed25519 SHA256:/);
    const accepted = await runbook([...args, '--accept-new-host-keys']);
    assert.equal(accepted.code, 0, accepted.stdout);
    const recorded = (await import('node:fs')).readFileSync(knownHosts, 'utf8');
    assert.match(recorded, /^\[127\.[0-9.]+\]:\d+ ssh-ed25519 AAAA/);
    // Another host's key under node01's name: a changed key, always refused.
    const other = (await import('node:fs')).readFileSync(sandbox.knownHostsFile, 'utf8').split('\n').find((l) => l.includes(sandbox.host('node02').address))!;
    writeFileSync(knownHosts, `${recorded.split(' ')[0]} ${other.split(' ').slice(1).join(' ')}\n`);
    const changed = await runbook([...args, '--accept-new-host-keys']);
    assert.equal(changed.code, 3);
    assert.match(changed.stdout, /has CHANGED/);
  });

  it('a run killed in the middle of a transfer leaves no partial file and no temp file', async () => {
    const big = join(sandbox.dir, 'big.bin');
    writeFileSync(big, randomBytes(64 * 1024 * 1024));
    try {
      await sandbox.run('node01', 'rm -f /srv/big.bin');
      const { child, done } = startRunbook([...base('big-file.yaml'), '--limit', 'node01', '-e', `big_src=${big}`]);
      // Inside the host: the moment runbook's temp file holds part of the content (well short of
      // the whole, so the rest cannot already be in flight), kill runbook outright.
      const watcher = sandbox.run('node01', `while :; do for f in /srv/.runbook.*; do [ -f "$f" ] || continue; s=$(stat -c %s "$f"); if [ "$s" -gt 0 ] && [ "$s" -lt 33554432 ]; then kill -KILL ${child.pid}; echo "$s"; exit 0; fi; done; done`);
      const [observed, run] = await Promise.all([watcher, done]);
      assert.ok(Number(observed.stdout) > 0 && Number(observed.stdout) < 32 * 1024 * 1024, `killed at ${observed.stdout} bytes`);
      assert.equal(run.code, 128, 'runbook was not killed by the watcher');
      // The host notices the dropped connection a moment later: the short write fails its size check and the trap removes the temp file.
      let left = '';
      for (let i = 0; i < 100; i++) {
        left = (await sandbox.run('node01', 'ls -a /srv')).stdout;
        if (!/\.runbook\./.test(left)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.doesNotMatch(left, /\.runbook\./, 'temp file left behind');
      assert.equal((await sandbox.fileInfo('node01', '/srv/big.bin')).exists, false, 'a partial transfer was renamed into place');
    } finally {
      rmSync(big, { force: true });
    }
  });

  describe('bad input: a clear error with file:line, exit 1, no command on any host', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['invalid YAML', ['bad-yaml.yaml'], /bad-yaml\.yaml:\d+:\d+/],
      ['unknown module', ['unknown-module.yaml'], /unknown-module\.yaml:5:\d+.*fiel.*did you mean 'file'/],
      ['unknown argument', ['unknown-arg.yaml'], /unknown-arg\.yaml:\d+:\d+.*stat.*did you mean 'state'/],
      ['undefined variable', ['undefined-var.yaml'], /undefined-var\.yaml:\d+:\d+.*no_such_variable.*Broken/],
      ['pattern matching no host', ['no-host.yaml'], /no-host\.yaml:1:\d+.*databases/],
      ['missing template', ['missing-template.yaml'], /missing-template\.yaml:\d+:\d+.*nowhere\.j2/],
    ];
    for (const [what, files, pattern] of cases) {
      it(what, async () => {
        // Connections may open while preflight runs (engine/early.ts); no session may start before it passed.
        const before = sandbox.hosts.map((h) => sandbox.sessionsStarted(h.name));
        const run = await runbook(['apply', inventory, ...files.map((f) => join(dir, f)), '--known-hosts', sandbox.knownHostsFile]);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stderr, pattern);
        assert.equal(run.stdout, '');
        assert.deepEqual(sandbox.hosts.map((h) => sandbox.sessionsStarted(h.name)), before, 'a command ran on a host');
      });
    }

    it('sshd logs each session it starts (what the cases above count)', async () => {
      const file = join(sandbox.dir, 'one-command.yaml');
      writeFileSync(file, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
      const before = sandbox.hosts.map((h) => sandbox.sessionsStarted(h.name));
      const run = await runbook(['apply', inventory, file, '--known-hosts', sandbox.knownHostsFile]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(sandbox.hosts.map((h, i) => sandbox.sessionsStarted(h.name) - before[i]), [1, 1, 1]);
    });

    it('an unreachable host does not hide the playbook\'s error', async () => {
      const data = yaml.load(sandbox.inventoryYaml()) as any;
      data.all.hosts.refused = { ...data.all.hosts.node01, ansible_host: '127.0.0.1', ansible_port: 1 };
      const inv = join(sandbox.dir, 'with-refused.yaml');
      writeFileSync(inv, yaml.dump(data));
      const before = sandbox.hosts.map((h) => sandbox.sessionsStarted(h.name));
      const run = await runbook(['apply', inv, join(dir, 'undefined-var.yaml'), '--known-hosts', sandbox.knownHostsFile]);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /^runbook: error: \S*undefined-var\.yaml:\d+:\d+: undefined variable 'no_such_variable' in task 'Broken'\n$/);
      assert.equal(run.stdout, '');
      assert.deepEqual(sandbox.hosts.map((h) => sandbox.sessionsStarted(h.name)), before, 'a command ran on a host');
    });

    it('unreadable private key', async () => {
      const inv = join(sandbox.dir, 'bad-key-inventory.yaml');
      writeFileSync(inv, sandbox.inventoryYaml().replaceAll(sandbox.keyFile, join(sandbox.dir, 'no-such-key')));
      const run = await runbook(['apply', inv, join(dir, 'fail-on-one.yaml'), '--known-hosts', sandbox.knownHostsFile]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /bad-key-inventory\.yaml:\d+:\d+.*private key .*no-such-key.* cannot be read/);
    });

    it('unknown command-line flag', async () => {
      const run = await runbook(['apply', inventory, '--bogus-flag']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /bogus-flag/);
    });
  });
});
