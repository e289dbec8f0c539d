import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses } from './cli.js';

describe('block / rescue / always on real hosts', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  const apply = () => runbook(['apply', inventory, join(fixtures, 'blocks', 'blocks.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
  const content = async (host: string, path: string) => (await sandbox.fileInfo(host, path)).content?.toString();

  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'bk' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    for (const h of sandbox.hosts) await sandbox.run(h.name, 'mkdir -p /srv/bk');
  });
  after(async () => sandbox?.stop());

  it('rescues, runs always, inherits block keywords and counts as Ansible', async () => {
    const run = await apply();
    assert.equal(run.code, 2, 'bk02 fails in a block without rescue');

    // bk01: the inner block failed and was rescued; the outer block went on.
    assert.equal(await content('bk01', '/srv/bk/before'), 'from-block\n', 'block vars reach its tasks');
    assert.equal(await content('bk01', '/srv/bk/inner-after'), undefined, 'a task after the failure ran');
    assert.equal(await content('bk01', '/srv/bk/rescued'), 'Fails on bk01 only rc=1\n', 'ansible_failed_task / ansible_failed_result');
    assert.equal(await content('bk01', '/srv/bk/inner-always'), 'always\n');
    assert.equal(await content('bk01', '/srv/bk/outer-after'), 'after\n');
    assert.equal(await content('bk01', '/srv/bk/end'), 'end\n');
    // bk02: nothing to rescue in the inner block; its own failure has only an always.
    assert.equal(await content('bk02', '/srv/bk/inner-after'), 'after\n');
    assert.equal(await content('bk02', '/srv/bk/rescued'), undefined);
    assert.equal(await content('bk02', '/srv/bk/always2'), 'always\n', 'always runs before the host fails');
    assert.equal(await content('bk02', '/srv/bk/end'), undefined, 'a failed host went on');
    assert.equal(statuses(run, 'bk02')['Only bk01 gets here'], undefined);

    for (const host of ['bk01', 'bk02']) {
      // A queued change that fails surfaces in its own block, whose rescue runs; the change queued after it is not made.
      assert.equal(await content(host, '/srv/bk/queued-rescued'), 'Into a missing directory\n');
      assert.equal(await content(host, '/srv/bk/dropped'), undefined);
      assert.equal(statuses(run, host)['Into a missing directory'], 'failed');
      assert.equal(statuses(run, host)['Ignored failure'], 'changed', 'a command that ran and failed changed something, as Ansible counts it');
    }
    const recap = run.recap!;
    // ansible-playbook on this fixture: bk01 ok=8 changed=8 failed=0 skipped=1 rescued=2 ignored=1,
    // bk02 ok=7 changed=7 failed=1 skipped=1 rescued=1 ignored=1 (Ansible's ok includes changed).
    assert.deepEqual(pick(recap.bk01), { ok: 8, changed: 8, failed: 0, skipped: 1, rescued: 2, ignored: 1 });
    assert.deepEqual(pick(recap.bk02), { ok: 7, changed: 7, failed: 1, skipped: 1, rescued: 1, ignored: 1 });

    const again = await apply();
    assert.equal(again.code, 2);
    // Only the ignored command, which runs every time, changes again (as under Ansible).
    assert.deepEqual([again.recap!.bk01.changed, again.recap!.bk02.changed], [1, 1]);
    assert.deepEqual([again.recap!.bk01.rescued, again.recap!.bk02.failed], [2, 1]);
  });
});

function pick(r: Record<string, unknown>) {
  return { ok: r.ok, changed: r.changed, failed: r.failed, skipped: r.skipped, rescued: r.rescued, ignored: r.ignored };
}
