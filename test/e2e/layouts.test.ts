import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

/**
 * Inventory layouts on a real host: an INI inventory, group_vars/ and host_vars/ next to the
 * inventory and next to the playbook (Ansible's order between them), a vault-encrypted
 * group_vars file, an inline !vault value and an encrypted copy src. The bytes on the host show
 * which layer won; no secret appears in any output.
 */
const B64_SECRET = Buffer.from('vault-file-s3cret-42').toString('base64');
/** Every secret of the fixture, and one derived from a secret by a filter. */
const SECRETS_IN_OUTPUT = new RegExp(`s3cret|copied-from-vault-file|${B64_SECRET}`);

describe('inventory layouts and vault on a real host', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let dir: string;
  let host: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'layo' });
    host = sandbox.hosts[0].name;
    dir = join(sandbox.dir, 'layouts');
    cpSync(join(fixtures, 'layouts'), dir, { recursive: true });
    const h = sandbox.hosts[0];
    writeFileSync(
      join(dir, 'inventory', 'hosts'),
      [
        '# written by the test: the sandbox host in an INI inventory',
        '[app]',
        `${host} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${h.user} ansible_ssh_private_key_file=${sandbox.keyFile} host_note=from-ini-line`,
        '',
        '[app:vars]',
        'ini_int=41',
        'ini_bool=True',
        'ini_text=plain words',
        'ini_mode=0644',
        'layer_d=ini app:vars',
        '',
      ].join('\n'),
    );
    mkdirSync(join(dir, 'inventory', 'host_vars'), { recursive: true });
    writeFileSync(join(dir, 'inventory', 'host_vars', `${host}.yml`), 'host_note: from host_vars\n');
  });
  after(async () => sandbox?.stop());

  const apply = (...extra: string[]) =>
    runbook(['apply', join(dir, 'inventory'), join(dir, 'playbooks', 'site.yml'), '--known-hosts', sandbox.knownHostsFile, '--vault-password-file', join(dir, 'vault-pass'), ...extra]);

  it('a dry-run with diffs shows no secret', async () => {
    for (const output of ['json', 'plain']) {
      const run = await apply('--dry-run', '--diff', '--output', output);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.doesNotMatch(run.stdout + run.stderr, SECRETS_IN_OUTPUT);
    }
  });

  it('applies the variables of every layer in Ansible\'s order, and the vault values', async () => {
    const run = await apply('--output', 'json');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.recap?.[host].changed, 6);
    assert.equal(run.recap?.[host].failed, 0);
    assert.equal(run.recap?.[host].skipped, 0);
    assert.doesNotMatch(run.stdout + run.stderr, SECRETS_IN_OUTPUT);
    const layers = await sandbox.fileInfo(host, '/srv/layers');
    assert.equal(
      layers.content?.toString(),
      [
        'a=playbook group_vars/all', // playbook group_vars/all beats the inventory's
        'b=inventory group_vars/app', // any group's group_vars beat group_vars/all
        'c=inventory group_vars/app',
        'd=inventory group_vars/all', // group_vars/all beats the INI [app:vars]
        'e=playbook group_vars/all',
        'int=42 bool=True text=plain words mode=0644', // INI values are Python literals: 0644 stays text
        'host=from host_vars', // host_vars beat the INI host line
        'ports=2222',
        '',
      ].join('\n'),
    );
    assert.equal((await sandbox.fileInfo(host, '/srv/vault-file')).content?.toString(), 'key=vault-file-s3cret-42\n');
    assert.equal((await sandbox.fileInfo(host, '/srv/vault-inline')).content?.toString(), 'inline-vault-s3cret-77\n');
    assert.equal((await sandbox.fileInfo(host, '/srv/vault-src')).content?.toString(), 'copied-from-vault-file\n');
    assert.equal((await sandbox.fileInfo(host, '/srv/vault-b64')).content?.toString(), B64_SECRET);
    assert.equal((await sandbox.fileInfo(host, '/srv/vault-vars')).content?.toString(), 'vars-file-s3cret-9 include-vars-s3cret-5\n');
    // Tasks whose arguments hold a vault value are reported as no_log.
    const secretTasks = run.events.filter((e) => e.type === 'task_result' && String(e.task).startsWith('Secret from'));
    assert.equal(secretTasks.length, 4);
    for (const event of secretTasks) assert.match(event.message ?? '', /output hidden/);
  });

  it('changes nothing on a second run', async () => {
    const run = await apply('--output', 'json');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.recap?.[host].changed, 0);
    assert.equal(run.recap?.[host].ok, 7);
  });

  it('without the vault password: a clear error before any host is touched', async () => {
    const before = sandbox.connectionsAccepted(host);
    const run = await runbook(['apply', join(dir, 'inventory'), join(dir, 'playbooks', 'site.yml'), '--known-hosts', sandbox.knownHostsFile]);
    assert.equal(run.code, 1);
    // The playbooks load before the inventory: the first encrypted file met is the play's vars_files.
    assert.match(run.stderr, /cannot decrypt .*playbooks\/vars\/vault-vars\.yml: this is vault-encrypted data and no vault password was given/);
    assert.equal(sandbox.connectionsAccepted(host), before);
  });

  it('the decrypted data never lands on the controller\'s disk', () => {
    const walk = (path: string): string[] => readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(path, e.name)) : [join(path, e.name)]));
    for (const file of walk(dir)) assert.doesNotMatch(String(readFileSyncSafe(file)), /s3cret-42|s3cret-77|s3cret-9|s3cret-5|copied-from-vault-file/, file);
  });
});

function readFileSyncSafe(file: string): Buffer | string {
  try {
    return readFileSync(file);
  } catch {
    return '';
  }
}
