import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { loadInventory, withPlaybookDir } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import type { ReporterKind } from '../report/types.js';
import { loadAnsibleConfig, type AnsibleConfig } from './ansible-config.js';
import { checkOnlyChoice, existingFile, fileOrAbsent, persistSeconds, positiveSeconds, wholeNumber } from './flags.js';
import { keeperDir } from '../transport/keeper-protocol.js';
import { untrustedDir } from '../util/private-dir.js';
import { FileRecordStore } from '../engine/file-records.js';
import type { PersistSettings } from '../transport/kept.js';
import { promptHidden } from './prompt.js';
import { codeCacheNote } from './verbose.js';

/** The flags `runbook apply` and `runbook run` share (ansible-playbook's and ansible's common ones). */
export interface ConnectionArgs {
  inventory?: string[];
  limit?: string;
  forks?: unknown;
  extraVars: string[];
  dryRun: boolean;
  diff: boolean;
  output?: ReporterKind;
  color?: boolean;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
  connectTimeout?: unknown;
  factTimeout?: unknown;
  keepalive?: unknown;
  persist?: unknown;
  user?: string;
  privateKey?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  connection?: string;
  askBecomePass?: boolean;
  becomePasswordFile?: string;
  verbose?: number;
  flushCache?: boolean;
}

/** What the flags, ansible.cfg and ANSIBLE_* settle on, flags first. */
export interface Session {
  config: AnsibleConfig;
  forks: number;
  connectTimeoutMs: number;
  factTimeoutMs: number;
  keepaliveMs?: number;
  /** --persist or ansible.cfg's ControlPersist: connections kept between runs by the connection keeper. */
  persist?: PersistSettings;
  /** What runbook saw of files on each target (engine/file-records.ts); off with RUNBOOK_RECORD_DIR=off. */
  fileRecords?: FileRecordStore;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
  verbosity: number;
  output: ReporterKind;
  color?: boolean;
  becomePassword?: string;
  /** For the "struct" loader (roles) and the "data" vault: settled here, used there. */
  rolesPath: string[];
  vaultPasswordFile?: string;
}

/** runbook's default forks: it works on every host at once (Ansible's 5 is for its process-per-host cost). */
const DEFAULT_FORKS = 100;
const DEFAULT_CONNECT_TIMEOUT_S = 10;
const DEFAULT_FACT_TIMEOUT_S = 60;

/** `given`: the become password the main thread settled (a worker thread neither prompts nor reads it again). */
export async function settleSession(args: ConnectionArgs, given?: { becomePassword?: string }): Promise<Session> {
  const config = loadAnsibleConfig();
  checkOnlyChoice('--connection', args.connection, ['ssh', 'smart', 'paramiko'], 'runbook always connects over SSH');
  checkOnlyChoice('--become-method', args.becomeMethod, ['sudo'], 'runbook becomes another user through sudo only');
  const forks = args.forks !== undefined ? wholeNumber('--forks', args.forks, 1) : config.forks !== undefined ? wholeNumber(`forks (${config.file ?? 'ANSIBLE_FORKS'})`, config.forks, 1) : DEFAULT_FORKS;
  const timeout =
    args.connectTimeout !== undefined
      ? positiveSeconds('--connect-timeout', args.connectTimeout)
      : config.timeout !== undefined
        ? positiveSeconds(`timeout (${config.file ?? 'ANSIBLE_TIMEOUT'})`, config.timeout)
        : DEFAULT_CONNECT_TIMEOUT_S;
  const knownHostsFile = fileOrAbsent('--known-hosts', args.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'));
  const verbosity = args.verbose || config.verbosity || 0;
  const output = args.output ?? (process.stdout.isTTY ? 'tty' : 'plain');
  if (verbosity > 0 && config.file) process.stderr.write(`Using ${config.file} as config file\n`);
  else if (verbosity > 0) process.stderr.write('No config file found; using defaults\n');
  for (const note of config.notes) process.stderr.write(`[NOTE] ${note}\n`);
  // Once, in the main thread (worker threads settle their session with `given`).
  const cacheNote = verbosity > 0 && !given ? codeCacheNote() : undefined;
  if (cacheNote) process.stderr.write(`${cacheNote}\n`);
  return {
    config,
    forks,
    connectTimeoutMs: timeout * 1000,
    keepaliveMs: args.keepalive !== undefined ? positiveSeconds('--keepalive', args.keepalive) * 1000 : undefined,
    persist: persistSettings(args, config),
    fileRecords: fileRecordStore(),
    factTimeoutMs: (args.factTimeout !== undefined ? positiveSeconds('--fact-timeout', args.factTimeout) : DEFAULT_FACT_TIMEOUT_S) * 1000,
    knownHostsFile,
    // host_key_checking = False: trust a host's first key, as OpenSSH's StrictHostKeyChecking=no does; a changed key is still refused.
    acceptNewHostKeys: args.acceptNewHostKeys === true || config.hostKeyChecking === false,
    verbosity,
    output,
    color: args.color,
    becomePassword: given ? given.becomePassword : await becomePassword(args, config),
    rolesPath: config.rolesPath ?? [],
    vaultPasswordFile: config.vaultPasswordFile,
  };
}

/** The engine's connection and run settings, as the session settled them. */
export function connectionRunOptions(session: Session) {
  const { forks, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, factTimeoutMs, keepaliveMs, persist, fileRecords, verbosity, becomePassword } = session;
  // -vvvv: what the SSH connection does (Ansible's connection plugin detail), on stderr.
  const connectionLog = verbosity >= 4 ? (line: string) => void process.stderr.write(`${line}\n`) : undefined;
  return { forks, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, factTimeoutMs, keepaliveMs, persist, fileRecords, verbosity, becomePassword, connectionLog };
}

/**
 * The file records' directory: $RUNBOOK_RECORD_DIR (`off`: no records), else ~/.runbook/files
 * (beside the keeper's ~/.runbook/cp). A directory others may enter is not used: whoever writes
 * the records could make a changed file look unchanged.
 */
function fileRecordStore(env: NodeJS.ProcessEnv = process.env): FileRecordStore | undefined {
  const warn = (line: string) => void process.stderr.write(`[WARNING] ${line}\n`);
  if (env.RUNBOOK_RECORD_DIR === 'off') return undefined;
  const dir = env.RUNBOOK_RECORD_DIR || join(homedir(), '.runbook', 'files');
  const refusal = untrustedDir(dir);
  if (refusal) {
    warn(`file records are off: ${refusal}`);
    return undefined;
  }
  return new FileRecordStore(dir, (message) => warn(`${message} (those files are hashed again next run)`));
}

/**
 * Kept connections (see transport/keeper.ts): `--persist SECONDS`, else ansible.cfg's
 * `[ssh_connection] ssh_args` (or ANSIBLE_SSH_ARGS) when it asks OpenSSH for ControlMaster
 * auto/yes with a ControlPersist time, as Ansible's own default ssh_args do. Off unless asked.
 */
function persistSettings(args: ConnectionArgs, config: AnsibleConfig): PersistSettings | undefined {
  let seconds: number;
  if (args.persist !== undefined) seconds = persistSeconds('--persist', args.persist);
  else {
    const sshArgs = config.sshArgs ?? '';
    const master = /ControlMaster\s*[= ]\s*(\S+)/i.exec(sshArgs)?.[1].toLowerCase();
    const persist = /ControlPersist\s*[= ]\s*(\S+)/i.exec(sshArgs)?.[1];
    // OpenSSH persists only a master connection (ControlMaster yes, auto, ask, autoask).
    if (persist === undefined || master === undefined || master === 'no') return undefined;
    seconds = persistSeconds(`ControlPersist in ssh_args (${process.env.ANSIBLE_SSH_ARGS ? 'ANSIBLE_SSH_ARGS' : config.file})`, persist);
  }
  if (seconds === 0) return undefined;
  return { seconds, dir: keeperDir(), warn: (line) => void process.stderr.write(`[WARNING] ${line}\n`) };
}

/** -i sources (files, folders, `host,list,`; several are merged), loaded and given the command line's connection defaults. */
export function loadInventories(files: string[], args: ConnectionArgs, config: AnsibleConfig, playbookDir?: string): Inventory {
  if (files.length === 0) throw new InputError('no inventory: name one with -i INVENTORY (or set inventory in ansible.cfg / ANSIBLE_INVENTORY)');
  // group_vars/ and host_vars/ next to the (first) playbook are layered in first: that rebuilds each host's connection.
  const loaded = loadInventory(files);
  const inventory = playbookDir !== undefined ? withPlaybookDir(loaded, playbookDir) : loaded;
  applyConnectionDefaults(inventory, args, config);
  return inventory;
}

/**
 * -u, --private-key, -b, --become-user (and their ansible.cfg settings) are defaults: a host's
 * own ansible_user, ansible_ssh_private_key_file, ansible_become, ansible_become_user win, and
 * a play's or task's become wins over both, as in Ansible.
 */
function applyConnectionDefaults(inventory: Inventory, args: ConnectionArgs, config: AnsibleConfig): void {
  const user = args.user ?? config.remoteUser;
  const keyFile = args.privateKey ?? config.privateKeyFile;
  if (keyFile !== undefined) existingFile(args.privateKey ? '--private-key' : 'private_key_file', keyFile);
  const become = args.become === true ? true : config.become;
  const becomeUser = args.becomeUser ?? config.becomeUser;
  const has = (vars: Record<string, unknown>, ...names: string[]) => names.some((n) => vars[n] !== undefined);
  for (const host of inventory.hosts.values()) {
    const { vars, connection } = host;
    if (user !== undefined && !has(vars, 'ansible_user', 'ansible_ssh_user')) connection.user = user;
    if (keyFile !== undefined && !has(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file')) connection.privateKeyFile = resolve(keyFile);
    if (become !== undefined && !has(vars, 'ansible_become')) connection.become = become;
    if (becomeUser !== undefined && !has(vars, 'ansible_become_user')) connection.becomeUser = becomeUser;
  }
}

/** -K asks on the terminal; --become-password-file reads a file. Never from the command line. */
async function becomePassword(args: ConnectionArgs, config: AnsibleConfig): Promise<string | undefined> {
  const file = args.becomePasswordFile ?? config.becomePasswordFile;
  if (file !== undefined) {
    existingFile('--become-password-file', file);
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  if (args.askBecomePass || config.becomeAskPass) {
    // Never from a pipe the user did not mean for it.
    if (!process.stdin.isTTY) throw new InputError('-K/--ask-become-pass asks for the password on a terminal, and stdin is not one (use --become-password-file)');
    return promptHidden('BECOME password: ');
  }
  return undefined;
}

/** ansible.cfg's inventory when none is named: the list of sources it gives. */
export function configuredInventory(config: AnsibleConfig): string[] {
  return config.inventory ?? [];
}
