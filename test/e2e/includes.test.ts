import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

describe('import_playbook, import_tasks and include_tasks on real hosts', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  const site = join(fixtures, 'includes', 'site.yaml');
  const apply = (...extra: string[]) => runbook(['apply', inventory, site, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra]);
  const files = async (host: string) => (await sandbox.run(host, 'cd /srv/in && find . | sort')).stdout.trim().split('\n');

  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'in' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    for (const h of sandbox.hosts) await sandbox.run(h.name, 'mkdir -p /srv/in');
  });
  after(async () => sandbox?.stop());

  it('--tags reaches an include only through apply, as Ansible', async () => {
    const run = await apply('--tags', 'applied');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(await files('in01'), ['.', './applied']);
    // ansible-playbook --tags applied on this fixture: ok=2 changed=1 (the include counts ok).
    assert.deepEqual([run.recap!.in01.ok, run.recap!.in01.changed], [2, 1]);
  });

  it('imports statically, includes per host and per loop item, and counts as Ansible', async () => {
    const run = await apply();
    assert.equal(run.code, 0, run.stderr + run.stdout);
    for (const host of ['in01', 'in02']) {
      assert.deepEqual(await files(host), ['.', './ann', './ann/name', './applied', './bob', './bob/name', './first', './imported-1', './nested']);
      assert.equal((await sandbox.fileInfo(host, '/srv/in/bob/name')).content?.toString(), 'bob\n', 'the loop item reaches the included tasks');
      assert.equal((await sandbox.fileInfo(host, '/srv/in/ann')).mode, '0750');
      // ansible-playbook on this fixture: ok=11 changed=7 skipped=2 (each included file counts ok).
      assert.deepEqual([run.recap![host].ok, run.recap![host].changed, run.recap![host].skipped], [11, 7, 2]);
    }
    const again = await apply();
    assert.deepEqual([again.recap!.in01.changed, again.recap!.in02.changed], [0, 0]);
    // The included tasks' facts join their play's probe: one connection, one probe per play (two plays here).
    const transport = again.events.find((e) => e.type === 'recap')!.transport;
    for (const host of ['in01', 'in02']) assert.deepEqual(transport[host], { connections: 1, roundTrips: 2 }, host);
  });

  it('an include of a missing file fails the host at run time, naming the file', async () => {
    const run = await runbook(['apply', inventory, join(fixtures, 'includes', 'missing.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    const failed = run.events.find((e) => e.type === 'task_result' && e.host === 'in01' && e.status === 'failed');
    assert.equal(failed?.task, 'Include a missing file');
    assert.match(failed!.message, /file 'tasks\/nowhere.yaml' not found \(looked for .*includes\/tasks\/nowhere.yaml/);
    assert.equal((await sandbox.fileInfo('in01', '/srv/in/not-reached')).exists, false);
    assert.equal(run.recap!.in01.failed, 1);
  });

  it('lists the expanded tree: imports inline, includes as themselves', async () => {
    const run = await runbook(['apply', inventory, site, '--list-tasks']);
    assert.equal(run.code, 0, run.stderr);
    const names = run.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split('\t')[0]);
    assert.deepEqual(names, ['From the imported playbook', 'Static one', 'Nested static', 'Looped include', 'Include skipped by when', 'Include with apply', 'Nested static']);
    assert.match(run.stdout, /Static one\t\[imported\]/);
    const tags = await runbook(['apply', inventory, site, '--list-tags']);
    assert.deepEqual(tags.stdout.split('\n').filter((l) => l.includes('TASK TAGS')).map((l) => l.trim()), ['TASK TAGS: [first]', 'TASK TAGS: [applied, imported]']);
  });
});
