import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptWith, encrypt, parseEnvelope } from '../../lib/vault/envelope.js';
import { holdsSecret, markSecret, redact, redactText } from '../../lib/vault/redact.js';
import { decryptVaultText, readPasswordFile, setVaultSecrets, type VaultSecret } from '../../lib/vault/secrets.js';
import { parseYaml, loadYamlFile } from '../../lib/yaml/load.js';
import { renderValue } from '../../lib/template/index.js';
import { FIXTURES } from './input-fixtures.js';

const vaulted = join(FIXTURES, '..', 'inventories', 'vaulted');
const secret = (id: string, password: string): VaultSecret => ({ id, password: Buffer.from(password), source: 'test' });

describe('vault', () => {
  afterEach(() => setVaultSecrets([]));

  it('reads a file ansible-vault encrypted (format 1.1)', () => {
    const text = readFileSync(join(vaulted, 'group_vars', 'all', 'vault.yml'), 'utf8');
    assert.equal(decryptVaultText(text, [readPasswordFileSecret()]).toString(), 'vault_db_password: s3cr3t-from-file\nvault_port: 5433\n');
  });

  it('tries the secrets of the envelope\'s vault id first, then the others; a wrong password is an error', () => {
    const text = encrypt(Buffer.from('x'), Buffer.from('right'), 'dev');
    assert.equal(parseEnvelope(text).vaultId, 'dev');
    assert.equal(decryptVaultText(text, [secret('default', 'wrong'), secret('dev', 'right')]).toString(), 'x');
    assert.equal(decryptVaultText(text, [secret('other', 'right')]).toString(), 'x');
    assert.throws(() => decryptVaultText(text, [secret('dev', 'wrong')]), /none of the 1 vault password\(s\) given decrypts this data \(vault id 'dev'\)/);
    assert.throws(() => decryptVaultText(text, []), /no vault password was given/);
  });

  it('writes what ansible-vault writes: header, 80-column hex, PKCS#7 padding of full blocks', () => {
    const salt = Buffer.alloc(32, 7);
    const text = encrypt(Buffer.alloc(16, 65), Buffer.from('pw'), undefined, salt);
    const lines = text.split('\n');
    assert.equal(lines[0], '$ANSIBLE_VAULT;1.1;AES256');
    assert.ok(lines.slice(1, -2).every((l) => l.length === 80));
    assert.equal(lines.at(-1), '');
    assert.equal(decryptWith(parseEnvelope(text), Buffer.from('pw'))!.toString(), 'A'.repeat(16));
    assert.match(encrypt(Buffer.from('x'), Buffer.from('pw'), 'prod'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  });

  it('opens inline !vault values as secrets, or leaves them locked until used', () => {
    const file = join(vaulted, 'group_vars', 'all', 'plain.yml');
    setVaultSecrets([]);
    const locked = loadYamlFile(file) as Record<string, unknown>;
    assert.throws(() => String(locked.api_token), /plain\.yml:2:\d+: cannot use the vault-encrypted value: .*no vault password was given/);
    assert.match(JSON.stringify(locked), /"__ansible_vault":"\$ANSIBLE_VAULT;1\.2;AES256;dev/);
    // Used in a template, whole or inside text: the error names where the value was written.
    for (const template of ['{{ api_token }}', 'token={{ api_token }}']) {
      assert.throws(() => renderValue(template, locked), /plain\.yml:2:\d+: cannot use the vault-encrypted value/);
    }
    setVaultSecrets([secret('dev', 'v1')]);
    const open = loadYamlFile(file) as Record<string, unknown>;
    assert.equal(open.api_token, 'inline-s3cret-dev');
    assert.equal(holdsSecret(open), true);
    assert.equal(holdsSecret({ url: 'https://u:inline-s3cret-dev@h' }), true);
    assert.equal(holdsSecret(open.plain_user), false);
  });

  it('redacts secrets inside any text and any event', () => {
    markSecret('hunter2-password');
    assert.equal(redactText('pw is hunter2-password!'), 'pw is ********!');
    assert.deepEqual(redact({ a: ['x hunter2-password y'], b: 1 }), { a: ['x ******** y'], b: 1 });
    const plain = { a: 'nothing' };
    assert.equal(redact(plain), plain);
  });

  it('reads password files stripped, and runs executable ones', () => {
    assert.equal(readPasswordFile(join(vaulted, 'vault-pass')).toString(), 'fixture-vault-password');
    assert.throws(() => readPasswordFile(join(vaulted, 'nope')), /vault password file .* was not found/);
  });

  it('parses YAML of a whole encrypted file with locations', () => {
    setVaultSecrets([readPasswordFileSecret()]);
    const data = loadYamlFile(join(vaulted, 'group_vars', 'all', 'vault.yml')) as Record<string, unknown>;
    assert.equal(data.vault_port, 5433);
    assert.equal(holdsSecret(data.vault_db_password), true);
    assert.equal(parseYaml('a: 1\n', 'x.yml') !== null, true);
  });
});

function readPasswordFileSecret(): VaultSecret {
  return { id: 'default', password: readPasswordFile(join(vaulted, 'vault-pass')), source: 'test' };
}
