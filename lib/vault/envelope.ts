import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Ansible Vault's format, byte for byte as ansible-vault writes it (parsing/vault/__init__.py):
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (or $ANSIBLE_VAULT;1.2;AES256;<vault id>)
 *   <hex, 80 characters a line>
 *
 * The hex decodes to the text `hex(salt) \n hex(hmac) \n hex(ciphertext)`. Keys come from
 * PBKDF2-HMAC-SHA256 (10 000 iterations, 80 bytes: AES key, HMAC key, counter IV); the cipher is
 * AES-256-CTR over PKCS#7-padded plaintext; the HMAC-SHA256 of the ciphertext is checked first.
 */

export const VAULT_HEADER = '$ANSIBLE_VAULT';

export interface VaultEnvelope {
  version: string; // '1.1' or '1.2'
  cipher: string; // 'AES256'
  vaultId?: string; // 1.2 only
  payload: string; // the hex lines joined
}

export class VaultFormatError extends Error {}

export function isVaultText(text: string | Buffer): boolean {
  const head = typeof text === 'string' ? text.trimStart().slice(0, VAULT_HEADER.length) : text.subarray(0, 64).toString('latin1').trimStart().slice(0, VAULT_HEADER.length);
  return head === VAULT_HEADER;
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(';').map((field) => field.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError(`not a vault header: '${lines[0].slice(0, 60)}'`);
  const [, version, cipher, vaultId] = header;
  if (cipher !== 'AES256') throw new VaultFormatError(`vault cipher '${cipher}' is not supported (only AES256, as ansible-vault writes)`);
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`vault format version '${version}' is not supported (1.1 and 1.2 are)`);
  const payload = lines.slice(1).map((line) => line.trim()).join('');
  return { version, cipher, ...(vaultId ? { vaultId } : {}), payload };
}

interface Parts {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultFormatError(`vault ${what} is not hexadecimal`);
  return Buffer.from(text, 'hex');
}

function parsePayload(payload: string): Parts {
  const inner = unhex(payload, 'payload').toString('latin1');
  const [salt, hmac, ciphertext, extra] = inner.split('\n');
  if (ciphertext === undefined || extra !== undefined) throw new VaultFormatError('vault payload does not hold salt, HMAC and ciphertext');
  return { salt: unhex(salt, 'salt'), hmac: unhex(hmac, 'HMAC'), ciphertext: unhex(ciphertext, 'ciphertext') };
}

function deriveKeys(password: Buffer, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, 10000, 80, 'sha256');
  return { key: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

/** The plaintext, or undefined when this password does not open it (HMAC mismatch). */
export function decryptWith(envelope: VaultEnvelope, password: Buffer): Buffer | undefined {
  const { salt, hmac, ciphertext } = parsePayload(envelope.payload);
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (expected.length !== hmac.length || !timingSafeEqual(expected, hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', key, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.length > 0 ? padded[padded.length - 1] : 0;
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultFormatError('vault plaintext has invalid padding');
  }
  return padded.subarray(0, padded.length - pad);
}

/** The vault text ansible-vault would write: header, hex in 80-column lines, trailing newline. */
export function encrypt(plaintext: Buffer, password: Buffer, vaultId?: string, salt: Buffer = randomBytes(32)): string {
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const pad = 16 - (plaintext.length % 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.alloc(pad, pad)])), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const inner = [salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')].join('\n');
  const hex = Buffer.from(inner, 'latin1').toString('hex');
  const header = vaultId && vaultId !== 'default' ? `${VAULT_HEADER};1.2;AES256;${vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < hex.length; i += 80) lines.push(hex.slice(i, i + 80));
  return `${lines.join('\n')}\n`;
}
