import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, totals } from './cli.js';

/**
 * sshd's defaults, MaxStartups 10:30:100 and MaxSessions 10, drop handshakes and refuse channels
 * past 10. Thirty inventory hosts behind ONE sshd, all reading from the same connection at once,
 * must all get through: runbook caps concurrent handshakes and queues channels per connection.
 */
describe('thirty inventory hosts behind one default sshd', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'shared' });
    await sandbox.run('shared01', 'mkdir -p /srv/aliases && echo shared > /srv/shared.txt');
  });
  after(async () => sandbox?.stop());

  it('connects every alias and opens every channel without a drop', async () => {
    const one = (yaml.load(sandbox.inventoryYaml()) as any).all.hosts.shared01;
    const names = Array.from({ length: 30 }, (_, i) => `alias${String(i + 1).padStart(2, '0')}`);
    const inventory = join(sandbox.dir, 'aliases.yaml');
    writeFileSync(inventory, yaml.dump({ all: { hosts: Object.fromEntries(names.map((n) => [n, { ...one }])) } }));
    const before = sandbox.connectionsAccepted('shared01');
    const run = await runbook(['apply', inventory, join(fixtures, 'limits', 'fan-out.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    const unreachable = run.events.filter((e) => e.type === 'host_unreachable').map((e) => `${e.host}: ${e.message}`);
    assert.equal(run.code, 0, unreachable.join('\n') + run.stderr);
    assert.equal(totals(run.recap).changed, 30);
    assert.ok(Object.values(run.recap!).every((r) => !r.unreachable && r.failed === 0));
    assert.equal(sandbox.connectionsAccepted('shared01') - before, 30, 'one connection per inventory host');
    const listing = await sandbox.run('shared01', 'ls /srv/aliases');
    assert.deepEqual(listing.stdout.trim().split('\n'), names);
  });
});

/**
 * Big files streamed from one host to thirty: every destination reads the source over the
 * source host's one connection, whose sshd (MaxSessions 10) refuses channels past ten, and
 * counts closed ones until its next loop turn: closes and opens in one batch of packets went
 * over ten with eight channels at once ("no more sessions" in its log, "open failed" here).
 */
describe('a big file from one host to thirty destinations', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 3, prefix: 'fan' });
    // Just over the size that streams, so that channels on the source end and open often.
    for (const file of ['a', 'b', 'c']) await sandbox.run('fan01', `head -c 1200000 /dev/urandom > /srv/fan-${file}.bin`);
    for (const host of ['fan02', 'fan03']) await sandbox.run(host, 'mkdir -p /srv/fan');
  });
  after(async () => sandbox?.stop());

  it('reaches every destination with the same bytes, over one connection to the source', async () => {
    const hosts = (yaml.load(sandbox.inventoryYaml()) as any).all.hosts;
    // Thirty destinations, aliases of two sshds; the source is a third.
    const names = Array.from({ length: 30 }, (_, i) => `dest${String(i + 1).padStart(2, '0')}`);
    const behind = (name: string) => (Number(name.slice(4)) % 2 ? 'fan02' : 'fan03');
    const inventory = join(sandbox.dir, 'fan-out.yaml');
    writeFileSync(
      inventory,
      yaml.dump({ all: { hosts: { source: { ...hosts.fan01 } }, children: { destinations: { hosts: Object.fromEntries(names.map((n) => [n, { ...hosts[behind(n)] }])) } } } }),
    );
    const playbook = join(sandbox.dir, 'fan-out-play.yaml');
    writeFileSync(
      playbook,
      '- hosts: destinations\n  gather_facts: false\n  tasks:\n    - copy_from_host: {from_host: source, src: "/srv/fan-{{ item }}.bin", dest: "/srv/fan/{{ inventory_hostname }}-{{ item }}"}\n      loop: [a, b, c]\n',
    );
    const before = sandbox.connectionsAccepted('fan01');
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    const problems = run.events.filter((e) => e.type === 'host_unreachable' || e.status === 'failed').map((e) => `${e.host}: ${e.message ?? e.msg ?? JSON.stringify(e)}`);
    assert.equal(run.code, 0, problems.join('\n') + run.stderr);
    assert.equal(totals(run.recap).changed, 30);
    assert.equal(sandbox.connectionsAccepted('fan01') - before, 1, 'one connection to the source');
    const original = (await sandbox.run('fan01', 'cd /srv && sha256sum fan-a.bin fan-b.bin fan-c.bin')).stdout;
    for (const name of names) {
      const copies = await sandbox.run(behind(name), `cd /srv/fan && sha256sum ${name}-a ${name}-b ${name}-c`);
      assert.equal(copies.stdout, original.replace(/fan-(\w)\.bin/g, `${name}-$1`), name);
    }
  });
});

/** A hardened sshd (CIS benchmarks ask for MaxSessions 4 or less) has room for fewer channels than runbook opens. */
describe('a source host whose sshd allows two sessions per connection', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'tight', sshdConfig: 'MaxSessions 2\n' });
    await sandbox.run('tight01', 'head -c 2097152 /dev/urandom > /srv/tight.bin && mkdir -p /srv/tight');
  });
  after(async () => sandbox?.stop());

  it('still streams a big file to twelve destinations, fewer channels at once', async () => {
    const one = (yaml.load(sandbox.inventoryYaml()) as any).all.hosts.tight01;
    const names = Array.from({ length: 12 }, (_, i) => `tight${String(i + 1).padStart(2, '0')}`);
    const inventory = join(sandbox.dir, 'tight.yaml');
    writeFileSync(inventory, yaml.dump({ all: { hosts: Object.fromEntries(names.map((n) => [n, { ...one }])) } }));
    const playbook = join(sandbox.dir, 'tight-play.yaml');
    writeFileSync(playbook, '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy_from_host: {from_host: tight01, src: /srv/tight.bin, dest: "/srv/tight/{{ inventory_hostname }}"}\n');
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    const problems = run.events.filter((e) => e.type === 'host_unreachable' || e.status === 'failed').map((e) => `${e.host}: ${e.message ?? JSON.stringify(e)}`);
    assert.equal(run.code, 0, problems.join('\n') + run.stderr);
    assert.equal(totals(run.recap).changed, 12);
    const sums = await sandbox.run('tight01', 'cd /srv/tight && sha256sum * && sha256sum < /srv/tight.bin');
    const lines = sums.stdout.trim().split('\n');
    const original = lines.pop()!.split(' ')[0];
    assert.deepEqual(lines, names.map((n) => `${original}  ${n}`));
  });
});
