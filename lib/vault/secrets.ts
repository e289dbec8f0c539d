import { readFileSync, statSync } from 'node:fs';
import { isExecutable } from '../util/files.js';
import { childProcess } from '../util/child-process.js';
import { basename, extname } from 'node:path';
import { InputError } from '../errors.js';
import { decryptWith, encrypt, isVaultText, parseEnvelope, VaultFormatError } from './envelope.js';
import { markSecret } from './redact.js';

/** A vault password with its vault id ('default' unless given as id@source), as ansible-vault's secrets. */
export interface VaultSecret {
  id: string;
  password: Buffer;
  source: string;
}

export interface VaultSecretOptions {
  /** --vault-id values, in order: `id@file`, `id@prompt`, `file` or `prompt`. */
  vaultIds?: string[];
  /** --vault-password-file values, in order (each becomes default@file after the vault ids, as Ansible). */
  passwordFiles?: string[];
  /** --ask-vault-pass */
  askVaultPass?: boolean;
  /** Reads a password from the terminal (without echo). */
  prompt?: (question: string) => Promise<string>;
}

/** Secrets in Ansible's order: --vault-id first, then --vault-password-file, then --ask-vault-pass. */
export async function loadVaultSecrets(options: VaultSecretOptions): Promise<VaultSecret[]> {
  const slugs = [...(options.vaultIds ?? []), ...(options.passwordFiles ?? []).map((file) => `default@${file}`)];
  if (options.askVaultPass) slugs.push('default@prompt');
  const secrets: VaultSecret[] = [];
  for (const slug of slugs) {
    const at = slug.indexOf('@');
    const id = at > 0 ? slug.slice(0, at) : 'default';
    const source = at > 0 ? slug.slice(at + 1) : slug;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      if (!options.prompt || !process.stdin.isTTY) throw new InputError(`a vault password prompt (${slug}) needs a terminal; use --vault-password-file`);
      const answer = await options.prompt(id === 'default' ? 'Vault password: ' : `Vault password (${id}): `);
      if (answer === '') throw new InputError('an empty vault password was given');
      secrets.push({ id, password: Buffer.from(answer, 'utf8'), source: 'prompt' });
    } else {
      secrets.push({ id, password: readPasswordFile(source, id), source });
    }
  }
  return secrets;
}

/**
 * A password file's content stripped of surrounding whitespace. An executable file is run and its
 * stdout used; one named `*-client` (`*-client.py`, ...) is a vault-id client script, run as
 * `FILE --vault-id ID` with exit code 2 meaning "no secret for that id", as ansible-vault runs it
 * (parsing/vault/__init__.py). A plain script's stderr stays the terminal's, so it can prompt.
 */
export function readPasswordFile(file: string, vaultId = 'default'): Buffer {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new InputError(`the vault password file ${file} was not found`);
  }
  if (!stat.isFile()) throw new InputError(`the vault password file ${file} is not a file`);
  let password: Buffer;
  if (isExecutable(file)) {
    password = stripNewlines(isClientScript(file) ? runClientScript(file, vaultId) : runPasswordScript(file));
  } else {
    password = Buffer.from(readFileSync(file).toString('utf8').trim(), 'utf8');
  }
  if (password.length === 0) throw new InputError(`the vault password file ${file} is empty`);
  return password;
}

/** Ansible's script_is_client: the name without its extension ends in `-client`. */
export function isClientScript(file: string): boolean {
  return basename(file, extname(file)).endsWith('-client');
}

function runPasswordScript(file: string): Buffer {
  try {
    return childProcess().execFileSync(file, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (error) {
    throw new InputError(`the vault password script ${file} failed: ${(error as Error).message.split('\n')[0]}`, undefined, { cause: error });
  }
}

/** Exit code with which a client script says it has no secret for the vault id asked. */
const VAULT_ID_UNKNOWN = 2;

function runClientScript(file: string, vaultId: string): Buffer {
  const run = childProcess().spawnSync(file, ['--vault-id', vaultId], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.error) throw new InputError(`the vault password client script ${file} could not run: ${run.error.message}`, undefined, { cause: run.error });
  const said = run.stderr.toString('utf8').trim().split('\n')[0];
  const because = said ? `: ${said}` : '';
  if (run.status === VAULT_ID_UNKNOWN) throw new InputError(`the vault password client script ${file} has no secret for vault id '${vaultId}'${because}`);
  if (run.status !== 0) {
    const how = run.status === null ? `was killed by ${run.signal}` : `exited with ${run.status}`;
    throw new InputError(`the vault password client script ${file} ${how} when asked for vault id '${vaultId}'${because}`);
  }
  return run.stdout;
}

function stripNewlines(buffer: Buffer): Buffer {
  let start = 0;
  let end = buffer.length;
  while (start < end && (buffer[start] === 10 || buffer[start] === 13)) start++;
  while (end > start && (buffer[end - 1] === 10 || buffer[end - 1] === 13)) end--;
  return buffer.subarray(start, end);
}

let configured: VaultSecret[] = [];
/** Inline vault values by plaintext: output shows the ciphertext, as ansible-inventory does. */
const inlineVaultTexts = new Map<string, string>();

export function rememberVaultText(plaintext: string, vaultText: string): void {
  inlineVaultTexts.set(plaintext, vaultText);
}

export function vaultTextOf(plaintext: string): string | undefined {
  return inlineVaultTexts.get(plaintext);
}

/** The secrets every later load uses (set once by the CLI, before any file is read). */
export function setVaultSecrets(secrets: VaultSecret[]): void {
  configured = secrets;
}

export function vaultSecrets(): VaultSecret[] {
  return configured;
}

export class VaultDecryptError extends Error {}

/**
 * Decrypts vault text with the configured secrets: those whose id the envelope names first,
 * then every other one in order, as Ansible (vault_id_match off). Throws VaultDecryptError.
 */
export function decryptVaultText(text: string, secrets: VaultSecret[] = configured): Buffer {
  return openVaultText(text, secrets).plaintext;
}

/** As decryptVaultText, also naming the secret that opened it and the envelope's vault id (edit re-encrypts with both). */
export function openVaultText(text: string, secrets: VaultSecret[] = configured): { plaintext: Buffer; secret: VaultSecret; vaultId?: string } {
  let envelope;
  try {
    envelope = parseEnvelope(text);
  } catch (error) {
    throw new VaultDecryptError((error as Error).message);
  }
  if (secrets.length === 0) {
    throw new VaultDecryptError('this is vault-encrypted data and no vault password was given (use --vault-password-file, --vault-id or --ask-vault-pass)');
  }
  const ordered = envelope.vaultId ? [...secrets.filter((s) => s.id === envelope.vaultId), ...secrets.filter((s) => s.id !== envelope.vaultId)] : secrets;
  for (const secret of ordered) {
    try {
      const plaintext = decryptWith(envelope, secret.password);
      if (plaintext) return { plaintext, secret, vaultId: envelope.vaultId };
    } catch (error) {
      if (error instanceof VaultFormatError) throw new VaultDecryptError(error.message);
      throw error;
    }
  }
  const named = envelope.vaultId ? ` (vault id '${envelope.vaultId}')` : '';
  throw new VaultDecryptError(`none of the ${secrets.length} vault password(s) given decrypts this data${named}`);
}

/** Encrypts with one secret, writing format 1.2 when its id is not 'default' (as ansible-vault). */
export function encryptVaultText(plaintext: Buffer, secret: VaultSecret): string {
  return encrypt(plaintext, secret.password, secret.id);
}

/**
 * A file's bytes, decrypted in memory when it is a vault file (its content then becomes a secret).
 * Returns whether it was encrypted, so callers can treat what came from it as secret.
 */
export function readMaybeVaultFile(file: string): { data: Buffer; vaulted: boolean } {
  const raw = readFileSync(file);
  if (!isVaultText(raw)) return { data: raw, vaulted: false };
  try {
    const data = decryptVaultText(raw.toString('utf8'));
    markSecret(data.toString('utf8'));
    return { data, vaulted: true };
  } catch (error) {
    if (error instanceof VaultDecryptError) throw new InputError(`cannot decrypt ${file}: ${error.message}`);
    throw error;
  }
}

export { LockedVaultValue } from './locked.js';
