import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { runbook, startRunbook, statuses } from './cli.js';
import { killPids, noProcessLeft, processesUnder, processTable, sleepOnEveryHost, waitFor } from './processes.js';


describe('hardening: interrupts, lost hosts, temp files, bad input, keys, known_hosts, secrets', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let inventory: string;
  const playbook = (name: string, text: string) => {
    const file = join(sandbox.dir, name);
    writeFileSync(file, text);
    return file;
  };
  const base = (file: string, ...more: string[]) => ['apply', inventory, file, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...more];
  const sshd = (host: string) => sandbox.host(host).pid;

  before(async () => {
    sandbox = await Sandbox.start({ count: 3, prefix: 'hard' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());

  it('SIGINT stops starting tasks, kills what runs on the hosts, prints the recap with interrupted hosts, exits 130', async () => {
    const file = playbook('sleep.yaml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: sleep 60; touch /srv/slept\n    - copy: {dest: /srv/after-interrupt, content: "x\\n"}\n`);
    const { child, done } = startRunbook(base(file));
    const sleeping = await sleepOnEveryHost(sandbox.hosts);
    child.kill('SIGINT');
    const run = await done;
    try {
      assert.equal(run.code, 130, run.stderr);
      for (const h of sandbox.hosts) {
        assert.equal(run.recap![h.name].interrupted, true, `${h.name} not marked interrupted`);
        assert.equal((await sandbox.fileInfo(h.name, '/srv/after-interrupt')).exists, false, 'a task started after the interrupt');
        assert.equal((await sandbox.fileInfo(h.name, '/srv/slept')).exists, false);
        // runbook closed its connections: nothing of its session is left under the host's sshd.
        assert.deepEqual(await noProcessLeft(h.pid), []);
      }
    } finally {
      killPids(sleeping.map((p) => p.pid));
    }
  });

  it('a second SIGINT exits at once, without waiting for a command that ignores SIGTERM', async () => {
    const file = playbook('stubborn.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - shell: trap '' TERM; sleep 60\n`);
    const { child, done } = startRunbook(base(file));
    const sleeping = await waitFor('the sleep', () => {
      const found = processesUnder(sshd('hard01')).filter((p) => p.comm === 'sleep');
      return found.length > 0 ? found : undefined;
    });
    const stubborn = processesUnder(sshd('hard01')).map((p) => p.pid);
    try {
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      const run = await done;
      assert.equal(run.code, 130);
      assert.match(run.stderr, /again: exiting now/);
      assert.equal(run.recap, undefined, 'the second signal waited for the recap');
    } finally {
      killPids([...stubborn, ...sleeping.map((p) => p.pid)]);
    }
  });

  it('SIGTERM during a write: exit 143, no partial file and no temp file on the host', async () => {
    const big = join(sandbox.dir, 'big-term.bin');
    writeFileSync(big, randomBytes(64 * 1024 * 1024));
    const file = playbook('big-term.yaml', `- hosts: hard02\n  gather_facts: false\n  tasks:\n    - copy: {src: ${big}, dest: /srv/big-term.bin}\n`);
    const { child, done } = startRunbook(base(file));
    // Inside the host: the moment runbook's temp file holds part of the content, signal runbook.
    const watcher = sandbox.run('hard02', `while :; do for f in /srv/.runbook.*; do [ -f "$f" ] || continue; s=$(stat -c %s "$f"); if [ "$s" -gt 0 ] && [ "$s" -lt 33554432 ]; then kill -TERM ${child.pid}; echo "$s"; exit 0; fi; done; done`);
    const [observed, run] = await Promise.all([watcher, done]);
    assert.ok(Number(observed.stdout) > 0, `the signal came from an observed partial write: ${observed.stdout}`);
    assert.equal(run.code, 143, run.stderr);
    assert.equal(run.recap!['hard02'].interrupted, true);
    const left = await waitFor('the temp file removed', async () => {
      const listing = (await sandbox.run('hard02', 'ls -a /srv')).stdout;
      return /\.runbook\./.test(listing) ? undefined : listing;
    }, 10_000);
    assert.doesNotMatch(left, /big-term\.bin/, 'a write that was rolled back left a file');
  });

  it('a host whose connection is lost mid-task is unreachable (exit 3), with the reason', async () => {
    const file = playbook('lost.yaml', `- hosts: hard03\n  gather_facts: false\n  tasks:\n    - shell: sleep 60\n`);
    const { done } = startRunbook(base(file));
    const sleeping = await waitFor('the sleep', () => {
      const found = processesUnder(sshd('hard03')).filter((p) => p.comm === 'sleep');
      return found.length > 0 ? found : undefined;
    });
    // The host's side of the connection dies: sshd's session process for it, found by PID.
    const sessions = processTable();
    const sessionPids = [...sessions].filter(([, p]) => p.ppid === sshd('hard03')).map(([pid]) => pid);
    killPids(sessionPids);
    const run = await done;
    killPids(sleeping.map((p) => p.pid));
    assert.equal(run.code, 3, run.stdout);
    assert.equal(run.recap!['hard03'].unreachable, true);
    assert.equal(run.recap!['hard03'].failed, 0);
    const lost = run.events.find((e) => e.type === 'host_unreachable');
    assert.match(lost!.message, /connection lost/);
  });

  it('keepalive finds a frozen host (SIGSTOP) and makes it unreachable', async () => {
    const file = playbook('frozen.yaml', `- hosts: hard03\n  gather_facts: false\n  tasks:\n    - shell: sleep 120\n`);
    const { done } = startRunbook(base(file, '--keepalive', '3'));
    const sleeping = await waitFor('the sleep', () => {
      const found = processesUnder(sshd('hard03')).filter((p) => p.comm === 'sleep');
      return found.length > 0 ? found : undefined;
    });
    const frozen = [sshd('hard03'), ...processesUnder(sshd('hard03')).map((p) => p.pid)];
    killPids(frozen, 'SIGSTOP');
    let run;
    try {
      run = await done;
    } finally {
      killPids(sleeping.map((p) => p.pid));
      killPids(frozen, 'SIGCONT');
    }
    assert.equal(run.code, 3, run.stdout);
    assert.equal(run.recap!['hard03'].unreachable, true);
    assert.match(run.events.find((e) => e.type === 'host_unreachable')!.message, /keepalive/);
  });

  it("removes a crashed run's stale temp files on the next write to the directory, and nothing else", async () => {
    const live = sshd('hard01'); // a running process: its temp file would be a write in progress
    await sandbox.run('hard01', `mkdir -p /srv/stale && cd /srv/stale && head -c 1000 /dev/zero > .runbook.999999999.0a1b2c3d4e5f && echo keep > .runbook.notes && echo keep > .runbook.${live}.0a1b2c3d4e5f && echo keep > .runbookish`);
    const file = playbook('stale.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/stale/new, content: "new\\n"}\n`);
    const run = await runbook(base(file));
    assert.equal(run.code, 0, run.stdout);
    const listing = (await sandbox.run('hard01', 'ls -A /srv/stale')).stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(listing, [`.runbook.${live}.0a1b2c3d4e5f`, '.runbook.notes', '.runbookish', 'new']);
  });

  it('command output kept in memory is capped; the rest is counted and reported', async () => {
    const file = playbook('loud.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - shell: head -c 12582912 /dev/zero | tr '\\\\0' a\n      register: loud\n    - copy: {dest: /srv/loud-length, content: "{{ loud.stdout | length }} {{ loud.stdout_dropped_bytes }}\\n"}\n`);
    const run = await runbook(base(file));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = run.events.find((e) => e.type === 'task_result' && e.task.startsWith('shell'));
    assert.match(result!.message, /output truncated: 2097152 bytes of stdout past 10 MiB/);
    assert.equal((await sandbox.fileInfo('hard01', '/srv/loud-length')).content?.toString(), '10485760 2097152\n');
  });

  it('copy_from_host streams the file between hosts (never whole in memory): same bytes, owner and mode; a rerun changes nothing', async () => {
    await sandbox.run('hard01', 'head -c 25165824 /dev/urandom > /srv/relay.bin && chown nobody /srv/relay.bin && chmod 0640 /srv/relay.bin');
    for (const host of ['hard02', 'hard03']) await sandbox.run(host, 'rm -f /srv/relay.bin');
    await sandbox.run('hard01', 'rm -f /srv/relay-note /srv/relay-note.copy');
    const file = playbook(
      'relay.yaml',
      [
        '- hosts: hard01',
        '  gather_facts: false',
        '  tasks:',
        '    - copy: {dest: /srv/relay-note, content: "written just before\\n"}',
        '    - name: From a file queued on the same host a moment ago',
        '      copy_from_host: {from_host: hard01, src: /srv/relay-note, dest: /srv/relay-note.copy}',
        '- hosts: hard02:hard03',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Big file from hard01',
        '      copy_from_host: {from_host: hard01, src: /srv/relay.bin}',
        '',
      ].join('\n'),
    );
    const run = await runbook(base(file));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const original = (await sandbox.run('hard01', 'sha256sum < /srv/relay.bin && stat -c "%U %a %s" /srv/relay.bin')).stdout;
    for (const host of ['hard02', 'hard03']) {
      assert.equal((await sandbox.run(host, 'sha256sum < /srv/relay.bin && stat -c "%U %a %s" /srv/relay.bin')).stdout, original, host);
      assert.equal((await sandbox.run(host, 'ls -a /srv | grep -c "^.runbook" || true')).stdout, '0\n', `${host}: a temp file is left`);
    }
    assert.equal((await sandbox.fileInfo('hard01', '/srv/relay-note.copy')).content?.toString(), 'written just before\n');
    const again = await runbook(base(file));
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const host of ['hard01', 'hard02', 'hard03']) assert.equal(again.recap![host].changed, 0, `${host} changed on the rerun`);
  });

  it('a big template (rendered in pieces, streamed to the host) arrives byte for byte on every host; a rerun changes nothing', async () => {
    // 6 MiB: literal text with multi-byte characters around a variable, a loop and a {% set %} block.
    const block = '{{ inventory_hostname }} é ✓ 😀 {% for n in [1, 2] %}{{ n }}{% endfor %} {% set x %}{{ inventory_hostname | upper }}{% endset %}{{ x }}\n' + 'z'.repeat(4000) + '\n';
    const expected = (host: string) => Buffer.from(`${host} é ✓ 😀 12 ${host.toUpperCase()}\n${'z'.repeat(4000)}\n`.repeat(1500) + 'end\n');
    const templateFile = join(sandbox.dir, 'big-template.j2');
    writeFileSync(templateFile, `${block.repeat(1500)}end\n`);
    const file = playbook('big-template.yaml', `- hosts: hard02:hard03\n  gather_facts: false\n  tasks:\n    - template: {src: ${templateFile}, dest: /srv/big-template.txt, mode: '0640'}\n`);
    for (const host of ['hard02', 'hard03']) await sandbox.run(host, 'rm -f /srv/big-template.txt');
    const run = await runbook(base(file));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const host of ['hard02', 'hard03']) {
      const info = await sandbox.fileInfo(host, '/srv/big-template.txt');
      assert.ok(info.content?.equals(expected(host)), `${host}: content differs (${info.content?.length} bytes)`);
      assert.equal(info.mode, '0640');
    }
    const again = await runbook(base(file));
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const host of ['hard02', 'hard03']) assert.equal(again.recap![host].changed, 0, `${host} changed on the rerun`);
  });

  it('ignore_errors applies to a failed queued change; the host goes on', async () => {
    const file = playbook('ignored.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - name: Into a missing directory\n      copy: {dest: /srv/no-such-dir/x, content: "x\\n"}\n      ignore_errors: true\n    - name: After\n      copy: {dest: /srv/after-ignored, content: "after\\n"}\n`);
    await sandbox.run('hard01', 'rm -rf /srv/no-such-dir /srv/after-ignored');
    const run = await runbook(base(file));
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(statuses(run, 'hard01'), { 'Into a missing directory': 'ok', After: 'changed' });
    assert.equal((await sandbox.fileInfo('hard01', '/srv/after-ignored')).content?.toString(), 'after\n');
    assert.equal(run.recap!['hard01'].failed, 0);
  });

  it('a dry-run predicts the failures it can see: missing parent directory, dest a directory, unknown owner or group', async () => {
    const file = playbook('doomed.yaml', [
      '- hosts: hard02',
      '  gather_facts: false',
      '  tasks:',
      '    - name: Missing parent',
      '      copy: {dest: /srv/missing-parent/x, content: "x\\n"}',
      '      ignore_errors: true',
      '    - name: Dest is a directory',
      '      copy: {dest: /srv, content: "x\\n"}',
      '      ignore_errors: true',
      '    - name: Unknown owner',
      '      copy: {dest: /srv/owned, content: "x\\n", owner: nosuchuser}',
      '      ignore_errors: true',
      '    - name: Unknown group',
      '      copy: {dest: /srv/grouped, content: "x\\n", group: nosuchgroup}',
      '',
    ].join('\n'));
    const dry = await runbook(base(file, '--check'));
    const apply = await runbook(base(file));
    for (const run of [dry, apply]) {
      assert.equal(run.code, 2, run.stdout);
      const messages = Object.fromEntries(run.events.filter((e) => e.type === 'task_result').map((e) => [e.task, e.message]));
      assert.match(messages['Missing parent'], /failed, ignored: .*(parent directory \/srv\/missing-parent does not exist|No such file)/);
      assert.match(messages['Dest is a directory'], /failed, ignored: .*directory/);
      assert.match(messages['Unknown owner'], /failed, ignored: .*nosuchuser/);
      assert.match(messages['Unknown group'], /nosuchgroup/);
      assert.equal(run.recap!['hard02'].failed, 1);
    }
  });

  describe('bad input that would reach hosts: exit 1 before any host is touched', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['empty dest', `    - copy: {dest: "", content: x}\n`, /dest.*must not be empty/],
      ['relative dest', `    - copy: {dest: relative/file, content: x}\n`, /dest.*must be an absolute path/],
      ['relative dest after templating', `    - copy: {dest: "{{ where }}", content: x}\n      vars: {where: relative}\n`, /dest.*must be an absolute path/],
      ['a list where a command line is required', `    - command: "{{ [1, 2] }}"\n`, /'cmd'.*must be a string, got a list/],
    ];
    for (const [what, task, pattern] of cases) {
      it(what, async () => {
        const before = sandbox.hosts.map((h) => sandbox.connectionsAccepted(h.name));
        const file = playbook('bad.yaml', `- hosts: all\n  gather_facts: false\n  tasks:\n${task}`);
        const run = await runbook(base(file));
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(run.stderr, pattern);
        assert.match(run.stderr, /bad\.yaml:\d+:\d+/);
        assert.deepEqual(sandbox.hosts.map((h) => sandbox.connectionsAccepted(h.name)), before, 'a host was contacted');
      });
    }

    it('a YAML alias bomb is a clear error, not an exhausted heap', async () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      const file = playbook('bomb.yaml', `- hosts: all\n  gather_facts: false\n  vars:\n${levels.map((l) => `    ${l}`).join('\n')}\n  tasks:\n    - copy: {dest: /srv/bomb, content: "{{ j | to_json }}"}\n`);
      const run = await runbook(base(file));
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /bomb\.yaml.*aliases expand to more than/);
    });
  });

  describe('private keys are checked before the first connection', () => {
    const withKey = (name: string, key: string) => {
      const inv = join(sandbox.dir, `${name}-inventory.yaml`);
      writeFileSync(inv, sandbox.inventoryYaml().replaceAll(sandbox.keyFile, key));
      return inv;
    };
    const simple = () => playbook('simple.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/by-key, content: "k\\n"}\n`);

    it('a passphrase-protected key without ssh-agent or terminal: exit 1 naming the file, hint to use ssh-agent', async () => {
      const key = join(sandbox.dir, 'locked_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'hunter2', '-f', key]);
      const run = await runbook(['apply', withKey('locked', key), simple(), '--known-hosts', sandbox.knownHostsFile], { env: { SSH_AUTH_SOCK: '' } });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`private key ${key} is protected by a passphrase.*ssh-add`));
      assert.doesNotMatch(run.stdout, /hard01/);
    });

    it('an unparsable key: exit 1 naming the file', async () => {
      const key = join(sandbox.dir, 'garbage_key');
      writeFileSync(key, 'this is not a key\n', { mode: 0o600 });
      const run = await runbook(['apply', withKey('garbage', key), simple(), '--known-hosts', sandbox.knownHostsFile], { env: { SSH_AUTH_SOCK: '' } });
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`private key ${key} cannot be parsed.*ssh-agent`));
    });

    it('a passphrase-protected key held by ssh-agent is used through the agent', async () => {
      const key = join(sandbox.dir, 'agent_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'hunter2', '-f', key]);
      await sandbox.run('hard01', `cat >> /root/.ssh/authorized_keys`, readFileSync(`${key}.pub`));
      const socket = join(sandbox.dir, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      try {
        await waitFor('the agent socket', () => readdirSync(sandbox.dir).includes('agent.sock') || undefined, 10_000);
        const askpass = join(sandbox.dir, 'askpass.sh');
        writeFileSync(askpass, '#!/bin/sh\necho hunter2\n', { mode: 0o700 });
        execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdio: 'ignore' });
        const run = await runbook(['apply', withKey('agent', key), simple(), '--known-hosts', sandbox.knownHostsFile, '--output', 'json'], { env: { SSH_AUTH_SOCK: socket } });
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.equal((await sandbox.fileInfo('hard01', '/srv/by-key')).content?.toString(), 'k\n');
      } finally {
        agent.kill();
      }
    });
  });

  describe('known_hosts', () => {
    const keyLine = (host: string) => readFileSync(sandbox.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith(`[${sandbox.host(host).address}]`))!;
    const simple = () => playbook('kh.yaml', `- hosts: hard01\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/kh, content: "kh\\n"}\n`);
    const withKnownHosts = (text: string, ...more: string[]) => {
      const file = join(sandbox.dir, 'kh_known_hosts');
      writeFileSync(file, text);
      return runbook(['apply', inventory, simple(), '--known-hosts', file, '--output', 'json', ...more]);
    };

    it('@revoked is refused, even with --accept-new-host-keys', async () => {
      const [, type, blob] = keyLine('hard01').split(' ');
      const run = await withKnownHosts(`@revoked * ${type} ${blob}\n`, '--accept-new-host-keys');
      assert.equal(run.code, 3);
      assert.match(run.stdout, /is marked @revoked/);
      assert.doesNotMatch(readFileSync(join(sandbox.dir, 'kh_known_hosts'), 'utf8'), /^\[/m, 'a revoked key was recorded');
    });

    it('@cert-authority: a host known only through its CA, without a certificate, is refused naming the line and why, even with --accept-new-host-keys', async () => {
      const [name, type, blob] = keyLine('hard01').split(' ');
      const ca = `@cert-authority ${name.replace(/\.\d+\]/, '.*]')} ${type} ${blob}\n`;
      for (const more of [[], ['--accept-new-host-keys']]) {
        const run = await withKnownHosts(`# CA for the sandbox\n${ca}`, ...more);
        assert.equal(run.code, 3, run.stdout);
        assert.match(run.stdout, /kh_known_hosts:2 trusts a @cert-authority for \[127\.[\d.]+\]:\d+, but the host's certificate is not accepted: the host offers no host certificate \(host key ssh-ed25519 SHA256:\S+\); refusing to connect/);
        assert.equal(readFileSync(join(sandbox.dir, 'kh_known_hosts'), 'utf8'), `# CA for the sandbox\n${ca}`, 'a key was recorded');
      }
      // The host's own key beside the CA line: trusted as usual.
      assert.equal((await withKnownHosts(`${ca}${name} ${type} ${blob}\n`)).code, 0);
    });

    it('host patterns with * and ? match; a matching !pattern excludes', async () => {
      const [name, type, blob] = keyLine('hard01').split(' ');
      const wildcard = name.replace(/\.\d+\]/, '.*]').replace(/2222/, '222?');
      assert.equal((await withKnownHosts(`${wildcard} ${type} ${blob}\n`)).code, 0);
      const negated = await withKnownHosts(`${wildcard},!${name} ${type} ${blob}\n`);
      assert.equal(negated.code, 3);
      assert.match(negated.stdout, /is unknown/);
    });
  });

  describe('secrets', () => {
    it('an unnamed task is named without its content; a no_log task shows neither its command nor its paths', async () => {
      const file = playbook('secrets.yaml', [
        '- hosts: hard01',
        '  gather_facts: false',
        '  tasks:',
        // Readable by its owner only: --diff shows its checksum, so only the task name could leak it.
        '    - copy: {dest: /srv/secret-name, content: "s3cr3t-content\\n", mode: "0600"}',
        '    - copy: {dest: "/srv/{{ item }}", content: "x\\n"}',
        '      loop: [s3cr3t-item]',
        '      no_log: true',
        '    - copy: {dest: "/srv/no-dir-{{ item }}/x", content: "x\\n"}',
        '      loop: [s3cr3t-path]',
        '      no_log: true',
        '      ignore_errors: true',
        '    - shell: echo s3cr3t-command; false',
        '      no_log: true',
        '',
      ].join('\n'));
      for (const output of ['json', 'plain']) {
        await sandbox.run('hard01', 'rm -f /srv/secret-name /srv/s3cr3t-item');
        const run = await runbook(['apply', inventory, file, '--known-hosts', sandbox.knownHostsFile, '--output', output, '--diff']);
        assert.equal(run.code, 2, run.stdout);
        assert.match(run.stdout, /copy \/srv\/secret-name/);
        assert.doesNotMatch(run.stdout + run.stderr, /s3cr3t/, `a secret in ${output} output`);
      }
    });
  });
});

describe('handshake slots: dead hosts do not delay healthy ones', function () {
  this.timeout(240_000);
  it('with nine frozen hosts, the healthy host finishes before any frozen one times out', async () => {
    const sandbox = await Sandbox.start({ count: 10, prefix: 'slot' });
    const frozen = sandbox.hosts.slice(1).map((h) => h.pid);
    try {
      const inventory = join(sandbox.dir, 'inventory.yaml');
      sandbox.writeInventory(inventory);
      const file = join(sandbox.dir, 'one.yaml');
      writeFileSync(file, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/slot, content: "s\\n"}\n`);
      // A stopped sshd still completes TCP handshakes (the kernel does), then never answers.
      killPids(frozen, 'SIGSTOP');
      // free: under linear (the default) every host's task ends before any host goes on, so the
      // healthy host's queued write is made, and its result reported, only after the others time out.
      const run = await runbook(['apply', inventory, file, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--connect-timeout', '8', '--strategy', 'free']);
      assert.equal(run.code, 3);
      const order = run.events.filter((e) => e.type === 'task_result' || e.type === 'host_unreachable').map((e) => `${e.type}:${e.host}`);
      assert.equal(order[0], 'task_result:slot01', `the healthy host waited for dead handshakes: ${order.join(', ')}`);
      assert.equal(order.filter((o) => o.startsWith('host_unreachable')).length, 9);
    } finally {
      killPids(frozen, 'SIGCONT');
      await sandbox.stop();
    }
  });
});
