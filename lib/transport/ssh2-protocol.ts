import type { Client, ParsedKey } from 'ssh2';

/**
 * Two places where runbook changes what ssh2 (pinned in package-lock) does on the wire, each a
 * round trip per connection that a fleet pays thousands of times. ssh2 has no option for either,
 * so both reach into its Protocol object, guardedly: when ssh2's inside is not as expected the
 * connection goes on exactly as ssh2 does it (a round trip more), and the function says so
 * (test/e2e/ssh-protocol.test.ts fails then, naming it).
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
 * other global request still goes to ssh2. Call right after `client.connect()` (which builds
 * the Protocol), before any packet arrives. Returns whether the handler could be replaced.
 */
export function declineHostKeyProofs(client: Client): boolean {
  const protocol = protocolOf(client);
  const handlers = protocol?._handlers;
  const ssh2Handler = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof ssh2Handler !== 'function' || typeof protocol.requestSuccess !== 'function') return false;
  handlers.GLOBAL_REQUEST = (proto: Ssh2Protocol, name: string, wantReply: boolean, data: unknown) => {
    if (name !== HOSTKEYS) return (ssh2Handler as (...args: unknown[]) => unknown)(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess!();
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
