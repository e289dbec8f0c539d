import type { Argv } from 'yargs';
import { loadVaultSecrets, setVaultSecrets, type VaultSecret } from '../vault/secrets.js';
import { homedir } from 'node:os';
import { loadAnsibleConfig, type AnsibleConfig } from './ansible-config.js';
import { promptHidden } from './prompt.js';
import { VAULT_OPTIONS } from './options.js';

/** ansible-playbook's vault flags, shared by apply, inventory and vault. */
export interface VaultArgs {
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
  vaultId?: string[];
}

export function vaultOptions<T>(y: Argv<T>) {
  return y.options(VAULT_OPTIONS);
}

/**
 * Reads the vault passwords (before anything is loaded) and makes them the run's, in Ansible's
 * order (cli/__init__.py setup_vault_secrets): ansible.cfg's vault_identity_list, then --vault-id,
 * then --vault-password-file, then ansible.cfg's vault_password_file, then --ask-vault-pass.
 */
export async function configureVault(args: VaultArgs, config: Pick<AnsibleConfig, 'vaultPasswordFile' | 'vaultIdentityList'> = loadAnsibleConfig()): Promise<VaultSecret[]> {
  const secrets = await loadVaultSecrets({
    vaultIds: [...(config.vaultIdentityList ?? []).map(expandHomeInSlug), ...(args.vaultId ?? [])],
    passwordFiles: [...(args.vaultPasswordFile ?? []), ...(config.vaultPasswordFile ? [config.vaultPasswordFile] : [])],
    askVaultPass: args.askVaultPass === true,
    prompt: promptHidden,
  });
  setVaultSecrets(secrets);
  return secrets;
}

/** `id@~/file` as Ansible reads it (expanduser on the file part). */
function expandHomeInSlug(slug: string): string {
  return slug.replace(/^([^@]*@)?~(?=\/|$)/, (_, id: string | undefined) => `${id ?? ''}${homedir()}`);
}
