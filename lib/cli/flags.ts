import { statSync } from 'node:fs';
import { InputError } from '../errors.js';

/**
 * ansible-playbook's and ansible's flags that runbook does not have, with why: an Ansible user
 * typing one gets told so, not yargs' "Unknown argument". (Flags runbook has are synonyms in main.ts.)
 */
const UNSUPPORTED: Array<{ flags: string[]; why: string; commands?: string[] }> = [
  { flags: ['-k', '--ask-pass'], why: 'runbook logs in with keys only (a key file, ~/.ssh/id_*, or ssh-agent)' },
  { flags: ['--connection-password-file'], why: 'runbook logs in with keys only (a key file, ~/.ssh/id_*, or ssh-agent)' },
  { flags: ['--ssh-common-args', '--ssh-extra-args', '--scp-extra-args', '--sftp-extra-args'], why: 'runbook speaks SSH itself (ssh2), not through the ssh/scp/sftp programs' },
  { flags: ['-M', '--module-path'], why: "runbook's modules are built in (runbook doc lists them)" },
  { flags: ['--step'], why: 'there is no interactive stepping; --list-tasks shows what would run' },
  { flags: ['--force-handlers'], why: 'handlers of a failed host do not run' },
  { flags: ['-B', '--background', '-P', '--poll'], why: 'there are no asynchronous tasks' },
  { flags: ['--one-line'], why: 'use --output plain or --output json', commands: ['run'] },
  { flags: ['--tree'], why: 'use --output json and keep the lines you need', commands: ['run'] },
  { flags: ['--playbook-dir'], why: 'files are looked up next to the playbook' },
  { flags: ['--task-timeout'], why: 'runbook run has no time limit for the module (runbook apply has --task-timeout)', commands: ['run'] },
];

/** Names the first unsupported Ansible flag on the command line (before `--`), for the command given. */
export function rejectUnsupportedFlags(argv: string[]): void {
  const command = argv.find((a) => !a.startsWith('-'));
  for (const arg of argv) {
    if (arg === '--') return;
    const name = arg.startsWith('--') ? arg.split('=')[0] : arg;
    const entry = UNSUPPORTED.find((u) => u.flags.includes(name) && (u.commands ?? ['apply', 'run']).includes(command ?? ''));
    if (entry) throw new InputError(`${name} (from ansible) is not supported by runbook: ${entry.why}`);
  }
}

/** -c/--connection and --become-method: runbook has exactly one of each. */
export function checkOnlyChoice(flag: string, value: string | undefined, accepted: string[], why: string): void {
  if (value === undefined || accepted.includes(value)) return;
  throw new InputError(`${flag} ${value} is not supported by runbook: ${why}`);
}

/** A whole number ≥ min, for --forks and its kin. */
export function wholeNumber(flag: string, value: unknown, min: number): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' && value.trim() === '') throw new InputError(`${flag} needs a number`);
  if (!Number.isInteger(number) || number < min) throw new InputError(`${flag} must be a whole number of at least ${min} (got '${String(value)}')`);
  return number;
}

/** A positive number of seconds (fractions allowed), for timeouts. */
export function positiveSeconds(flag: string, value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InputError(`${flag} must be a positive number of seconds (got '${String(value)}')`);
  return number;
}

/**
 * OpenSSH's time format (sshd_config(5) TIME FORMATS: `60`, `60s`, `10m`, `1h30m`), for --persist
 * and ControlPersist; `yes` keeps until the keeper ends (-1 here), `no` is 0.
 */
export function persistSeconds(flag: string, value: unknown): number {
  const text = String(value).trim().toLowerCase();
  if (text === 'yes') return -1;
  if (text === 'no') return 0;
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (/^(\d+(\.\d+)?[smhdw]?)+$/.test(text)) {
    let seconds = 0;
    for (const [, number, unit] of text.matchAll(/(\d+(?:\.\d+)?)([smhdw]?)/g)) seconds += Number(number) * units[unit];
    if (Number.isFinite(seconds)) return seconds;
  }
  throw new InputError(`${flag} must be a number of seconds (60, 10m, 1h30m; 0: off) (got '${String(value)}')`);
}

/** A file that, if it exists, is a file (known_hosts is created on first use with --accept-new-host-keys). */
export function fileOrAbsent(flag: string, path: string): string {
  try {
    if (statSync(path).isDirectory()) throw new InputError(`${flag} ${path} is a directory; name a file`);
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  return path;
}

/** A file that must exist and be readable now (a key, a password file). */
export function existingFile(what: string, path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new InputError(`${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (stat.isDirectory()) throw new InputError(`${what} ${path} is a directory; name a file`);
  return path;
}
