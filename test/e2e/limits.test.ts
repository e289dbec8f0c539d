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
