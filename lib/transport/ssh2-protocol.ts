import { createPublicKey, verify } from 'node:crypto';
import type { Client, ParsedKey } from 'ssh2';
import { ssh2 } from './ssh2-module.js';

/**
 * Where runbook changes what ssh2 (pinned in package-lock) does per connection, each paid
 * thousands of times by a fleet: two round trips on the wire, and how the host's signature is
 * checked. ssh2 has no option for any of them, so they reach into its objects, guardedly: when
 * ssh2's inside is not as expected the connection goes on exactly as ssh2 does it, and the
 * function says so (test/e2e/ssh-protocol.test.ts fails then, naming it).
 */

/** What runbook uses of ssh2's Protocol (lib/protocol/Protocol.js, 1.17). */
interface Ssh2Protocol {
  _handlers?: Record<string, unknown>;
  authPK?: (username: string, key: ParsedKey, keyAlgo?: string, sign?: (data: Buffer, done: (signature: Buffer) => void) => void) => void;
  requestSuccess?: () => void;
}

function protocolOf(client: Client): Ssh2Protocol | undefined {
  return (client as unknown as { _protocol?: Ssh2Protocol })._protocol;
}

const HOSTKEYS = 'hostkeys-00@openssh.com';

/**
 * OpenSSH's sshd announces all its host keys after authentication (hostkeys-00@openssh.com),
 * for clients that update known_hosts from them (UpdateHostKeys). ssh2 answers by asking the
 * host to prove it holds each one (hostkeys-prove-00): sshd signs with every host key, ssh2
 * verifies every signature, and the result only feeds a 'hostkeys' event runbook never listens
 * to (known_hosts changes only through --accept-new-host-keys). Here the announcement is taken
 * note of and nothing more, as ssh2 itself answers it (success when a reply is wanted); every
 * other global request still goes to ssh2. `announced` is called when it comes: sshd's
 * process that sends it began after the login was counted done (see ssh.ts, handshake slots).
 * Call right after `client.connect()` (which builds the Protocol), before any packet arrives.
 * Returns whether the handler could be replaced.
 */
export function declineHostKeyProofs(client: Client, announced: () => void): boolean {
  const protocol = protocolOf(client);
  const handlers = protocol?._handlers;
  const ssh2Handler = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof ssh2Handler !== 'function' || typeof protocol.requestSuccess !== 'function') return false;
  handlers.GLOBAL_REQUEST = (proto: Ssh2Protocol, name: string, wantReply: boolean, data: unknown) => {
    if (name !== HOSTKEYS) return (ssh2Handler as (...args: unknown[]) => unknown)(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess!();
    announced();
  };
  return true;
}

/** The hash of a signature by the key algorithm ssh2 chose (its getKeyAlgos); undefined: the key's own. */
const SIGNATURE_HASHES: Record<string, string> = { 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512', 'ssh-rsa': 'sha1' };

/**
 * ssh2 offers a private key first without a signature (a "publickey check": may I use this
 * key?), and signs only after sshd's yes: a round trip, and sshd looks the key up in
 * authorized_keys twice. OpenSSH's ssh sends the signed request at once when it holds the
 * private key; so does this, for `key` only (an agent's keys keep ssh2's check, as ssh's do).
 * A key sshd does not accept fails the same way either way (USERAUTH_FAILURE, next method).
 * Call right after `client.connect()`. Returns whether ssh2's method could be wrapped.
 */
export function signPublicKeyAtOnce(client: Client, key: ParsedKey): boolean {
  const protocol = protocolOf(client);
  const authPK = protocol?.authPK;
  if (!protocol || typeof authPK !== 'function' || authPK.length !== 4) return false;
  protocol.authPK = function (this: Ssh2Protocol, username, offered, keyAlgo, sign) {
    if (sign || offered !== key) return authPK.call(this, username, offered, keyAlgo, sign);
    return authPK.call(this, username, offered, keyAlgo, (data, done) => {
      const signature = key.sign(data, keyAlgo ? SIGNATURE_HASHES[keyAlgo] : undefined) as Buffer | Error;
      // As ssh2's own path: an authentication error (the connection fails with it), nothing sent.
      if (signature instanceof Error) client.emit('error', Object.assign(new Error(`Error signing data with key: ${signature.message}`, { cause: signature }), { level: 'client-authentication' }));
      else done(signature);
    });
  };
  return true;
}

/** An ed25519 public key in OpenSSH's format: its parse gives ssh2's prototype of every parsed key. */
const SAMPLE_ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG+1F/Y0XqQzLfz3PEmgQeMdpozNwd87skxnBN6QMG10';
/** An ssh-ed25519 public key blob: string "ssh-ed25519" (4 + 11 bytes), string of the 32-byte key. */
const ED25519_BLOB = { length: 51, keyAt: 19 };
let ed25519Verify: boolean | undefined;

/**
 * ssh2 checks the host's signature of the key exchange with the host key as PEM text, which
 * OpenSSL 3 decodes through its decoder framework on every check: ~0.3 ms of CPU per connection
 * where the signature check itself is ~0.13 ms. An ed25519 key is its 32 raw bytes: imported as
 * a JWK (no decoder search) it costs ~0.02 ms. Same key, same check by OpenSSL, same answer
 * (true, false, or ssh2's own way when anything is unexpected). Every other key type is left to
 * ssh2. Changes ssh2's shared key prototype once per process (a thread has its own); later calls
 * only say whether it took.
 */
export function verifyEd25519FromRawKey(): boolean {
  if (ed25519Verify !== undefined) return ed25519Verify;
  const sample = ssh2().utils.parseKey(SAMPLE_ED25519) as ParsedKey | Error;
  const prototype = sample instanceof Error ? undefined : (Object.getPrototypeOf(sample) as { verify?: unknown } | null);
  const ssh2Verify = prototype?.verify;
  if (!prototype || typeof ssh2Verify !== 'function' || typeof (sample as ParsedKey).getPublicSSH !== 'function') return (ed25519Verify = false);
  prototype.verify = function verifyFromRawKey(this: ParsedKey, data: Buffer, signature: Buffer, algo?: string): boolean | Error {
    const blob = this.type === 'ssh-ed25519' && !algo ? this.getPublicSSH() : undefined;
    if (!Buffer.isBuffer(blob) || blob.length !== ED25519_BLOB.length || blob.readUInt32BE(ED25519_BLOB.keyAt - 4) !== 32) return ssh2Verify.call(this, data, signature, algo) as boolean | Error;
    try {
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: blob.subarray(ED25519_BLOB.keyAt).toString('base64url') }, format: 'jwk' });
      return verify(null, data, key, signature);
    } catch {
      return ssh2Verify.call(this, data, signature, algo) as boolean | Error;
    }
  };
  return (ed25519Verify = true);
}
