import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses, totals } from './cli.js';

describe('set_fact, include_vars, debug, assert, fail, pause on real hosts', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let inventory: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'ctl' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    for (const h of sandbox.hosts) await sandbox.run(h.name, 'mkdir -p /srv');
  });
  after(async () => sandbox?.stop());

  const args = () => ['apply', inventory, join(fixtures, 'control', 'playbook.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '-e', 'inc_under_extra=extra'];

  it('set variables with Ansible precedence, and report as Ansible', async () => {
    const run = await runbook(args());
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const expected = ['included included set extra', 'True 3 a,b,c ctl01 8080', 'wrong length / acc | length == 4 / stop here', '3', ''].join('\n');
    for (const host of ['ctl01', 'ctl02']) {
      assert.equal((await sandbox.fileInfo(host, '/srv/control')).content?.toString(), expected, host);
      const s = statuses(run, host);
      assert.equal(s['Only when verbose'], 'skipped');
      assert.equal(s['Does not hold'], 'ok', 'ignored failure');
      assert.equal(s['Write what every task left'], 'changed');
      // As ansible-playbook: run_once and pause count on the first host only; ok includes changed.
      assert.deepEqual(run.recap![host], { ok: host === 'ctl01' ? 12 : 10, changed: 1, failed: 0, skipped: 1, unreachable: false, rescued: 0, ignored: 2 });
    }
    const message = (task: string) => run.events.find((e) => e.type === 'task_result' && e.host === 'ctl01' && e.task === task)?.message;
    assert.equal(message('Show a message'), 'acc is a,b,c');
    assert.equal(message('Show a variable'), 'app.port: 8080');
    assert.equal(message('Holds'), 'all good');
    assert.match(message('Does not hold')!, /wrong length/);
    assert.equal(message('A short pause'), 'Paused for 1 seconds');
  });

  it('changes nothing on the second run, and a dry-run predicts the same', async () => {
    const again = await runbook(args());
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(totals(again.recap).changed, 0);
    const dry = await runbook([...args(), '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    assert.equal(totals(dry.recap).changed, 0);
  });

  it('a failed assert stops the host with its message and exit 2', async () => {
    const run = await runbook([...args(), '-e', '{"inc_list": [5]}']);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    const failed = run.events.find((e) => e.type === 'task_result' && e.status === 'failed');
    assert.equal(failed?.task, 'Holds');
    assert.equal(failed?.message, 'Assertion failed');
  });
});
