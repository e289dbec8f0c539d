import type { Argv } from 'yargs';
import { loadVaultSecrets, setVaultSecrets, type VaultSecret } from '../vault/secrets.js';

/** ansible-playbook's vault flags, shared by apply, inventory and vault. */
export interface VaultArgs {
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
  vaultId?: string[];
}

export function vaultOptions<T>(y: Argv<T>) {
  return y
    .option('vault-password-file', { alias: 'vault-pass-file', type: 'string', array: true, nargs: 1, describe: 'File holding the vault password (an executable file is run and its output used)' })
    .option('ask-vault-pass', { alias: 'J', type: 'boolean', default: false, describe: 'Ask for the vault password' })
    .option('vault-id', { type: 'string', array: true, nargs: 1, describe: 'Vault identity to use: id@file, id@prompt, or file' });
}

/** Reads the vault passwords the flags name (before anything is loaded) and makes them the run's. */
export async function configureVault(args: VaultArgs): Promise<VaultSecret[]> {
  const secrets = await loadVaultSecrets({
    vaultIds: args.vaultId ?? [],
    passwordFiles: args.vaultPasswordFile ?? [],
    askVaultPass: args.askVaultPass === true,
    prompt: promptHidden,
  });
  setVaultSecrets(secrets);
  return secrets;
}

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let answer = '';
    const wasRaw = input.isRaw;
    // Echo off before the question shows: what is typed after it must never reach the screen.
    input.setRawMode?.(true);
    input.resume();
    process.stderr.write(question);
    input.setEncoding('utf8');
    const done = (error?: Error) => {
      input.setRawMode?.(wasRaw);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    input.on('data', onData);
  });
}
