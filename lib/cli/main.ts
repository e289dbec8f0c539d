import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { VERSION } from '../version.js';
import { redactText } from '../vault/redact.js';
import type { AdhocArgs } from './adhoc.js';
import type { ApplyArgs } from './apply.js';
import { rejectUnsupportedFlags } from './flags.js';
import type { InventoryArgs } from './inventory.js';
import type { VaultCommandArgs } from './vault.js';
import { vaultOptions } from './vault-options.js';
import { APPLY_FILES, APPLY_OPTIONS, CONNECTION_OPTIONS } from './options.js';
import { simpleApplyArgs } from './simple-args.js';

/**
 * Parses the command line and delegates; returns the process exit code. Each command's code is
 * imported when it runs: `runbook --version` and `--help` load none of the engine. A plain
 * `runbook apply` command line (simple-args.ts) goes to apply without building yargs' parser,
 * which loads only for anything else (start-up is part of every run).
 */
export async function main(argv: string[]): Promise<number> {
  // `runbook ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  // The connection keeper (--persist), started detached by a run: not a command for users.
  if (argv[0] === '__keeper' && argv.length === 2) {
    const { runKeeper } = await import('../transport/keeper.js');
    return runKeeper(argv[1]);
  }
  try {
    rejectUnsupportedFlags(argv);
    const simple = simpleApplyArgs(argv);
    if (simple) return await runApply(simple);
    const { parser, exitCode } = await cliParser(argv);
    await parser.parseAsync();
    return exitCode();
  } catch (error) {
    // An error may quote a value; one from a vault never shows.
    process.stderr.write(`runbook: error: ${redactText(error instanceof Error ? error.message : String(error))}\n`);
    if (!(error instanceof InputError) && process.env.RUNBOOK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

async function runApply(args: ApplyArgs): Promise<number> {
  const { applyCommand } = await import('./apply.js');
  return applyCommand(args);
}

/**
 * runbook's yargs parser for `argv`; its commands run when it parses (`apply`: the given function,
 * which the tests replace to compare yargs' reading with simple-args.ts). `exitCode()`: the command's.
 */
export async function cliParser(argv: string[], apply: (args: ApplyArgs) => Promise<number> = runApply): Promise<{ parser: Argv; exitCode: () => number }> {
  const { default: yargs } = await import('yargs');
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('runbook')
    .version(VERSION)
    .usage('$0 <command> [options]\n\nBrings hosts to the state ordered YAML playbooks describe, over SSH.')
    .command(
      'apply [files..]',
      'Apply playbooks to the hosts of an inventory: runbook apply INVENTORY [PLAYBOOK...], or as ansible-playbook: runbook apply -i INVENTORY PLAYBOOK... (default playbooks: every *.yaml/*.yml in playbooks/, in file-name order); inventories: YAML, INI, a directory, host,list,',
      (y) =>
        connectionOptions(y).positional('files', APPLY_FILES).options(APPLY_OPTIONS),
      async (args) => {
        exitCode = await apply(args as unknown as ApplyArgs);
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
  return { parser: parser as unknown as Argv, exitCode: () => exitCode };
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
  return vaultOptions(y).options(CONNECTION_OPTIONS);
}
