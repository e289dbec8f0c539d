import yargs, { type Argv } from 'yargs';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { redactText } from '../vault/redact.js';
import type { AdhocArgs } from './adhoc.js';
import type { ApplyArgs } from './apply.js';
import { rejectUnsupportedFlags } from './flags.js';
import type { InventoryArgs } from './inventory.js';
import type { VaultCommandArgs } from './vault.js';
import { vaultOptions } from './vault-options.js';

/**
 * Parses the command line and delegates; returns the process exit code. Each command's code is
 * imported when it runs: `runbook --version` and `--help` load none of the engine.
 */
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
      'apply [files..]',
      'Apply playbooks to the hosts of an inventory: runbook apply INVENTORY [PLAYBOOK...], or as ansible-playbook: runbook apply -i INVENTORY PLAYBOOK... (default playbooks: every *.yaml/*.yml in playbooks/, in file-name order); inventories: YAML, INI, a directory, host,list,',
      (y) =>
        connectionOptions(y)
          .positional('files', { type: 'string', array: true, describe: 'INVENTORY (unless -i names one) then playbook files, run in the order given as one run' })
          .option('tags', { alias: 't', type: 'string', array: true, nargs: 1, default: [], describe: 'Run only tasks with these tags (comma lists allowed)' })
          .option('skip-tags', { type: 'string', array: true, nargs: 1, default: [], describe: 'Skip tasks with these tags' })
          .option('list-hosts', { type: 'boolean', default: false, describe: 'List the hosts each play would run on, then stop' })
          .option('list-tasks', { type: 'boolean', default: false, describe: 'List the tasks the tag selection runs, then stop' })
          .option('strategy', { choices: ['linear', 'free'] as const, describe: 'For plays without strategy: linear (each task on every host before the next; default) or free (each host runs ahead)' })
          .option('task-timeout', { type: 'number', default: 0, describe: 'Seconds any task may take unless it sets timeout: (its remote command is killed); 0: no limit' })
          .option('list-tags', { type: 'boolean', default: false, describe: 'List the tags of each play, then stop' })
          .option('syntax-check', { type: 'boolean', default: false, describe: 'Load and check the playbooks, then stop (no host contacted)' })
          .option('start-at-task', { type: 'string', describe: 'Start at the first task with this name (or glob); earlier tasks do not run' })
          .option('shard', { type: 'string', describe: 'Run shard I of N (e.g. 2/4): a stable slice of the hosts by name; merge the shards with runbook recap' })
          .option('shard-by', { type: 'string', describe: 'With --shard: keep the hosts of a group together (a group name or glob, e.g. cluster_*)' })
          .option('workers', { type: 'string', describe: 'Spread the hosts over N threads (1: one thread); default: one per core once there are enough hosts, unless a play needs every host in one thread' }),
      async (args) => {
        const { applyCommand } = await import('./apply.js');
        exitCode = await applyCommand(args as unknown as ApplyArgs);
      },
    )
    .command(
      'run <pattern>',
      "Ad-hoc, as ansible: run one module on the hosts a pattern selects (runbook run web -i inventory.yaml -m copy -a 'dest=/tmp/x content=hi')",
      (y) =>
        connectionOptions(y)
          .positional('pattern', { type: 'string', describe: "host pattern: 'all', a group, a host, globs, '!excluded'", demandOption: true })
          .option('module-name', { alias: 'm', type: 'string', default: 'command', describe: 'Module to run' })
          .option('args', { alias: 'a', type: 'string', describe: "Module arguments: key=value pairs, or a command line for command/shell" }),
      async (args) => {
        const { adhocCommand } = await import('./adhoc.js');
        exitCode = await adhocCommand(args as unknown as AdhocArgs);
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
        const { inventoryCommand } = await import('./inventory.js');
        exitCode = await inventoryCommand(args as unknown as InventoryArgs);
      },
    )
    .command(
      'vault <action> [files..]',
      'Encrypt, decrypt, view, create, edit or rekey files and strings in Ansible Vault format (as ansible-vault)',
      (y) =>
        vaultOptions(y)
          .positional('action', { choices: ['encrypt', 'decrypt', 'view', 'encrypt_string', 'create', 'edit', 'rekey'] as const, demandOption: true })
          .positional('files', { type: 'string', array: true, describe: 'files (or strings, for encrypt_string); none: stdin' })
          .option('encrypt-vault-id', { type: 'string', describe: 'The vault id to encrypt with when several are given' })
          .option('output', { type: 'string', describe: "Write to this file instead ('-' for stdout)" })
          .option('name', { alias: 'n', type: 'string', array: true, nargs: 1, describe: 'encrypt_string: variable name for each string' })
          .option('stdin-name', { type: 'string', describe: 'encrypt_string: variable name for the string read from stdin' })
          .option('new-vault-password-file', { type: 'string', describe: 'rekey: file holding the new vault password' })
          .option('new-vault-id', { type: 'string', describe: 'rekey: the new vault id, ID@FILE or ID@prompt' }),
      async (args) => {
        const { vaultCommand } = await import('./vault.js');
        exitCode = await vaultCommand(args as unknown as VaultCommandArgs);
      },
    )
    .command(
      'recap <files..>',
      'Merge the JSON output of sharded runs (runbook apply --shard I/N --output json) into one recap and exit code',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: "each shard's --output json file" })
          .option('output', { alias: 'o', choices: ['plain', 'json'] as const, default: 'plain', describe: 'the recap table, or one JSON recap line' }),
      async (args) => {
        const { recapCommand } = await import('./recap.js');
        exitCode = recapCommand(args.files as string[], args.output as 'plain' | 'json');
      },
    )
    .command(
      'doc [module]',
      'List the modules, or show one module’s arguments (type, default, choices, required) and an example',
      (y) => y.positional('module', { type: 'string', describe: 'module name' }),
      async (args) => {
        const { docCommand } = await import('./doc.js');
        exitCode = docCommand(args.module as string | undefined);
      },
    )
    .demandCommand(1, 'Name a command: runbook apply INVENTORY [PLAYBOOK...], runbook run PATTERN -i INVENTORY -m MODULE -a ARGS, runbook inventory, runbook vault, runbook recap FILE..., runbook doc [MODULE]')
    .strict()
    .help()
    .alias('h', 'help')
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new InputError(explainYargs(message));
    });
  skipHelpRendering(parser);
  try {
    rejectUnsupportedFlags(argv);
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    // An error may quote a value; one from a vault never shows.
    process.stderr.write(`runbook: error: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
    if (!(error instanceof InputError) && process.env.RUNBOOK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

/**
 * yargs renders the whole help text every time a command starts, in case a later failure prints
 * it (usage.cacheHelpMessage): a third of runbook's start-up CPU. This parser's failures never
 * print help (see .fail above) and --help renders it when asked, so the cache is not filled.
 */
function skipHelpRendering(parser: Argv): void {
  const usage = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => undefined;
}

/** yargs names a bad flag "Unknown argument: foo"; say which flag, as a flag. */
function explainYargs(message: string): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (!unknown) return message;
  const listed = unknown[1].split(', ');
  // yargs lists --bogus-flag also as its camelCase alias bogusFlag: name it once, as typed.
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const typed = listed.filter((n) => n === kebab(n) || !listed.includes(kebab(n)));
  const names = typed.map((n) => (n.length === 1 ? `-${n}` : n.startsWith('-') ? n : `--${n}`));
  return `unknown flag${names.length > 1 ? 's' : ''} ${names.join(', ')} (runbook apply --help lists the flags)`;
}

/** The flags `apply` and `run` share: ansible-playbook's and ansible's names, runbook's as synonyms. */
function connectionOptions<T>(y: Argv<T>) {
  return vaultOptions(y)
    .option('inventory', { alias: ['i', 'inventory-file'], type: 'string', array: true, nargs: 1, describe: 'Inventory file (repeatable: the sources are merged)' })
    .option('limit', { alias: 'l', type: 'string', describe: "Restrict to hosts matching a pattern: names, groups, globs, '!excluded', 'a,b'" })
    .option('forks', { alias: 'f', type: 'string', describe: 'Hosts worked on at once (default 100; ansible.cfg forks)' })
    .option('extra-vars', { alias: 'e', type: 'string', array: true, nargs: 1, default: [], describe: 'key=value, @vars.yaml or a JSON object; highest precedence' })
    .option('dry-run', { alias: ['check', 'C'], type: 'boolean', default: false, describe: 'Change nothing; report exactly what would change on every host' })
    .option('diff', { alias: 'D', type: 'boolean', default: false, describe: 'Show unified diffs of content and owner/mode changes (secrets as checksums)' })
    .option('output', { alias: 'o', choices: ['tty', 'plain', 'json'] as const, describe: 'Output style (default: tty on a terminal, else plain)' })
    .option('color', { type: 'boolean', describe: 'Colour on or off (--no-color); default: on a terminal unless NO_COLOR is set' })
    .option('verbose', { alias: 'v', type: 'count', describe: '-v each task result with stdout/stderr/rc; -vvv connection details too' })
    .option('user', { alias: 'u', type: 'string', describe: 'Login user for hosts without ansible_user (ansible.cfg remote_user)' })
    .option('private-key', { alias: 'key-file', type: 'string', describe: 'Key file for hosts without ansible_ssh_private_key_file' })
    .option('become', { alias: 'b', type: 'boolean', describe: 'Run tasks through sudo, unless a host, play or task says otherwise' })
    .option('become-user', { type: 'string', describe: 'User to become (default root)' })
    .option('become-method', { type: 'string', describe: 'Only sudo' })
    .option('ask-become-pass', { alias: 'K', type: 'boolean', describe: "Ask for sudo's password on the terminal" })
    .option('become-password-file', { type: 'string', describe: "File holding sudo's password" })
    .option('connection', { alias: 'c', type: 'string', describe: 'Only ssh' })
    .option('known-hosts', { type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' })
    .option('accept-new-host-keys', { type: 'boolean', describe: 'Trust and record keys of hosts not yet known (a changed key is always refused); ansible.cfg host_key_checking = False does the same' })
    .option('connect-timeout', { alias: ['timeout', 'T'], type: 'string', describe: 'Seconds to wait for a host to answer (default 10; ansible.cfg timeout)' })
    .option('keepalive', { type: 'string', describe: 'Seconds a connected host may stay silent before it is unreachable (default 15)' })
    .option('fact-timeout', { type: 'string', describe: "Seconds a host may take to answer a fact probe (default 60); longer fails the host's task" })
    .option('flush-cache', { type: 'boolean', describe: 'Accepted for ansible-playbook compatibility: runbook keeps no fact cache between runs' });
}
