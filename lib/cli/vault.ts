import { existsSync, readFileSync, renameSync, writeFileSync, openSync, closeSync, fchmodSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { isVaultText } from '../vault/envelope.js';
import { encryptVaultText, loadVaultSecrets, openVaultText, VaultDecryptError, type VaultSecret } from '../vault/secrets.js';
import { withMemoryFile } from '../util/memory-file.js';
import { promptHidden } from './prompt.js';
import { configureVault, type VaultArgs } from './vault-options.js';

export interface VaultCommandArgs extends VaultArgs {
  action: 'encrypt' | 'decrypt' | 'view' | 'encrypt_string' | 'create' | 'edit' | 'rekey';
  files?: string[];
  encryptVaultId?: string;
  output?: string;
  name?: string[];
  stdinName?: string;
  newVaultPasswordFile?: string;
  newVaultId?: string;
}

/**
 * `runbook vault encrypt|decrypt|view|encrypt_string|create|edit|rekey`, compatible with
 * ansible-vault both ways. Files are rewritten in place atomically (temp file in the same
 * folder, then rename), keeping their mode; `--output -` writes to stdout. Plaintext never goes
 * to a temp file on disk: create and edit hand it to the editor in a 0600 file on a tmpfs
 * (memory), removed afterwards, or refuse when there is none.
 */
export async function vaultCommand(args: VaultCommandArgs): Promise<number> {
  const secrets = await configureVault(args);
  if (secrets.length === 0) throw new InputError('a vault password is needed: --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass');
  const files = args.files ?? [];
  switch (args.action) {
    case 'encrypt': {
      const secret = encryptSecret(secrets, args.encryptVaultId);
      for (const file of inputs(files)) {
        const data = read(file);
        if (isVaultText(data)) throw new InputError(`${file} is already encrypted`);
        emit(args.output, file, Buffer.from(encryptVaultText(data, secret)));
      }
      if (args.output !== '-') process.stderr.write('Encryption successful\n');
      return 0;
    }
    case 'decrypt':
    case 'view': {
      for (const file of inputs(files)) {
        const { plaintext } = open(file, secrets);
        if (args.action === 'view') process.stdout.write(plaintext);
        else emit(args.output, file, plaintext);
      }
      if (args.action === 'decrypt' && args.output !== '-') process.stderr.write('Decryption successful\n');
      return 0;
    }
    case 'create': {
      if (files.length !== 1) throw new InputError('vault create takes exactly one file name');
      const [file] = files;
      if (existsSync(file)) throw new InputError(`${file} exists; use runbook vault edit ${file}`);
      const secret = encryptSecret(secrets, args.encryptVaultId);
      const edited = editInMemory(file, Buffer.alloc(0));
      writeAtomically(file, Buffer.from(encryptVaultText(edited, secret)));
      return 0;
    }
    case 'edit': {
      if (files.length === 0) throw new InputError('vault edit needs a file name');
      for (const file of files) {
        const { plaintext, secret, vaultId } = open(file, secrets);
        const edited = editInMemory(file, plaintext);
        // Unchanged: the file is left as it was (as ansible-vault); else the same vault id and password.
        if (!edited.equals(plaintext)) writeAtomically(file, Buffer.from(encryptVaultText(edited, { ...secret, id: vaultId ?? 'default' })));
      }
      return 0;
    }
    case 'rekey': {
      if (files.length === 0) throw new InputError('vault rekey needs a file name');
      const fresh = await loadVaultSecrets({ vaultIds: args.newVaultId ? [args.newVaultId] : [], passwordFiles: args.newVaultPasswordFile ? [args.newVaultPasswordFile] : [], prompt: promptHidden });
      if (fresh.length === 0) throw new InputError('vault rekey needs the new password: --new-vault-password-file FILE or --new-vault-id ID@FILE');
      const [secret] = fresh;
      // Every file is decrypted before any is rewritten: a wrong password changes nothing.
      const opened = files.map((file) => ({ file, plaintext: open(file, secrets).plaintext }));
      for (const { file, plaintext } of opened) writeAtomically(file, Buffer.from(encryptVaultText(plaintext, secret)));
      process.stderr.write('Rekey successful\n');
      return 0;
    }
    case 'encrypt_string': {
      const secret = encryptSecret(secrets, args.encryptVaultId);
      const values = files.length > 0 ? files : [readFileSync(0, 'utf8')];
      const names = files.length > 0 ? (args.name ?? []) : args.stdinName ? [args.stdinName] : [];
      values.forEach((value, index) => {
        const vaultText = encryptVaultText(Buffer.from(value, 'utf8'), secret);
        const indented = vaultText.trimEnd().split('\n').map((line) => `          ${line}`).join('\n');
        const name = names[index];
        process.stdout.write(name ? `${name}: !vault |\n${indented}\n` : `!vault |\n${indented}\n`);
      });
      process.stderr.write('Encryption successful\n');
      return 0;
    }
  }
}

/** A vault file decrypted in memory, with the secret that opened it. */
function open(file: string, secrets: VaultSecret[]): ReturnType<typeof openVaultText> {
  const data = read(file);
  if (!isVaultText(data)) throw new InputError(`${file} is not a vault-encrypted file`);
  try {
    return openVaultText(data.toString('utf8'), secrets);
  } catch (error) {
    if (error instanceof VaultDecryptError) throw new InputError(`cannot decrypt ${file}: ${error.message}`);
    throw error;
  }
}

/**
 * The user's editor ($EDITOR, else vi, as ansible-vault) on the plaintext, in a 0600 file on a
 * tmpfs so it never reaches a persistent disk; the file is removed whatever happens. Ctrl-C is
 * the editor's while it runs.
 */
function editInMemory(file: string, plaintext: Buffer): Buffer {
  const editor = process.env.EDITOR || 'vi';
  return withMemoryFile(`${basename(file)}`, plaintext, (path) => {
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    try {
      // Through the shell, as git does: EDITOR may carry arguments ("code --wait").
      const ran = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', path], { stdio: 'inherit' });
      if (ran.error) throw new InputError(`cannot run the editor '${editor}': ${ran.error.message}`);
      if (ran.status !== 0) throw new InputError(`the editor '${editor}' exited ${ran.status ?? ran.signal}; ${file} is unchanged`);
    } finally {
      process.off('SIGINT', ignore);
    }
  });
}

function encryptSecret(secrets: VaultSecret[], id: string | undefined): VaultSecret {
  if (id !== undefined) {
    const found = secrets.find((s) => s.id === id);
    if (!found) throw new InputError(`--encrypt-vault-id '${id}' names no vault id given (${secrets.map((s) => s.id).join(', ')})`);
    return found;
  }
  if (secrets.length > 1) throw new InputError(`several vault ids are given (${secrets.map((s) => s.id).join(', ')}): name the one to encrypt with, --encrypt-vault-id ID`);
  return secrets[0];
}

function inputs(files: string[]): string[] {
  return files.length > 0 ? files : ['-'];
}

function read(file: string): Buffer {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

function emit(output: string | undefined, file: string, data: Buffer): void {
  const target = output ?? file;
  if (target === '-') {
    process.stdout.write(data);
    return;
  }
  writeAtomically(target, data);
}

function writeAtomically(file: string, data: Buffer): void {
  let mode = 0o600;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch {
    // a new file: owner only, as ansible-vault
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}
