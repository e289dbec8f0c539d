import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ParsedKey } from 'ssh2';
import { ssh2 } from './ssh2-module.js';

/** How one private key file will be used: its bytes, with the passphrase it needs, or ssh-agent instead. */
export type KeyChoice = { key: Buffer; passphrase?: string } | { useAgent: true };

/** Whether a key can be used as it is (parses, needs no passphrase). */
export function usableWithoutPassphrase(key: Buffer): boolean {
  return !(parsedPrivateKey(key) instanceof Error);
}

/** Why a key cannot be used, naming the file, with what to do about it. */
export class KeyError extends Error {
  override name = 'KeyError';
}

/**
 * Loads and parses a private key before any connection, so a bad key is one clear error
 * instead of a failure on every host. A passphrase-protected key is decrypted with the
 * passphrase `ask` returns (a prompt on a terminal), or left to ssh-agent when one runs;
 * the passphrase is never taken from the command line.
 */
export async function loadPrivateKey(file: string, options: { agent?: string; ask?: (file: string) => Promise<string> }): Promise<KeyChoice> {
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (error) {
    throw new KeyError(`private key ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ssh2().utils.parseKey(key);
  if (!(parsed instanceof Error)) return { key };
  if (!/encrypted|passphrase/i.test(parsed.message)) {
    throw new KeyError(`private key ${file} cannot be parsed (${parsed.message}); use an OpenSSH or PEM private key, or load it into ssh-agent`, { cause: parsed });
  }
  if (options.agent) return { useAgent: true };
  if (!options.ask) {
    throw new KeyError(`private key ${file} is protected by a passphrase and no ssh-agent runs: add it with 'ssh-add ${file}' (or run on a terminal to be asked for the passphrase)`);
  }
  const passphrase = await options.ask(file);
  const decrypted = ssh2().utils.parseKey(key, passphrase);
  if (decrypted instanceof Error) throw new KeyError(`private key ${file}: wrong passphrase (${decrypted.message}); or add it to ssh-agent with 'ssh-add ${file}'`, { cause: decrypted });
  return { key, passphrase };
}

/** Keys parsed in this process (a thread has its own), by a hash of the key and its passphrase. */
const parsedKeys = new Map<string, ParsedKey | Error>();

/**
 * A private key as ssh2 uses it, parsed once per process: ssh2 parses a key given as bytes on
 * every connect (PEM decoding, a public key export), the largest share of its CPU per connection
 * after the key exchange itself. An OpenSSH key file holds a list (ssh2 takes its first key, as here).
 */
export function parsedPrivateKey(key: Buffer, passphrase?: string): ParsedKey | Error {
  const id = createHash('sha256').update(key).update(passphrase === undefined ? '\0' : `\x01${passphrase}`).digest('base64');
  let parsed = parsedKeys.get(id);
  if (!parsed) {
    const result = ssh2().utils.parseKey(key, passphrase) as ParsedKey | ParsedKey[] | Error;
    parsed = Array.isArray(result) ? (result[0] ?? new Error('no key in the file')) : result;
    if (!(parsed instanceof Error) && !parsed.isPrivateKey()) parsed = new Error('not a private key');
    parsedKeys.set(id, parsed instanceof Error ? parsed : signingWithKeyObject(parsed));
  }
  return parsedKeys.get(id)!;
}

/** The hash ssh2 signs with when it names none (its keyParser's per key type). */
const DEFAULT_SIGNATURE_HASH: Record<string, string | null> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
  'ssh-rsa': 'sha1',
};

/**
 * The key, signing with a node:crypto KeyObject made once: ssh2 signs with the PEM text, which
 * OpenSSL decodes again on every signature (~0.6 ms of the ~0.65 ms an ed25519 signature costs
 * here, once per connection). Same signature bytes (DER for ECDSA, as ssh2's; it converts them).
 */
function signingWithKeyObject(key: ParsedKey): ParsedKey {
  const defaultHash = DEFAULT_SIGNATURE_HASH[key.type];
  if (defaultHash === undefined) return key;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  const signWithKeyObject = (data: Buffer | string, algo?: string): Buffer | Error => {
    try {
      return sign(algo || defaultHash, typeof data === 'string' ? Buffer.from(data) : data, privateKey);
    } catch (error) {
      return error as Error;
    }
  };
  // Everything else (type, public key, ssh2's marks of a parsed key) from ssh2's own object.
  return Object.create(key, { sign: { value: signWithKeyObject } }) as ParsedKey;
}
