import { createDiffieHellmanGroup, createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { CERTIFICATE_ALGORITHMS, WireReader, sshString } from './host-certificate.js';

/**
 * Fetches a host's certificate the way `ssh-keyscan -c` does: the start of a key exchange that
 * asks for a `*-cert-v01@openssh.com` host key algorithm, up to the server's reply, which carries
 * the certificate; then the connection is dropped (no authentication, nothing sent after it).
 * ssh2 cannot negotiate these algorithms itself. Nothing read here is trusted: the certificate is
 * checked against the `@cert-authority` key and against the key the real handshake proved.
 */

const SSH_MSG_DISCONNECT = 1;
const SSH_MSG_IGNORE = 2;
const SSH_MSG_DEBUG = 4;
const SSH_MSG_KEXINIT = 20;
const SSH_MSG_KEX_INIT = 30; // KEXDH_INIT and KEX_ECDH_INIT
const SSH_MSG_KEX_REPLY = 31; // KEXDH_REPLY and KEX_ECDH_REPLY
const MAX_PACKET = 256 * 1024;
/** A connection sshd drops before its KEXINIT was shed under load (MaxStartups): worth another try. */
const SHED_RETRIES = 3;

/** Key exchanges this client can start, each with its first message's public value. */
const KEX_METHODS: Record<string, () => Buffer> = {
  'curve25519-sha256': x25519Public,
  'curve25519-sha256@libssh.org': x25519Public,
  'ecdh-sha2-nistp256': () => sshString(createECDH('prime256v1').generateKeys()),
  'ecdh-sha2-nistp384': () => sshString(createECDH('secp384r1').generateKeys()),
  'ecdh-sha2-nistp521': () => sshString(createECDH('secp521r1').generateKeys()),
  'diffie-hellman-group14-sha256': () => mpint(createDiffieHellmanGroup('modp14').generateKeys()),
  'diffie-hellman-group16-sha512': () => mpint(createDiffieHellmanGroup('modp16').generateKeys()),
  'diffie-hellman-group18-sha512': () => mpint(createDiffieHellmanGroup('modp18').generateKeys()),
};

function x25519Public(): Buffer {
  const jwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  return sshString(Buffer.from(jwk.x!, 'base64url'));
}

function mpint(value: Buffer): Buffer {
  return sshString(value[0] & 0x80 ? Buffer.concat([Buffer.alloc(1), value]) : value);
}

export type CertificateFetch = { certificate: Buffer } | { missing: string };

export class KeyscanError extends Error {}

/**
 * The host's certificate for a key of one of `keyTypes` (all when empty), the first the server
 * offers in OpenSSH's order; `missing` says why there is none (the server offers no certificate).
 * Rejects with a KeyscanError when the server cannot be asked.
 */
export async function fetchHostCertificate(address: string, port: number, keyTypes: string[], timeoutMs: number): Promise<CertificateFetch> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(address, port, keyTypes, timeoutMs);
    } catch (error) {
      if (!(error instanceof ShedError)) throw error;
      if (attempt > SHED_RETRIES) throw new KeyscanUnreachableError(`cannot reach ${address}:${port} (asking for its host certificate): ${error.message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

class ShedError extends KeyscanError {}

/** The server never answered as an SSH server (refused, reset, timed out before its version line). */
export class KeyscanUnreachableError extends KeyscanError {}

function fetchOnce(address: string, port: number, keyTypes: string[], timeoutMs: number): Promise<CertificateFetch> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let versionSeen = false;
    let kexinitSeen = false;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    let connected = false;
    const fail = (message: string, shed = false) => {
      if (shed) return finish(() => reject(new ShedError(message)));
      if (!versionSeen) return finish(() => reject(new KeyscanUnreachableError(`cannot reach ${address}:${port} (asking for its host certificate): ${message}`)));
      finish(() => reject(new KeyscanError(`cannot fetch the host certificate from ${address}:${port}: ${message}`)));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    // sshd sheds a connection past MaxStartups by closing it before its KEXINIT: retried.
    socket.on('error', (error) => fail(error.message, connected && !kexinitSeen));
    socket.on('close', () => fail('connection closed', connected && !kexinitSeen));
    socket.on('connect', () => {
      connected = true;
      socket.write('SSH-2.0-runbook_certscan\r\n');
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        if (!versionSeen) {
          // Lines before the version line are allowed (RFC 4253 4.2).
          for (;;) {
            const end = buffer.indexOf('\n');
            if (end < 0) {
              if (buffer.length > 8192) throw new KeyscanError('no SSH version line');
              return;
            }
            const line = buffer.subarray(0, end).toString('latin1');
            buffer = buffer.subarray(end + 1);
            if (line.startsWith('SSH-')) {
              if (!line.startsWith('SSH-2.0-') && !line.startsWith('SSH-1.99-')) throw new KeyscanError(`not an SSH-2 server (${line.trim()})`);
              versionSeen = true;
              break;
            }
          }
        }
        for (;;) {
          if (buffer.length < 5) return;
          const length = buffer.readUInt32BE(0);
          if (length > MAX_PACKET || length < 5) throw new KeyscanError('bad packet length');
          if (buffer.length < 4 + length) return;
          const padding = buffer[4];
          const payload = buffer.subarray(5, 4 + length - padding);
          buffer = buffer.subarray(4 + length);
          const result = handle(payload);
          if (result) return finish(() => resolve(result));
        }
      } catch (error) {
        fail((error as Error).message);
      }
    });

    const handle = (payload: Buffer): CertificateFetch | undefined => {
      const reader = new WireReader(payload);
      const message = reader.byte();
      if (message === SSH_MSG_IGNORE || message === SSH_MSG_DEBUG) return undefined;
      if (message === SSH_MSG_DISCONNECT) {
        reader.uint32();
        throw new KeyscanError(`the server disconnected: ${reader.text()}`);
      }
      if (message === SSH_MSG_KEXINIT && !kexinitSeen) {
        kexinitSeen = true;
        reader.bytes(16);
        const lists = Array.from({ length: 10 }, () => reader.text().split(',').filter(Boolean));
        const [kexOffered, hostKeysOffered] = lists;
        const kex = Object.keys(KEX_METHODS).find((method) => kexOffered.includes(method));
        const wanted = CERTIFICATE_ALGORITHMS.filter((c) => keyTypes.length === 0 || keyTypes.includes(c.keyType));
        const chosen = wanted.find((c) => hostKeysOffered.includes(c.algorithm));
        if (!chosen) {
          const offered = hostKeysOffered.filter((a) => a.includes('-cert-v01@openssh.com'));
          return { missing: offered.length === 0 ? 'the host offers no host certificate' : `the host offers no certificate for its ${keyTypes.join('/')} key (it offers ${offered.join(', ')})` };
        }
        if (!kex) throw new KeyscanError(`no key exchange in common (the server offers ${kexOffered.join(', ')})`);
        // The ciphers, MACs and compression are never used: the server's own lists always agree.
        const ours = [[kex], [chosen.algorithm], ...lists.slice(2, 8), [], []];
        send(Buffer.concat([Buffer.from([SSH_MSG_KEXINIT]), randomBytes(16), ...ours.map((list) => sshString(list.join(','))), Buffer.from([0, 0, 0, 0, 0])]));
        send(Buffer.concat([Buffer.from([SSH_MSG_KEX_INIT]), KEX_METHODS[kex]()]));
        return undefined;
      }
      if (message === SSH_MSG_KEX_REPLY && kexinitSeen) return { certificate: Buffer.from(reader.string()) };
      throw new KeyscanError(`unexpected message ${message} during the key exchange`);
    };

    const send = (payload: Buffer) => {
      // Unencrypted binary packet: length, padding length, payload, padding (at least 4, to a multiple of 8).
      let padding = 8 - ((5 + payload.length) % 8);
      if (padding < 4) padding += 8;
      const header = Buffer.alloc(5);
      header.writeUInt32BE(1 + payload.length + padding);
      header[4] = padding;
      socket.write(Buffer.concat([header, payload, randomBytes(padding)]));
    };
  });
}
