import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses, totals } from './cli.js';

const HASH = '$6$e2esalt$T0pS3cr3tHashThatMustNeverBeShownAnywhere1234567890abcdefghijklmnopqrstuv';

describe('user and group on a real host: the dry-run predicts the accounts, the hash is never shown', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'acct' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());
  const args = (...more: string[]) => ['apply', inventory, join(fixtures, 'accounts', 'playbook.yaml'), '--known-hosts', sandbox.knownHostsFile, ...more];

  it('plans files owned by accounts the same run creates, changing nothing; apply makes them; the rerun is one round trip', async () => {
    const host = sandbox.hosts[0].name;
    const tree = await sandbox.treeHash(host);
    const dry = await runbook(args('--dry-run', '--diff', '-v', '--output', 'json'));
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.deepEqual(statuses(dry, host), {
      Group: 'changed', User: 'changed', 'Her own user, with her own group': 'changed', 'Owned by them': 'changed', 'Owned by the user-private group': 'changed', 'Password, again': 'ok',
      "Bob as useradd left him (Debian's default shell, no password is '!')": 'ok',
    });
    assert.equal(await sandbox.treeHash(host), tree, 'the dry-run changed the host');

    const apply = await runbook(args('--diff', '-v', '--output', 'json'));
    assert.equal(apply.code, 0, apply.stdout + apply.stderr);
    assert.equal(totals(apply.recap).changed, 5);
    assert.deepEqual(statuses(apply, host), statuses(dry, host), 'the dry-run predicted other statuses than the apply made');
    const owned = await sandbox.fileInfo(host, '/srv/e2e-owned');
    assert.deepEqual([owned.owner, owned.group, owned.mode], ['e2e-alice', 'e2e-ops', '0640']);
    const bob = await sandbox.fileInfo(host, '/srv/e2e-bob');
    assert.deepEqual([bob.owner, bob.group], ['e2e-bob', 'e2e-bob']);
    const shadow = await sandbox.run(host, 'getent shadow e2e-alice | cut -d: -f2');
    assert.equal(shadow.stdout.trim(), HASH);
    const passwd = await sandbox.run(host, 'getent passwd e2e-alice');
    assert.equal(passwd.stdout.trim(), 'e2e-alice:x:2711:2711::/home/e2e-alice:/bin/bash');

    const rerun = await runbook(args('--output', 'json'));
    assert.equal(totals(rerun.recap).changed, 0, rerun.stdout);
    const recapLine = rerun.events.find((e) => e.type === 'recap')!;
    assert.deepEqual(recapLine.transport[host], { connections: 1, roundTrips: 1 });

    for (const run of [dry, apply, rerun]) {
      assert.ok(!`${run.stdout}${run.stderr}`.includes('T0pS3cr3tHash'), 'the password hash appeared in the output');
    }
    const plain = await runbook(args('--diff', '-vvv', '--output', 'plain'));
    assert.ok(!`${plain.stdout}${plain.stderr}`.includes('T0pS3cr3tHash'), 'the password hash appeared in plain output');
  });
});
