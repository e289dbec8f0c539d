import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

describe('pre_tasks, post_tasks, handler flush points and meta on real hosts', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  const content = async (host: string, path: string) => (await sandbox.fileInfo(host, path)).content?.toString();

  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'ph' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    for (const h of sandbox.hosts) await sandbox.run(h.name, 'mkdir -p /srv/ph');
  });
  after(async () => sandbox?.stop());

  it('run handlers where Ansible flushes them, end hosts and plays as Ansible', async () => {
    const run = await runbook(['apply', inventory, join(fixtures, 'sections', 'sections.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    // The handler logs what exists each time it runs: after pre_tasks, at the explicit flush, after tasks, after post_tasks.
    assert.equal(await content('ph01', '/srv/ph-log'), 'a\na b\na b c\na b c d\n');
    // end_host: ph02 skips the rest of its play and its last flush, and still runs the later plays.
    assert.equal(await content('ph02', '/srv/ph-log'), 'a\na b\na b c\n');
    assert.equal(await content('ph02', '/srv/ph/d'), undefined);
    for (const host of ['ph01', 'ph02']) {
      assert.equal(await content(host, '/srv/ph/next'), 'next\n');
      assert.equal(await content(host, '/srv/ph/never'), undefined, 'a task after end_play ran');
      assert.equal(await content(host, '/srv/ph/third'), 'third\n', 'the play after end_play did not run');
    }
    // As ansible-playbook on this fixture: ph01 ok=10 changed=10, ph02 ok=8 changed=8; meta tasks count nowhere.
    assert.deepEqual([run.recap!.ph01.changed, run.recap!.ph01.ok, run.recap!.ph01.skipped], [10, 10, 0]);
    assert.deepEqual([run.recap!.ph02.changed, run.recap!.ph02.ok, run.recap!.ph02.skipped], [8, 8, 0]);
  });
});
