import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownHostsFor, recordKnownKey } from '../../lib/transport/known-hosts.js';
import { parsedPrivateKey } from '../../lib/transport/keys.js';

/**
 * known_hosts lookups, read and parsed once per version of the file (a fleet's connections all
 * ask it), with OpenSSH's matching: plain names, `[addr]:port`, wildcards, negations, hashed
 * names (hashed by ssh-keygen -H, the oracle), @revoked and @cert-authority.
 */
describe('known_hosts lookups', function () {
  this.timeout(30_000);
  let dir: string;
  const keys: string[] = [];
  const keygen = (...args: string[]) => execFileSync('ssh-keygen', args, { cwd: dir, encoding: 'utf8' });
  const blob = (i: number) => keys[i].split(' ')[1];
  const found = (file: string, name: string) => {
    const entries = knownHostsFor(file, name);
    return { keys: entries.keys.map((k) => `${k.line}:${k.blob}`), revoked: entries.revoked.map((k) => `${k.line}:${k.blob}`), cas: entries.certAuthorities.map((k) => `${k.line}:${k.blob}`) };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-known-hosts-'));
    for (let i = 0; i < 8; i++) {
      keygen('-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(dir, `k${i}`));
      keys.push(readFileSync(join(dir, `k${i}.pub`), 'utf8').trim().split(' ').slice(0, 2).join(' '));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("matches as OpenSSH does: names, ports, wildcards, negations, hashed names, markers", () => {
    const file = join(dir, 'known_hosts');
    // ssh-keygen -H hashes every name of a file: one file of hashed lines, appended to the plain ones.
    const hashed = join(dir, 'hashed');
    writeFileSync(hashed, `secret.example ${keys[5]}\n[10.0.0.9]:2200 ${keys[6]}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
    const hashedLines = readFileSync(hashed, 'utf8').split('\n').filter((line) => line.startsWith('|1|'));
    assert.equal(hashedLines.length, 2);
    writeFileSync(file, [
      '# a comment',
      `web1.example,10.0.0.1 ${keys[0]}`,
      `WEB2.Example ${keys[1]}`,
      `*.db.example,!private.db.example ${keys[2]}`,
      `[10.0.0.5]:2222 ${keys[3]}`,
      `@revoked * ${keys[4]}`,
      `@cert-authority *.example ${keys[7]}`,
      '',
      ...hashedLines,
      `10.0.0.1 ${keys[3]}`,
    ].join('\n'));
    assert.deepEqual(found(file, 'web1.example'), { keys: [`2:${blob(0)}`], revoked: [`6:${blob(4)}`], cas: [`7:${blob(7)}`] });
    // Two lines for one address, in file order.
    assert.deepEqual(found(file, '10.0.0.1').keys, [`2:${blob(0)}`, `11:${blob(3)}`]);
    assert.deepEqual(found(file, 'web2.example').keys, [`3:${blob(1)}`]);
    assert.deepEqual(found(file, 'a.db.example').keys, [`4:${blob(2)}`]);
    assert.deepEqual(found(file, 'private.db.example').keys, []);
    assert.deepEqual(found(file, '[10.0.0.5]:2222').keys, [`5:${blob(3)}`]);
    assert.deepEqual(found(file, '10.0.0.5').keys, []);
    assert.deepEqual(found(file, 'secret.example'), { keys: [`9:${blob(5)}`], revoked: [`6:${blob(4)}`], cas: [`7:${blob(7)}`] });
    assert.deepEqual(found(file, '[10.0.0.9]:2200'), { keys: [`10:${blob(6)}`], revoked: [`6:${blob(4)}`], cas: [] });
    assert.deepEqual(found(file, 'other.net'), { keys: [], revoked: [`6:${blob(4)}`], cas: [] });
    assert.deepEqual(found(join(dir, 'absent'), 'web1.example'), { keys: [], revoked: [], cas: [] });
  });

  it('parses the file once per version, and sees every change: an edit of the same size, an append, a removal', () => {
    const file = join(dir, 'changing');
    writeFileSync(file, `web1.example ${keys[0]}\n`);
    const first = knownHostsFor(file, 'web1.example');
    assert.equal(knownHostsFor(file, 'web1.example'), first, 'the same answer object while the file is unchanged');
    // Another key of the same type: the same size, only the times tell.
    writeFileSync(file, `web1.example ${keys[1]}\n`);
    assert.deepEqual(found(file, 'web1.example').keys, [`1:${blob(1)}`]);
    appendFileSync(file, `web1.example ${keys[2]}\n`);
    assert.deepEqual(found(file, 'web1.example').keys, [`1:${blob(1)}`, `2:${blob(2)}`]);
    rmSync(file);
    assert.deepEqual(found(file, 'web1.example').keys, []);
  });

  it('records a new key once, and the next lookup has it', () => {
    const file = join(dir, 'sub', 'recorded');
    const key = Buffer.from(blob(3), 'base64');
    assert.deepEqual(found(file, '[127.0.0.1]:2222').keys, []);
    recordKnownKey(file, '[127.0.0.1]:2222', key);
    recordKnownKey(file, '[127.0.0.1]:2222', key);
    assert.deepEqual(found(file, '[127.0.0.1]:2222').keys, [`1:${blob(3)}`]);
    assert.equal(readFileSync(file, 'utf8'), `[127.0.0.1]:2222 ${keys[3]}\n`);
  });
});

/** Private keys are parsed once per process; the parsed key signs as the file's key. */
describe('private keys parsed once', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-keys-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'plain')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', 'pass phrase', '-f', join(dir, 'locked')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives one parsed private key per file and passphrase, which signs what its public key verifies', () => {
    const bytes = readFileSync(join(dir, 'plain'));
    const key = parsedPrivateKey(bytes);
    assert.ok(!(key instanceof Error) && !Array.isArray(key));
    assert.equal(parsedPrivateKey(Buffer.from(bytes)), key, 'the same bytes again: the same parsed key');
    assert.equal(key.type, 'ssh-ed25519');
    assert.ok(key.isPrivateKey());
    const signature = key.sign(Buffer.from('data'));
    assert.ok(key.verify(Buffer.from('data'), signature));
    assert.equal(key.getPublicSSH().toString('base64'), readFileSync(join(dir, 'plain.pub'), 'utf8').split(' ')[1]);
  });

  it('needs the right passphrase for a protected key', () => {
    const bytes = readFileSync(join(dir, 'locked'));
    assert.ok(parsedPrivateKey(bytes) instanceof Error);
    assert.ok(parsedPrivateKey(bytes, 'wrong') instanceof Error);
    const key = parsedPrivateKey(bytes, 'pass phrase');
    assert.ok(!(key instanceof Error) && key.isPrivateKey() && key.type === 'ssh-ed25519');
  });
});
