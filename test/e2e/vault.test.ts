import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runbook } from './cli.js';

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

  it('asks for a password only on a terminal, and refuses none at all', async () => {
    const none = await runbook(['vault', 'view', join(dir, 'b.yml')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /a vault password is needed/);
    const ask = await runbook(['vault', 'view', join(dir, 'b.yml'), '--ask-vault-pass']);
    assert.equal(ask.code, 1);
    assert.match(ask.stderr, /needs a terminal/);
  });
});
