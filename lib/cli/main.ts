import yargs from 'yargs';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { applyCommand, type ApplyArgs } from './apply.js';
import { inventoryCommand, type InventoryArgs } from './inventory.js';
import { vaultCommand, type VaultCommandArgs } from './vault.js';
import { vaultOptions } from './vault-options.js';
import { redactText } from '../vault/redact.js';

/** Parses the command line and delegates; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // `runbook ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('runbook')
    .version(VERSION)
    .usage('$0 <command> [options]\n\nBrings hosts to the state ordered YAML playbooks describe, over SSH.')
    .command(
      'apply <inventory> [playbooks..]',
      'Apply playbooks (default: every *.yaml/*.yml in playbooks/, in file-name order) to the hosts of an Ansible inventory (YAML, INI, a directory)',
      (y) =>
        vaultOptions(y)
          .positional('inventory', { type: 'string', describe: 'Ansible inventory: YAML or INI file, directory of them, or host,list,', demandOption: true })
          .positional('playbooks', { type: 'string', array: true, describe: 'playbook files, run in the order given as one run' })
          .option('dry-run', { alias: 'check', type: 'boolean', default: false, describe: 'Change nothing; report exactly what would change on every host' })
          .option('diff', { type: 'boolean', default: false, describe: 'Show unified diffs of content and owner/mode changes (secrets as checksums)' })
          .option('tags', { alias: 't', type: 'string', array: true, nargs: 1, default: [], describe: 'Run only tasks with these tags (comma lists allowed)' })
          .option('skip-tags', { type: 'string', array: true, nargs: 1, default: [], describe: 'Skip tasks with these tags' })
          .option('limit', { alias: 'l', type: 'string', describe: "Restrict to hosts matching a pattern: names, groups, globs, '!excluded', 'a,b'" })
          .option('forks', { alias: 'f', type: 'number', default: 100, describe: 'Hosts worked on at once' })
          .option('extra-vars', { alias: 'e', type: 'string', array: true, nargs: 1, default: [], describe: 'key=value, @vars.yaml or a JSON object; highest precedence' })
          .option('list-hosts', { type: 'boolean', default: false, describe: 'List the hosts each play would run on, then stop' })
          .option('list-tasks', { type: 'boolean', default: false, describe: 'List the tasks the tag selection runs, then stop' })
          .option('output', { alias: 'o', choices: ['tty', 'plain', 'json'] as const, describe: 'Output style (default: tty on a terminal, else plain)' })
          .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' })
          .option('accept-new-host-keys', { type: 'boolean', default: false, describe: 'Trust and record keys of hosts not yet known (a changed key is always refused)' })
          .option('connect-timeout', { type: 'number', default: 10, describe: 'Seconds to wait for a host to answer' })
          .option('strategy', { choices: ['linear', 'free'] as const, describe: 'For plays without strategy: linear (each task on every host before the next; default) or free (each host runs ahead)' })
          .option('task-timeout', { type: 'number', default: 0, describe: 'Seconds any task may take unless it sets timeout: (its remote command is killed); 0: no limit' })
          .option('keepalive', { type: 'number', describe: 'Seconds a connected host may stay silent before it is unreachable (default 15)' })
          .option('fact-timeout', { type: 'number', default: 60, describe: "Seconds a host may take to answer a fact probe; longer fails the host's task" }),
      async (args) => {
        exitCode = await applyCommand(args as unknown as ApplyArgs);
      },
    )
    .command(
      'inventory [group]',
      'Show the inventory as Ansible sees it, after group_vars/ and host_vars/ (as ansible-inventory)',
      (y) =>
        vaultOptions(y)
          .positional('group', { type: 'string', describe: 'With --graph: the group to start at (default all)' })
          .option('inventory', { alias: 'i', type: 'string', array: true, nargs: 1, describe: 'Inventory: YAML or INI file, directory, or host,list, (repeatable)' })
          .option('list', { type: 'boolean', default: false, describe: 'Every group and host, with host variables, as JSON' })
          .option('host', { type: 'string', describe: "One host's variables as JSON" })
          .option('graph', { type: 'boolean', default: false, describe: 'The group tree (from GROUP, default all)' })
          .option('vars', { type: 'boolean', default: false, describe: 'With --graph: show variables' })
          .option('playbook-dir', { type: 'string', describe: "Also read group_vars/ and host_vars/ next to this playbook folder" }),
      async (args) => {
        exitCode = await inventoryCommand(args as unknown as InventoryArgs);
      },
    )
    .command(
      'vault <action> [files..]',
      'Encrypt, decrypt or view files and strings in Ansible Vault format (as ansible-vault)',
      (y) =>
        vaultOptions(y)
          .positional('action', { choices: ['encrypt', 'decrypt', 'view', 'encrypt_string'] as const, demandOption: true })
          .positional('files', { type: 'string', array: true, describe: 'files (or strings, for encrypt_string); none: stdin' })
          .option('encrypt-vault-id', { type: 'string', describe: 'The vault id to encrypt with when several are given' })
          .option('output', { type: 'string', describe: "Write to this file instead ('-' for stdout)" })
          .option('name', { alias: 'n', type: 'string', array: true, nargs: 1, describe: 'encrypt_string: variable name for each string' })
          .option('stdin-name', { type: 'string', describe: 'encrypt_string: variable name for the string read from stdin' }),
      async (args) => {
        exitCode = await vaultCommand(args as unknown as VaultCommandArgs);
      },
    )
    .demandCommand(1, 'Name a command: runbook apply INVENTORY [PLAYBOOK...]')
    .strict()
    .help()
    .alias('h', 'help')
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new InputError(message);
    });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    // An error may quote a value; one from a vault never shows.
    process.stderr.write(`runbook: error: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
    if (!(error instanceof InputError) && process.env.RUNBOOK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}
