import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The ansible.cfg keys (and their ANSIBLE_* variables) runbook understands, found as Ansible
 * finds them (config/manager.py find_ini_config_file): $ANSIBLE_CONFIG (a file, or a folder
 * holding ansible.cfg), ./ansible.cfg (unless the folder is world-writable), ~/.ansible.cfg,
 * /etc/ansible/ansible.cfg; the first that exists is the only one read. An environment variable
 * beats the file, a command-line flag beats both. Unknown keys are ignored, as Ansible does.
 */
export interface AnsibleConfig {
  /** The file read, if any (-v says which). */
  file?: string;
  inventory?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  forks?: number;
  timeout?: number;
  rolesPath?: string[];
  /** private_role_vars: a play's roles' vars stay with the roles' own tasks. */
  privateRoleVars?: boolean;
  hostKeyChecking?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeAskPass?: boolean;
  becomePasswordFile?: string;
  vaultPasswordFile?: string;
  /** vault_identity_list: vault ids tried before the command line's --vault-id (id@file, id@prompt). */
  vaultIdentityList?: string[];
  verbosity?: number;
  /** [ssh_connection] ssh_args: its ControlMaster/ControlPersist options turn on kept connections (--persist). */
  sshArgs?: string;
  /** Notes for the user: keys read but deliberately ignored, a world-writable folder skipped. */
  notes: string[];
}

type Kind = 'string' | 'list' | 'path' | 'pathlist' | 'pathspec' | 'integer' | 'boolean';

interface Setting {
  key: keyof Omit<AnsibleConfig, 'file' | 'notes'>;
  section: string;
  ini: string;
  env: string;
  kind: Kind;
}

/** From ansible/config/base.yml: section, key, variable and type of each setting. */
const SETTINGS: Setting[] = [
  { key: 'inventory', section: 'defaults', ini: 'inventory', env: 'ANSIBLE_INVENTORY', kind: 'pathlist' },
  { key: 'remoteUser', section: 'defaults', ini: 'remote_user', env: 'ANSIBLE_REMOTE_USER', kind: 'string' },
  { key: 'privateKeyFile', section: 'defaults', ini: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'path' },
  { key: 'forks', section: 'defaults', ini: 'forks', env: 'ANSIBLE_FORKS', kind: 'integer' },
  { key: 'timeout', section: 'defaults', ini: 'timeout', env: 'ANSIBLE_TIMEOUT', kind: 'integer' },
  { key: 'rolesPath', section: 'defaults', ini: 'roles_path', env: 'ANSIBLE_ROLES_PATH', kind: 'pathspec' },
  { key: 'privateRoleVars', section: 'defaults', ini: 'private_role_vars', env: 'ANSIBLE_PRIVATE_ROLE_VARS', kind: 'boolean' },
  { key: 'hostKeyChecking', section: 'defaults', ini: 'host_key_checking', env: 'ANSIBLE_HOST_KEY_CHECKING', kind: 'boolean' },
  { key: 'vaultPasswordFile', section: 'defaults', ini: 'vault_password_file', env: 'ANSIBLE_VAULT_PASSWORD_FILE', kind: 'path' },
  { key: 'vaultIdentityList', section: 'defaults', ini: 'vault_identity_list', env: 'ANSIBLE_VAULT_IDENTITY_LIST', kind: 'list' },
  { key: 'becomePasswordFile', section: 'defaults', ini: 'become_password_file', env: 'ANSIBLE_BECOME_PASSWORD_FILE', kind: 'path' },
  { key: 'verbosity', section: 'defaults', ini: 'verbosity', env: 'ANSIBLE_VERBOSITY', kind: 'integer' },
  { key: 'sshArgs', section: 'ssh_connection', ini: 'ssh_args', env: 'ANSIBLE_SSH_ARGS', kind: 'string' },
  { key: 'become', section: 'privilege_escalation', ini: 'become', env: 'ANSIBLE_BECOME', kind: 'boolean' },
  { key: 'becomeUser', section: 'privilege_escalation', ini: 'become_user', env: 'ANSIBLE_BECOME_USER', kind: 'string' },
  { key: 'becomeAskPass', section: 'privilege_escalation', ini: 'become_ask_pass', env: 'ANSIBLE_BECOME_ASK_PASS', kind: 'boolean' },
];

/** Read for a note only: runbook's output has its own modes. */
const IGNORED_WITH_NOTE = [{ section: 'defaults', ini: 'stdout_callback', env: 'ANSIBLE_STDOUT_CALLBACK', why: 'runbook has its own output modes (--output tty|plain|json)' }];

export function loadAnsibleConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AnsibleConfig {
  const config: AnsibleConfig = { notes: [] };
  const file = findConfigFile(env, cwd, config.notes);
  const ini = file ? parseIni(readFileSync(file, 'utf8'), file) : new Map<string, Map<string, { value: string; line: number }>>();
  config.file = file;
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env];
    const fromFile = ini.get(setting.section)?.get(setting.ini);
    if (fromEnv !== undefined && fromEnv !== '') {
      (config as unknown as Record<string, unknown>)[setting.key] = convert(setting, fromEnv, setting.env, cwd);
    } else if (fromFile !== undefined) {
      (config as unknown as Record<string, unknown>)[setting.key] = convert(setting, fromFile.value, `${file}:${fromFile.line}: ${setting.ini}`, dirname(file!));
    }
  }
  for (const ignored of IGNORED_WITH_NOTE) {
    const value = env[ignored.env] || ini.get(ignored.section)?.get(ignored.ini)?.value;
    if (value && value !== 'default') config.notes.push(`${ignored.ini} = ${value} is ignored: ${ignored.why}`);
  }
  return config;
}

function findConfigFile(env: NodeJS.ProcessEnv, cwd: string, notes: string[]): string | undefined {
  const candidates: string[] = [];
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv !== undefined) {
    const path = resolve(cwd, expandHome(fromEnv));
    candidates.push(isDirectory(path) ? join(path, 'ansible.cfg') : path);
  }
  const here = join(cwd, 'ansible.cfg');
  // Ansible skips a world-writable working directory: anyone could plant an ansible.cfg there.
  if (worldWritable(cwd)) {
    if (existsSync(here)) notes.push(`${here} is ignored: ${cwd} is world-writable (as Ansible does)`);
  } else {
    candidates.push(here);
  }
  candidates.push(join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  return candidates.find((path) => readable(path));
}

/** Python's configparser as Ansible sets it up: `key = value` or `key: value`, `#`/`;` comments, `;` inline comments. */
export function parseIni(text: string, file: string): Map<string, Map<string, { value: string; line: number }>> {
  const sections = new Map<string, Map<string, { value: string; line: number }>>();
  let current: Map<string, { value: string; line: number }> | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\s;.*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1].trim()) ?? new Map();
      sections.set(section[1].trim(), current);
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!pair) throw new InputError(`${file}:${index + 1}: cannot read '${raw.trim()}' (expected key = value)`);
    if (!current) throw new InputError(`${file}:${index + 1}: '${pair[1]}' comes before any [section]`);
    current.set(pair[1].toLowerCase(), { value: pair[2], line: index + 1 });
  });
  return sections;
}

function convert(setting: Setting, value: string, origin: string, baseDir: string): unknown {
  const text = value.trim().replace(/^(['"])(.*)\1$/, '$2');
  switch (setting.kind) {
    case 'string':
      return text;
    case 'list':
      return text.split(',').map((p) => p.trim()).filter(Boolean);
    case 'path':
      return resolvePath(text, baseDir);
    case 'pathlist':
      return text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolvePath(p, baseDir));
    case 'pathspec':
      return text.split(':').map((p) => p.trim()).filter(Boolean).map((p) => resolvePath(p, baseDir));
    case 'integer': {
      if (!/^-?\d+$/.test(text)) throw new InputError(`${origin}: '${value}' is not a whole number`);
      return Number(text);
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['y', 'yes', 'on', '1', 'true', 't'].includes(lower)) return true;
      if (['n', 'no', 'off', '0', 'false', 'f', ''].includes(lower)) return false;
      throw new InputError(`${origin}: '${value}' is not a boolean (yes/no, true/false, on/off, 1/0)`);
    }
  }
}

/** Ansible resolves relative paths of a setting against the folder of the file that set it. */
function resolvePath(path: string, baseDir: string): string {
  const expanded = expandHome(path);
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function worldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
