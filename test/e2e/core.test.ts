import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses, totals, type CliRun } from './cli.js';

const site = join(fixtures, 'site', 'site.yaml');
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Host, task and status of every task that changed (or would change) something. */
function changes(run: CliRun): string[] {
  return run.events
    .filter((e) => e.type === 'task_result' && e.status === 'changed')
    .map((e) => `${e.host} | ${e.task}`)
    .sort();
}

describe('runbook apply on three real sshd hosts', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  const args = () => ['apply', inventory, site, '--known-hosts', sandbox.knownHostsFile, '--output', 'json'];

  before(async () => {
    sandbox = await Sandbox.start({ count: 3, prefix: 'web' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory, { groups: { web: sandbox.hosts.map((h) => h.name) } });
  });
  after(async () => sandbox?.stop());

  let predicted: string[];
  it('dry-run on fresh hosts changes nothing and lists every change', async () => {
    const treeBefore = await Promise.all(sandbox.hosts.map((h) => sandbox.treeHash(h.name)));
    const dry = await runbook([...args(), '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    predicted = changes(dry);
    assert.equal(predicted.length, 30);
    assert.deepEqual(await Promise.all(sandbox.hosts.map((h) => sandbox.treeHash(h.name))), treeBefore, 'dry-run changed a host');
    const wouldRun = dry.events.find((e) => e.type === 'task_result' && e.host === 'web01' && e.task === 'Initialise data once');
    assert.match(wouldRun?.message, /would run: touch \/srv\/app\/data\/initialised/);
  });

  it('first apply changes every host, exactly as the dry-run predicted, and leaves the declared files', async () => {
    const run = await runbook(args());
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(changes(run), predicted);
    for (const host of sandbox.hosts) {
      const recap = run.recap![host.name];
      assert.equal(recap.failed, 0);
      assert.equal(recap.changed, 10, `changed on ${host.name}: ${JSON.stringify(statuses(run, host.name))}`);
      const greeting = await sandbox.fileInfo(host.name, '/srv/app/conf/greeting.txt');
      assert.equal(greeting.content?.toString(), `HELLO from ${host.name}\n`);
      assert.equal(greeting.mode, '0644');
      assert.equal(greeting.owner, 'root');
      const token = await sandbox.fileInfo(host.name, '/srv/app/conf/token');
      assert.equal(token.mode, '0600');
      const conf = await sandbox.fileInfo(host.name, '/srv/app/conf/app.conf');
      assert.equal(conf.mode, '0640');
      assert.match(conf.content!.toString(), new RegExp(`name = ${host.name}\\nport = 8080\\npeer = web01\\npeer = web02\\npeer = web03\\n`));
      assert.equal((await sandbox.fileInfo(host.name, '/srv/app/data/hostname')).content?.toString(), `${host.name}\n`);
      assert.equal((await sandbox.fileInfo(host.name, '/srv/app/current')).type, 'symlink');
      assert.equal((await sandbox.fileInfo(host.name, '/srv/app/logs/reloads')).content?.toString(), 'reloaded\n');
      assert.equal((await sandbox.fileInfo(host.name, '/srv/app/data')).mode, '0755');
    }
  });

  it('second apply changes nothing, over one connection and at most 3 round trips per host', async () => {
    const before = Object.fromEntries(sandbox.hosts.map((h) => [h.name, sandbox.connectionsAccepted(h.name)]));
    const run = await runbook(args());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(totals(run.recap).changed, 0, JSON.stringify(changes(run)));
    const recapLine = run.events.at(-1)!;
    assert.equal(recapLine.type, 'recap');
    for (const host of sandbox.hosts) {
      assert.equal(sandbox.connectionsAccepted(host.name) - before[host.name], 1, `connections to ${host.name}`);
      assert.equal(recapLine.transport[host.name].connections, 1);
      // One batched probe for all 11 tasks, plus the read-only command the playbook runs every time.
      assert.equal(recapLine.transport[host.name].roundTrips, 2, `round trips on ${host.name}`);
    }
  });

  it('after drift on one host, dry-run reports exactly that drift and leaves it; apply repairs only it', async () => {
    await sandbox.run('web02', 'echo tampered > /srv/app/conf/greeting.txt && chmod 0666 /srv/app/conf/greeting.txt && echo tampered > /srv/app/conf/app.conf && rm /srv/app/conf/token');
    const treeBefore = await Promise.all(sandbox.hosts.map((h) => sandbox.treeHash(h.name)));
    const dry = await runbook([...args(), '--dry-run', '--diff']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(changes(dry), ['web02 | App config from a template', 'web02 | Greeting file', 'web02 | Secret token', 'web02 | reload app'].sort());
    assert.deepEqual(await Promise.all(sandbox.hosts.map((h) => sandbox.treeHash(h.name))), treeBefore, 'dry-run changed a host');
    assert.ok(!dry.stdout.includes('s3cr3t'), 'secret content in dry-run output');
    const diffs = dry.events.filter((e) => e.type === 'task_result' && e.diff?.length).flatMap((e) => e.diff);
    const greetingDiff = diffs.find((d: any) => d.path === '/srv/app/conf/greeting.txt');
    assert.deepEqual([greetingDiff.secret, greetingDiff.before.content, greetingDiff.after.content, greetingDiff.before.mode, greetingDiff.after.mode], [false, 'tampered\n', 'HELLO from web02\n', '0666', '0644']);
    // app.conf is 0640: others may not read it, so its diff carries checksums only.
    const templateDiff = diffs.find((d: any) => d.path === '/srv/app/conf/app.conf');
    assert.deepEqual([templateDiff.secret, templateDiff.before.content, templateDiff.after.content], [true, undefined, undefined]);
    assert.ok(templateDiff.before.sha256 && templateDiff.after.sha256 && templateDiff.before.sha256 !== templateDiff.after.sha256);

    const apply = await runbook(args());
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(changes(apply), changes(dry), 'apply changed something the dry-run did not predict');
    assert.equal((await sandbox.fileInfo('web02', '/srv/app/conf/greeting.txt')).mode, '0644');
    assert.equal((await sandbox.fileInfo('web02', '/srv/app/conf/token')).content?.toString(), 's3cr3t-web02\n');
    assert.equal((await sandbox.fileInfo('web02', '/srv/app/logs/reloads')).content?.toString(), 'reloaded\nreloaded\n');
    assert.equal((await sandbox.fileInfo('web01', '/srv/app/logs/reloads')).content?.toString(), 'reloaded\n', 'handler ran where not notified');
  });

  it('--tags, --skip-tags and --limit select exactly the expected tasks and hosts', async () => {
    await sandbox.run('web01', 'rm /srv/app/conf/greeting.txt /srv/app/data/initialised');
    await sandbox.run('web03', 'rm /srv/app/conf/greeting.txt');
    const run = await runbook([...args(), '--tags', 'config', '--skip-tags', 'init', '--limit', 'web01,web02']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(Object.keys(run.recap!).sort(), ['web01', 'web02']);
    assert.deepEqual(Object.keys(statuses(run, 'web01')).sort(), ['App config from a template', 'Greeting file', 'Read the hostname (read-only)', 'Record the hostname seen', 'Static file from files/']);
    assert.deepEqual(changes(run), ['web01 | Greeting file']);
    assert.equal((await sandbox.fileInfo('web01', '/srv/app/data/initialised')).exists, false, 'skipped tag ran');
    assert.equal((await sandbox.fileInfo('web03', '/srv/app/conf/greeting.txt')).exists, false, 'limited-out host touched');

    // A flag's value ends at the next word: the playbook after --tags is a playbook, as with Ansible.
    const listed = await runbook(['apply', inventory, '--tags', 'dirs', site, '--list-tasks']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n').slice(1).map((l) => l.trim().split('\t')[0]), ['App directories', 'Current link', 'Read the hostname (read-only)']);
    const hosts = await runbook(['apply', inventory, site, '--list-hosts', '--limit', '!web02']);
    assert.deepEqual(hosts.stdout.trim().split('\n').slice(1).map((l) => l.trim()), ['web01', 'web03']);
  });

  it('repairs the rest and converges again', async () => {
    const run = await runbook(args());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(changes(run), ['web01 | Initialise data once', 'web03 | Greeting file']);
    const again = await runbook(args());
    assert.equal(totals(again.recap).changed, 0);
  });

  it('never shows secret file content in any output mode', async () => {
    await sandbox.run('web01', 'echo old-secret > /srv/app/conf/token && echo API_TOKEN=old > /srv/app/conf/api.env');
    for (const output of ['json', 'plain']) {
      const run = await runbook(['apply', inventory, site, '--known-hosts', sandbox.knownHostsFile, '--output', output, '--dry-run', '--diff']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!run.stdout.includes('s3cr3t') && !run.stdout.includes('old-secret'), `${output} output shows secret content`);
      assert.ok(!run.stdout.includes('tok-web'), `${output} output shows a no_log task's content`);
      assert.ok(run.stdout.includes(sha('s3cr3t-web01\n').slice(0, 12)), `${output} output lacks the secret's checksum`);
    }
    await runbook(args());
  });
});
