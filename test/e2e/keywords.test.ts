import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses } from './cli.js';

describe('task keywords on real hosts: loop, when, register, failed_when, ignore_errors, run_once, changed_when', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let inventory: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'kw' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    for (const h of sandbox.hosts) await sandbox.run(h.name, 'mkdir -p /srv/kw');
  });
  after(async () => sandbox?.stop());

  it('behave as in Ansible', async () => {
    const run = await runbook(['apply', inventory, join(fixtures, 'keywords', 'keywords.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    for (const host of ['kw01', 'kw02']) {
      const s = statuses(run, host);
      assert.equal((await sandbox.fileInfo(host, '/srv/kw/alpha')).content?.toString(), 'alpha\n');
      assert.equal((await sandbox.fileInfo(host, '/srv/kw/beta')).exists, false, 'when on item ignored');
      assert.equal((await sandbox.fileInfo(host, '/srv/kw/gamma')).exists, true);
      assert.equal(s['Fails only by failed_when, and is ignored'], 'ok', 'ignore_errors');
      const ignored = run.events.find((e) => e.type === 'task_result' && e.host === host && e.task.startsWith('Fails only'));
      assert.match(ignored!.message, /failed, ignored/);
      assert.equal((await sandbox.fileInfo(host, '/srv/kw/once-rc')).content?.toString(), '0\n');
      assert.equal(s['changed_when from the result'], 'ok');
      assert.equal((await sandbox.fileInfo(host, '/srv/kw/loop-summary')).content?.toString(), 'a,b\n');
      assert.equal(s['Skipped when false'], 'skipped');
      assert.equal(run.recap![host].failed, 0);
      assert.equal(run.recap![host].skipped, 1);
    }
    const onceLines = await Promise.all(['kw01', 'kw02'].map(async (h) => (await sandbox.fileInfo(h, '/srv/kw-once')).content?.toString()));
    assert.deepEqual(onceLines, ['kw01\n', undefined], 'run_once ran on more than the first host');
    assert.deepEqual(Object.keys(statuses(run, 'kw02')).includes('Once for the whole play'), false);
  });
});
