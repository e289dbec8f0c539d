import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import { parseShard } from '../engine/shard.js';
import { planRun } from '../engine/plan.js';
import { redact } from '../vault/redact.js';
import { configureVault, type VaultArgs } from './vault-options.js';
import { defaultRegistry } from '../modules/index.js';
import { loadPlaybookFile } from '../playbook/load.js';
import { flattenEntries, isBlock, listedTasks, type PlayEntry, type PlaySpec, type TaskSpec } from '../playbook/types.js';
import { createReporter } from '../report/index.js';
import { parseExtraVars } from './extra-vars.js';
import { configuredInventory, connectionRunOptions, loadInventories, settleSession, type ConnectionArgs } from './session.js';
import { connectionDetails } from './verbose.js';
import { askPassphrase, promptHidden, promptVisible } from './prompt.js';
import { answerVarsPrompts } from './vars-prompt.js';
import { KeyError, loadPrivateKey, type KeyChoice } from '../transport/keys.js';
import type { Inventory } from '../inventory/types.js';
import type { PlannedPlay } from '../engine/preflight.js';

export interface ApplyArgs extends ConnectionArgs, VaultArgs {
  /** Positionals: [INVENTORY] PLAYBOOK... (the inventory only when no -i names one). */
  files?: string[];
  tags: string[];
  skipTags: string[];
  listHosts: boolean;
  listTasks: boolean;
  listTags: boolean;
  syntaxCheck: boolean;
  startAtTask?: string;
  shard?: string;
  shardBy?: string;
  strategy?: 'linear' | 'free';
  taskTimeout: number;
}

/** Tags with a meaning of their own in --tags/--skip-tags. */
const SPECIAL_TAGS = ['all', 'always', 'never', 'tagged', 'untagged'];

export async function applyCommand(args: ApplyArgs): Promise<number> {
  // A bad slice is bad input: refused before anything is loaded or contacted.
  const shard = args.shard !== undefined ? parseShard(args.shard, args.shardBy) : undefined;
  if (args.shardBy !== undefined && !shard) throw new InputError('--shard-by goes with --shard I/N');
  const session = await settleSession(args);
  const { inventoryFiles, playbookArgs } = splitPositionals(args, configuredInventory(session.config));
  const registry = defaultRegistry();
  // Vault passwords first: inventories, group_vars and playbooks may hold encrypted data.
  await configureVault(args, session.config);
  const playbookFiles = playbookArgs.length ? playbookArgs.map((p) => resolve(p)) : defaultPlaybooks(inventoryFiles[0]);
  if (!Number.isFinite(args.taskTimeout) || args.taskTimeout < 0) throw new InputError(`--task-timeout must be a number of seconds of 0 or more, got ${args.taskTimeout}`);
  const plays = playbookFiles.flatMap((file) => loadPlaybookFile(file, registry, { rolesPath: session.rolesPath, privateRoleVars: session.config.privateRoleVars }));

  if (args.syntaxCheck) {
    // As ansible-playbook --syntax-check: the playbooks loaded and validated, nothing planned or run.
    for (const file of playbookFiles) process.stdout.write(`\nplaybook: ${relative(process.cwd(), file) || file}\n`);
    return 0;
  }
  const tags = splitList(args.tags);
  const skipTags = splitList(args.skipTags);
  warnUnknownTags(plays, [...tags, ...skipTags]);

  // group_vars/ and host_vars/ next to the (first) playbook are layered in; plays from other
  // folders get theirs in engine/vars.ts.
  const inventory = loadInventories(inventoryFiles, args, session.config, dirname(playbookFiles[0]));
  const extraVars = parseExtraVars(args.extraVars);
  // Every play's questions, before planning: the answers are play variables the plan may render.
  await answerVarsPrompts(plays, extraVars, process.stdin.isTTY ? { hidden: promptHidden, visible: promptVisible } : undefined, {
    listing: Boolean(args.listHosts || args.listTasks || args.listTags),
    warn: (message) => process.stderr.write(`[WARNING]: ${message}\n`),
  });
  const plan = startAtTask(planRun({ inventory, plays, registry, extraVars, tags, skipTags, limit: args.limit, shard }), args.startAtTask);

  if (args.listHosts || args.listTasks || args.listTags) {
    listPlan(plan, args);
    return 0;
  }

  const privateKeys = await loadPrivateKeys(plan, inventory);
  const reporter = await createReporter(session.output, { out: process.stdout, diff: args.diff, color: session.color, verbosity: session.verbosity });
  if (session.verbosity >= 3) for (const line of connectionDetails(inventory, plan.flatMap((p) => p.hosts), session)) process.stderr.write(`${line}\n`);
  const interrupt = onInterrupt();
  let summary;
  try {
    summary = await runPlaybooks(
    {
      inventory,
      plan,
      playbookFiles,
      dryRun: args.dryRun,
      diff: args.diff,
      extraVars,
      ...connectionRunOptions(session),
      strategy: args.strategy,
      taskTimeout: args.taskTimeout,
      signal: interrupt.signal,
      privateKeys,
      // Values from a vault never show, whatever a task or module put in its result.
      onEvent: (event) => reporter.onEvent(redact(event)),
    },
    registry,
  );
    await reporter.finish();
  } finally {
    interrupt.dispose();
  }
  return interrupt.exitCode ?? summary.exitCode;
}

/** Every key file the run will use, loaded and checked before the first connection (passphrases asked once). */
async function loadPrivateKeys(plan: PlannedPlay[], inventory: Inventory): Promise<Map<string, KeyChoice>> {
  const keys = new Map<string, KeyChoice>();
  for (const name of new Set(plan.flatMap((p) => p.hosts))) {
    const host = inventory.hosts.get(name)!;
    const file = host.connection.privateKeyFile;
    if (!file || keys.has(file)) continue;
    try {
      keys.set(file, await loadPrivateKey(file, { agent: process.env.SSH_AUTH_SOCK, ask: process.stdin.isTTY ? askPassphrase : undefined }));
    } catch (error) {
      if (error instanceof KeyError) throw new InputError(`${error.message} (host '${name}')`, host.location);
      throw error;
    }
  }
  return keys;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The first SIGINT/SIGTERM aborts the run gracefully (no new task, remote commands stopped,
 * the recap printed, exit 130/143); a second one exits at once, with the cursor shown again.
 */
function onInterrupt(): { signal: AbortSignal; exitCode?: number; dispose(): void } {
  const controller = new AbortController();
  const state: { signal: AbortSignal; exitCode?: number; dispose(): void } = {
    signal: controller.signal,
    dispose: () => {
      for (const name of Object.keys(SIGNAL_EXIT)) process.off(name, handler);
    },
  };
  function handler(name: NodeJS.Signals): void {
    if (state.exitCode !== undefined) {
      if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\n');
      process.stderr.write(`runbook: ${name} again: exiting now\n`);
      process.exit(state.exitCode);
    }
    state.exitCode = SIGNAL_EXIT[name];
    process.stderr.write(`runbook: ${name}: stopping (no new tasks; stopping what runs on the hosts); again to exit at once\n`);
    controller.abort();
  }
  for (const name of Object.keys(SIGNAL_EXIT)) process.on(name, handler);
  return state;
}

/**
 * `runbook apply INVENTORY [PLAYBOOK...]` (runbook's form) or `runbook apply -i INVENTORY PLAYBOOK...`
 * (ansible-playbook's). Without -i, the first positional is the inventory unless it is a playbook
 * (a YAML list) and ansible.cfg / ANSIBLE_INVENTORY names one.
 */
function splitPositionals(args: ApplyArgs, configured: string[]): { inventoryFiles: string[]; playbookArgs: string[] } {
  const files = args.files ?? [];
  if (args.inventory?.length) return { inventoryFiles: args.inventory, playbookArgs: files };
  if (files.length > 0 && !(configured.length > 0 && looksLikePlaybook(files[0]))) return { inventoryFiles: [files[0]], playbookArgs: files.slice(1) };
  if (configured.length > 0) return { inventoryFiles: configured, playbookArgs: files };
  throw new InputError('no inventory: runbook apply INVENTORY [PLAYBOOK...], or -i INVENTORY PLAYBOOK... (or inventory in ansible.cfg)');
}

/** A playbook is a YAML list of plays; an inventory is a mapping. */
function looksLikePlaybook(file: string): boolean {
  try {
    const first = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('#') && l !== '---');
    return first?.startsWith('- ') === true || first === '-';
  } catch {
    return false;
  }
}

/** Without playbooks named: every YAML file in ./playbooks, else beside the inventory's folder. */
function defaultPlaybooks(inventoryFile: string): string[] {
  const candidates = [resolve('playbooks'), resolve(dirname(inventoryFile), '..', 'playbooks'), resolve(dirname(inventoryFile), 'playbooks')];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new InputError(`no playbooks named and no playbooks/ folder found (looked in ${candidates.join(', ')})`);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new InputError(`no *.yaml or *.yml files in ${dir}`);
  return files.map((f) => join(dir, f));
}

function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function allTags(plays: PlaySpec[]): string[] {
  return [...new Set(plays.flatMap((p) => [...p.tags, ...[...p.tasks, ...p.handlers].flatMap((t) => t.tags)]))].sort();
}

/** A tag no task carries selects nothing: say so, with the tags there are (the run goes on). */
function warnUnknownTags(plays: PlaySpec[], requested: string[]): void {
  const known = allTags(plays);
  for (const tag of new Set(requested)) {
    if (SPECIAL_TAGS.includes(tag) || known.includes(tag)) continue;
    process.stderr.write(`[WARNING]: tag '${tag}' is not on any task of these playbooks; known tags: ${known.length ? known.join(', ') : '(none)'}\n`);
  }
}

/** --start-at-task NAME (or a glob): plays before its play run nothing, its play starts there (inside a block too). */
function startAtTask(plan: PlannedPlay[], name: string | undefined): PlannedPlay[] {
  if (name === undefined) return plan;
  const matches = (task: { name: string }) => task.name === name || globMatch(name, task.name);
  const playIndex = plan.findIndex((p) => p.tasks.some(matches));
  if (playIndex < 0) throw new InputError(`--start-at-task: no task named '${name}' in the selected tasks`);
  return plan.map((entry, index) => {
    if (index > playIndex) return entry;
    const body = index < playIndex ? [] : bodyFrom(entry.body, matches) ?? [];
    return { ...entry, body, tasks: flattenEntries(body) };
  });
}

/** The entries from the first matching task on; a block holding it keeps its rescue and always. */
function bodyFrom(entries: PlayEntry[], matches: (task: TaskSpec) => boolean): PlayEntry[] | undefined {
  for (const [i, entry] of entries.entries()) {
    if (!isBlock(entry)) {
      if (matches(entry)) return entries.slice(i);
      continue;
    }
    const inner = bodyFrom(entry.block, matches);
    if (inner) return [{ ...entry, block: inner }, ...entries.slice(i + 1)];
  }
  return undefined;
}

/** Python's fnmatch, as Ansible matches --start-at-task: * ? [seq]. */
function globMatch(pattern: string, text: string): boolean {
  if (!/[*?[]/.test(pattern)) return false;
  const source = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^');
  try {
    return new RegExp(`^${source}$`).test(text);
  } catch {
    return false;
  }
}

function listPlan(plan: PlannedPlay[], args: ApplyArgs): void {
  for (const [index, { play, hosts, body }] of plan.entries()) {
    // As ansible-playbook: rescue and always sections are not listed.
    const tasks = listedTasks(body);
    process.stdout.write(`play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}] (${hosts.length} hosts)\n`);
    if (args.listHosts) for (const host of hosts) process.stdout.write(`  ${host}\n`);
    if (args.listTasks) for (const task of tasks) process.stdout.write(`  ${task.name}\t[${task.tags.join(', ')}]\n`);
    if (args.listTags) process.stdout.write(`  TASK TAGS: [${[...new Set(tasks.flatMap((t) => t.tags))].sort().join(', ')}]\n`);
  }
}
