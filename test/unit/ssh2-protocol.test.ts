import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { verifyEd25519FromRawKey } from '../../lib/transport/ssh2-protocol.js';

/**
 * The host's signature of the key exchange, checked from an ed25519 key's raw bytes instead of
 * ssh2's PEM text (ssh2-protocol.ts): the same answers as ssh2's own check, for keys made by
 * ssh-keygen and parsed from the wire format, as ssh2 parses a host key.
 */
describe('host signature checks with ssh2 adjusted', function () {
  this.timeout(30_000);
  let dir: string;
  const made: Record<string, { privateKey: ParsedKey; publicKey: ParsedKey }> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-ssh2-protocol-'));
    for (const [name, args] of [['ed1', ['-t', 'ed25519']], ['ed2', ['-t', 'ed25519']], ['ec', ['-t', 'ecdsa', '-b', '256']]] as const) {
      execFileSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', '', '-f', join(dir, name)]);
      const privateKey = ssh2.utils.parseKey(readFileSync(join(dir, name))) as ParsedKey;
      // As the host key arrives in the key exchange: the wire blob, parsed by ssh2.
      const wire = Buffer.from(readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ')[1], 'base64');
      const publicKey = ssh2.utils.parseKey(wire) as ParsedKey;
      assert.ok(!(publicKey instanceof Error) && !(privateKey instanceof Error), name);
      made[name] = { privateKey, publicKey };
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Each check's answer, by `check` (the key's own verify, or ssh2's way: OpenSSL with the PEM text). */
  const answers = (check: (key: ParsedKey, data: Buffer, signature: Buffer) => unknown) => {
    const data = randomBytes(32);
    const out: Record<string, unknown> = {};
    for (const [name, { privateKey, publicKey }] of Object.entries(made)) {
      const signature = privateKey.sign(data) as Buffer;
      const flipped = Buffer.from(signature);
      flipped[flipped.length - 1] ^= 1;
      const other = made[name === 'ed1' ? 'ed2' : 'ed1'].privateKey.sign(data) as Buffer;
      const attempt = (d: Buffer, sig: Buffer) => {
        try {
          return check(publicKey, d, sig) === true;
        } catch {
          return false;
        }
      };
      out[name] = { good: attempt(data, signature), flipped: attempt(data, flipped), otherData: attempt(randomBytes(32), signature), otherKey: attempt(data, other), short: attempt(data, signature.subarray(0, 10)) };
    }
    return out;
  };

  it("gives the answers ssh2's own check gives: a good signature passes, a changed one, another key's or other data fail", () => {
    assert.equal(verifyEd25519FromRawKey(), true);
    const proto = Object.getPrototypeOf(made.ed1.publicKey) as { verify: { name: string } };
    assert.equal(proto.verify.name, 'verifyFromRawKey', 'the check is replaced (else this test proves nothing)');
    const expected = { good: true, flipped: false, otherData: false, otherKey: false, short: false };
    // ssh2's way for ed25519 (keyParser's verify): OpenSSL given the PEM text, no hash named.
    const ssh2Way = answers((key, data, signature) => verify(null, data, key.getPublicPEM(), signature));
    assert.deepEqual({ ed1: ssh2Way.ed1, ed2: ssh2Way.ed2 }, { ed1: expected, ed2: expected });
    const adjusted = answers((key, data, signature) => key.verify(data, signature));
    assert.deepEqual({ ed1: adjusted.ed1, ed2: adjusted.ed2 }, { ed1: expected, ed2: expected });
    // ecdsa stays ssh2's own check.
    assert.equal((adjusted.ec as { good: boolean }).good, true);
    assert.equal((adjusted.ec as { flipped: boolean }).flipped, false);
    assert.equal(verifyEd25519FromRawKey(), true, 'once per process');
  });
});
