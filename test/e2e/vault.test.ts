import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, runbook } from './cli.js';

const exec = promisify(execFile);

/** runbook vault and Debian's ansible-vault read each other's files, both ways. */
describe('runbook vault, with ansible-vault', function () {
  this.timeout(120_000);
  let dir: string;
  const plaintext = 'db_password: c0rrect-h0rse\nlist:\n  - 1\n';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-vault-'));
    writeFileSync(join(dir, 'pw'), 'first-password\n');
    writeFileSync(join(dir, 'pw-prod'), 'prod-password');
    // An executable password file is a script: its output is the password.
    writeFileSync(join(dir, 'pw-script'), '#!/bin/sh\necho first-password\n');
    chmodSync(join(dir, 'pw-script'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what ansible-vault encrypted (1.1 and 1.2 with a vault id)', async () => {
    writeFileSync(join(dir, 'a.yml'), plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'a.yml')]);
    writeFileSync(join(dir, 'b.yml'), plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-id', `prod@${join(dir, 'pw-prod')}`, join(dir, 'b.yml')]);
    assert.match(readFileSync(join(dir, 'b.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);

    const viewA = await runbook(['vault', 'view', join(dir, 'a.yml'), '--vault-password-file', join(dir, 'pw-script')]);
    assert.equal(viewA.code, 0, viewA.stderr);
    assert.equal(viewA.stdout, plaintext);
    // The prod id's secret is tried first, though given second.
    const viewB = await runbook(['vault', 'view', join(dir, 'b.yml'), '--vault-password-file', join(dir, 'pw'), '--vault-id', `prod@${join(dir, 'pw-prod')}`]);
    assert.equal(viewB.code, 0, viewB.stderr);
    assert.equal(viewB.stdout, plaintext);

    const decrypt = await runbook(['vault', 'decrypt', join(dir, 'a.yml'), '--vault-password-file', join(dir, 'pw')]);
    assert.equal(decrypt.code, 0, decrypt.stderr);
    assert.equal(readFileSync(join(dir, 'a.yml'), 'utf8'), plaintext);

    const wrong = await runbook(['vault', 'view', join(dir, 'b.yml'), '--vault-password-file', join(dir, 'pw')]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /cannot decrypt .*b\.yml: none of the 1 vault password\(s\) given decrypts this data \(vault id 'prod'\)/);
  });

  it('writes what ansible-vault reads, in place and keeping the mode', async () => {
    writeFileSync(join(dir, 'c.yml'), plaintext, { mode: 0o640 });
    const encrypt = await runbook(['vault', 'encrypt', join(dir, 'c.yml'), '--vault-id', `prod@${join(dir, 'pw-prod')}`]);
    assert.equal(encrypt.code, 0, encrypt.stderr);
    assert.match(readFileSync(join(dir, 'c.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n([0-9a-f]{80}\n)+[0-9a-f]{1,80}\n$/);
    assert.equal(statSync(join(dir, 'c.yml')).mode & 0o777, 0o640);
    const { stdout } = await exec('ansible-vault', ['view', '--vault-id', `prod@${join(dir, 'pw-prod')}`, join(dir, 'c.yml')]);
    assert.equal(stdout, plaintext);

    const again = await runbook(['vault', 'encrypt', join(dir, 'c.yml'), '--vault-password-file', join(dir, 'pw')]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already encrypted/);
  });

  it('encrypt_string output is a !vault value Ansible decrypts', async () => {
    const run = await runbook(['vault', 'encrypt_string', 'inline s3cret value', '--name', 'api_key', '--vault-password-file', join(dir, 'pw')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^api_key: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n/);
    writeFileSync(join(dir, 'vars.yml'), run.stdout);
    const { stdout } = await exec('ansible', ['localhost', '-m', 'debug', '-a', 'var=api_key', '-e', `@${join(dir, 'vars.yml')}`, '--vault-password-file', join(dir, 'pw')], {
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false' },
    });
    assert.match(stdout, /"api_key": "inline s3cret value"/);
  });

  it('vault_identity_list from ansible.cfg and ANSIBLE_VAULT_IDENTITY_LIST, as ansible-vault reads them', async () => {
    const project = mkdtempSync(join(dir, 'project-'));
    const file = join(project, 'ids.yml');
    writeFileSync(file, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-id', `prod@${join(dir, 'pw-prod')}`, file]);
    const env = { HOME: project };
    writeFileSync(join(project, 'ansible.cfg'), `[defaults]\nvault_identity_list = dev@${join(dir, 'pw')}, prod@${join(dir, 'pw-prod')}\n`);
    // The oracle: ansible-vault opens it with no flag, from the same folder.
    assert.equal((await exec('ansible-vault', ['view', file], { cwd: project, env: { ...process.env, ...env } })).stdout, plaintext);
    const fromFile = await runbook(['vault', 'view', file], { cwd: project, env });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, plaintext);
    rmSync(join(project, 'ansible.cfg'));
    const none = await runbook(['vault', 'view', file], { cwd: project, env });
    assert.equal(none.code, 1);
    const fromEnv = await runbook(['vault', 'view', file], { cwd: project, env: { ...env, ANSIBLE_VAULT_IDENTITY_LIST: `prod@${join(dir, 'pw-prod')}` } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout, plaintext);
  });

  it('a vault-id client script (*-client) is asked for each id, as ansible-vault asks it; exit 2 means no secret for that id', async () => {
    // Prints the password of the id it is asked for; records every question so the test sees them.
    const asked = join(dir, 'asked');
    const client = join(dir, 'keyring-client.sh');
    writeFileSync(client, `#!/bin/sh\necho "$*" >> '${asked}'\n[ "$1" = --vault-id ] || exit 9\ncase "$2" in\n  prod) echo prod-password ;;\n  default) echo first-password ;;\n  *) echo "no secret named $2" >&2; exit 2 ;;\nesac\n`);
    chmodSync(client, 0o755);
    const file = join(dir, 'client.yml');
    writeFileSync(file, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-id', `prod@${join(dir, 'pw-prod')}`, file]);

    // The oracle first: ansible-vault opens it through the client script, asking for 'prod'.
    writeFileSync(asked, '');
    assert.equal((await exec('ansible-vault', ['view', '--vault-id', `prod@${client}`, file])).stdout, plaintext);
    assert.equal(readFileSync(asked, 'utf8'), '--vault-id prod\n');
    writeFileSync(asked, '');
    const view = await runbook(['vault', 'view', file, '--vault-id', `prod@${client}`]);
    assert.equal(view.code, 0, view.stderr);
    assert.equal(view.stdout, plaintext);
    assert.equal(readFileSync(asked, 'utf8'), '--vault-id prod\n');

    // As --vault-password-file the script is asked for the id 'default'.
    const plain = join(dir, 'client-default.yml');
    writeFileSync(plain, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), plain]);
    writeFileSync(asked, '');
    const asDefault = await runbook(['vault', 'view', plain, '--vault-password-file', client]);
    assert.equal(readFileSync(asked, 'utf8'), '--vault-id default\n');
    assert.equal(asDefault.code, 0, asDefault.stderr);
    assert.equal(asDefault.stdout, plaintext);

    // No secret for the id: both tools fail, runbook naming the script, the id and what it said.
    await assert.rejects(exec('ansible-vault', ['view', '--vault-id', `staging@${client}`, file]));
    const unknown = await runbook(['vault', 'view', file, '--vault-id', `staging@${client}`]);
    assert.equal(unknown.code, 1);
    assert.ok(unknown.stderr.includes(`the vault password client script ${client} has no secret for vault id 'staging': no secret named staging`), unknown.stderr);
    assert.equal(unknown.stdout, '');
  });

  it('asks for a password only on a terminal, and refuses none at all', async () => {
    const none = await runbook(['vault', 'view', join(dir, 'b.yml')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /a vault password is needed/);
    const ask = await runbook(['vault', 'view', join(dir, 'b.yml'), '--ask-vault-pass']);
    assert.equal(ask.code, 1);
    assert.match(ask.stderr, /needs a terminal/);
  });
  it('rekey, both ways with ansible-vault: each reads what the other rekeyed; the mode is kept; a wrong password changes nothing', async () => {
    writeFileSync(join(dir, 'pw-new'), 'new-password\n');
    const file = join(dir, 'rekey.yml');
    writeFileSync(file, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), file]);
    chmodSync(file, 0o640);
    const rekeyed = await runbook(['vault', 'rekey', file, '--vault-password-file', join(dir, 'pw'), '--new-vault-password-file', join(dir, 'pw-new')]);
    assert.equal(rekeyed.code, 0, rekeyed.stderr);
    assert.match(rekeyed.stderr, /Rekey successful/);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal((await exec('ansible-vault', ['view', '--vault-password-file', join(dir, 'pw-new'), file])).stdout, plaintext);
    await assert.rejects(exec('ansible-vault', ['view', '--vault-password-file', join(dir, 'pw'), file]));

    // ansible-vault rekeys what runbook wrote, to a vault id; runbook reads it.
    await exec('ansible-vault', ['rekey', '--vault-password-file', join(dir, 'pw-new'), '--new-vault-id', `prod@${join(dir, 'pw-prod')}`, file]);
    assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const view = await runbook(['vault', 'view', file, '--vault-id', `prod@${join(dir, 'pw-prod')}`]);
    assert.equal(view.stdout, plaintext, view.stderr);

    // runbook rekeys to a vault id too (format 1.2, as ansible-vault writes it).
    const toId = await runbook(['vault', 'rekey', file, '--vault-id', `prod@${join(dir, 'pw-prod')}`, '--new-vault-id', `dev@${join(dir, 'pw')}`]);
    assert.equal(toId.code, 0, toId.stderr);
    assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/);
    assert.equal((await exec('ansible-vault', ['view', '--vault-id', `dev@${join(dir, 'pw')}`, file])).stdout, plaintext);

    const before = readFileSync(file);
    const wrong = await runbook(['vault', 'rekey', file, '--vault-password-file', join(dir, 'pw-new'), '--new-vault-password-file', join(dir, 'pw-prod')]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /cannot decrypt .*rekey\.yml/);
    assert.deepEqual(readFileSync(file), before);
  });

  /** An $EDITOR that records where and how it was handed the plaintext, then appends a line. */
  function recordingEditor(append: string): { env: NodeJS.ProcessEnv; record: string } {
    const record = join(dir, `editor-record-${Math.random().toString(36).slice(2)}`);
    const script = join(dir, `editor-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(script, `#!/bin/sh\nstat -c '%n %a' "$1" > '${record}'\nstat -f -c '%T' "$1" >> '${record}'\nprintf '%s\\n' '${append}' >> "$1"\n`);
    chmodSync(script, 0o755);
    return { env: { EDITOR: script, XDG_RUNTIME_DIR: '' }, record };
  }

  it('edit: the plaintext is handed to $EDITOR in a 0600 file on a tmpfs, removed afterwards; the same vault id is kept', async () => {
    const file = join(dir, 'edit.yml');
    writeFileSync(file, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-id', `prod@${join(dir, 'pw-prod')}`, file]);
    const { env, record } = recordingEditor('added: yes');
    const edit = await runbook(['vault', 'edit', file, '--vault-id', `prod@${join(dir, 'pw-prod')}`], { env });
    assert.equal(edit.code, 0, edit.stderr);
    const [where, fsType] = readFileSync(record, 'utf8').trim().split('\n');
    const [path, mode] = where.split(' ');
    assert.match(path, /^\/dev\/shm\/runbook-[^/]+\/edit\.yml$/);
    assert.equal(mode, '600');
    assert.equal(fsType, 'tmpfs');
    assert.equal(existsSync(path), false, 'the plaintext file is left on the tmpfs');
    assert.equal(existsSync(dirname(path)), false, 'the private folder is left on the tmpfs');
    assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    assert.equal((await exec('ansible-vault', ['view', '--vault-id', `prod@${join(dir, 'pw-prod')}`, file])).stdout, `${plaintext}added: yes\n`);
    assert.ok(!edit.stdout.includes('c0rrect-h0rse') && !edit.stderr.includes('c0rrect-h0rse'));

    // An editor that changes nothing leaves the file byte for byte.
    const before = readFileSync(file);
    const untouched = await runbook(['vault', 'edit', file, '--vault-id', `prod@${join(dir, 'pw-prod')}`], { env: { EDITOR: 'true' } });
    assert.equal(untouched.code, 0, untouched.stderr);
    assert.deepEqual(readFileSync(file), before);
  });

  it('create: a new encrypted file from the editor; an existing file is refused', async () => {
    const file = join(dir, 'created.yml');
    const { env } = recordingEditor('token: s3cret-created');
    const created = await runbook(['vault', 'create', file, '--vault-password-file', join(dir, 'pw')], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await exec('ansible-vault', ['view', '--vault-password-file', join(dir, 'pw'), file])).stdout, 'token: s3cret-created\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = await runbook(['vault', 'create', file, '--vault-password-file', join(dir, 'pw')], { env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /created\.yml exists; use runbook vault edit/);
  });

  it('edit refuses when no tmpfs is there for the plaintext (here /dev/shm is a disk folder), and changes nothing', async () => {
    const file = join(dir, 'no-tmpfs.yml');
    writeFileSync(file, plaintext);
    await exec('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), file]);
    const before = readFileSync(file);
    const disk = mkdtempSync(join(dir, 'not-shm-'));
    const { env, record } = recordingEditor('never');
    // A mount namespace of its own, where /dev/shm is a folder of the (disk) test directory.
    const command = `mount --bind '${disk}' /dev/shm && exec '${process.execPath}' '${join(repoRoot, 'bin', 'runbook.js')}' vault edit '${file}' --vault-password-file '${join(dir, 'pw')}'`;
    const refused = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('unshare', ['-m', '--propagation', 'private', 'sh', '-c', command], { env: { ...process.env, ...env } }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /no in-memory folder \(tmpfs\) found for the plaintext .*refusing to write it to a disk/);
    assert.equal(existsSync(record), false, 'the editor ran');
    assert.deepEqual(readdirSync(disk), []);
    assert.deepEqual(readFileSync(file), before);
  });
});
