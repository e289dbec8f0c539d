import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { runbook, type CliRun } from './cli.js';

/**
 * File records (engine/file-records.ts): a no-op stats a recorded file without hashing it while its
 * identity holds, and a file changed behind runbook's back is still seen and repaired, even one
 * rewritten in place to the same size with its modification time set back.
 */
describe('file records: no hash while a file is as recorded, every change still seen', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  let playbook: string;
  let records: string;
  const secret = 'records-secret-Vb71-never-on-disk';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const apply = (...extra: string[]) => runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra], { env: { RUNBOOK_RECORD_DIR: records } });
  const counts = (run: CliRun) => {
    assert.equal(run.code, 0, run.stderr + run.stdout);
    return { changed: run.recap!.rec01.changed, roundTrips: run.events.find((e) => e.type === 'recap')!.transport.rec01.roundTrips };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2_100));

  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'rec' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    records = join(mkdtempSync(join(sandbox.dir, 'state-')), 'records');
    playbook = join(sandbox.dir, 'records.yml');
    writeFileSync(
      playbook,
      `- hosts: all
  gather_facts: false
  tasks:
    - name: A directory
      file: { path: /srv/rec, state: directory, mode: "0755" }
    - name: A config file
      copy: { dest: /srv/rec/app.conf, content: "alpha\\n", mode: "0644" }
    - name: A secret
      copy: { dest: /srv/rec/key, content: "${secret}\\n", mode: "0600" }
`,
    );
  });
  after(async () => sandbox?.stop());

  const recordsFile = () => {
    const files = readdirSync(records);
    assert.equal(files.length, 1, `one records file for the one target: ${files.join(' ')}`);
    return join(records, files[0]);
  };
  const onHost = async (command: string) => (await sandbox.run('rec01', command)).stdout;

  it('a no-op records each settled file: path, identity and checksum in a 0600 file of a 0700 directory, never content', async () => {
    assert.equal(counts(await apply()).changed, 3);
    await settle();
    assert.deepEqual(counts(await apply()), { changed: 0, roundTrips: 1 });
    assert.equal(statSync(records).mode & 0o777, 0o700);
    assert.equal(statSync(recordsFile()).mode & 0o777, 0o600);
    const text = readFileSync(recordsFile(), 'utf8');
    assert.ok(!text.includes(secret), 'no content on the controller\'s disk');
    const files = JSON.parse(text).files;
    assert.deepEqual(Object.keys(files).sort(), ['/srv/rec/app.conf', '/srv/rec/key'], 'regular files only');
    assert.deepEqual([files['/srv/rec/app.conf'][1], files['/srv/rec/key'][1]], [sha256('alpha\n'), sha256(`${secret}\n`)]);
    // The next no-op: as before, one round trip (it stats the files alone: test/e2e/host-processes.test.ts
    // counts the programs), and the records stay as they were: nothing a no-op does drops one.
    assert.deepEqual(counts(await apply()), { changed: 0, roundTrips: 1 });
    assert.equal(readFileSync(recordsFile(), 'utf8'), text);
  });

  it('a file rewritten in place to the same size, its modification time set back, is seen: dry-run says so, apply repairs it', async () => {
    const before = await onHost("stat -c '%i %s %y' /srv/rec/app.conf");
    await onHost(`cd /srv/rec && m=$(stat -c %y app.conf) && printf 'ALPHA\\n' | dd of=app.conf conv=notrunc status=none && touch -m -d "$m" app.conf`);
    assert.equal(await onHost("stat -c '%i %s %y' /srv/rec/app.conf"), before, 'the same inode, size and modification time');
    assert.equal(await onHost('cat /srv/rec/app.conf'), 'ALPHA\n');

    const dry = await apply('--dry-run');
    assert.equal(counts(dry).changed, 1);
    assert.equal(dry.events.find((e) => e.type === 'task_result' && e.task === 'A config file')?.status, 'changed');
    assert.equal(await onHost('cat /srv/rec/app.conf'), 'ALPHA\n', 'a dry-run changes nothing');

    const run = await apply();
    assert.equal(counts(run).changed, 1);
    assert.equal(run.events.find((e) => e.type === 'task_result' && e.task === 'A config file')?.status, 'changed');
    assert.equal(await onHost("cat /srv/rec/app.conf; stat -c '%a %U %G' /srv/rec/app.conf"), 'alpha\n644 root root\n');
  });

  it('records that do not parse are not trusted: every file is hashed again, and the no-op is still a no-op', async () => {
    writeFileSync(recordsFile(), '{"version":1,"files":{"/srv/rec/app.conf":["garbage"');
    await settle();
    assert.deepEqual(counts(await apply()), { changed: 0, roundTrips: 1 });
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(recordsFile(), 'utf8')).files).sort(), ['/srv/rec/app.conf', '/srv/rec/key']);
  });

  it('a records directory others may enter is not used: a warning, and the run goes on without records', async () => {
    const open = join(sandbox.dir, 'open-records');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json'], { env: { RUNBOOK_RECORD_DIR: open } });
    assert.deepEqual(counts(run), { changed: 0, roundTrips: 1 });
    assert.match(run.stderr, new RegExp(`\\[WARNING\\] file records are off: ${open} has mode 0777: others may enter it`));
    assert.deepEqual(readdirSync(open), []);
  });
});
