import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import { parseShard, singleThreadReason, type ShardSpec } from '../engine/shard.js';
import { isatty } from 'node:tty';
import { formatLocation } from '../errors.js';
import type { RunEvent } from '../engine/events.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { runInThreads, splitHosts, ThreadPool, threadWeights } from './threads.js';
import { wholeNumber } from './flags.js';
import { planRun, preflight, preflightYielding } from '../engine/plan.js';
import { closeEarly, earlyHosts, openEarly } from '../engine/early.js';
import type { QueuedTransport } from '../transport/queued.js';
import { redact } from '../vault/redact.js';
import { configureVault, type VaultArgs } from './vault-options.js';
import { defaultRegistry } from '../modules/index.js';
import { loadPlaybookFile } from '../playbook/load.js';
import { flattenEntries, isBlock, listedTasks, type PlayEntry, type PlaySpec, type TaskSpec } from '../playbook/types.js';
import { createReporter } from '../report/index.js';
import { parseExtraVars } from './extra-vars.js';
import { configuredInventory, connectionRunOptions, loadInventories, settleSession, type ConnectionArgs, type Session } from './session.js';
import { connectionDetails } from './verbose.js';
import { askPassphrase, promptHidden, promptVisible } from './prompt.js';
import { askVarsPrompts } from './vars-prompt.js';
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
  /** --workers N: threads the hosts are spread over (default 1: one thread; see threads.ts). */
  workers?: unknown;
}


/** Tags with a meaning of their own in --tags/--skip-tags. */
const SPECIAL_TAGS = ['all', 'always', 'never', 'tagged', 'untagged'];

export async function applyCommand(args: ApplyArgs): Promise<number> {
  // A bad slice is bad input: refused before anything is loaded or contacted.
  const shard = args.shard !== undefined ? parseShard(args.shard, args.shardBy) : undefined;
  if (args.shardBy !== undefined && !shard) throw new InputError('--shard-by goes with --shard I/N');
  const threadsWanted = requestedThreads(args.workers);
  // The worker threads start now, while this thread loads the run (threads.ts ThreadPool).
  const pool = threadsWanted !== undefined && threadsWanted > 1 ? new ThreadPool(threadsWanted - 1) : undefined;
  try {
    return await applyWith(args, shard, threadsWanted, pool);
  } finally {
    await pool?.close();
  }
}

async function applyWith(args: ApplyArgs, shard: ShardSpec | undefined, threadsWanted: number | undefined, pool: ThreadPool | undefined): Promise<number> {
  const session = await settleSession(args);
  const registry = defaultRegistry();
  // Vault passwords first: inventories, group_vars and playbooks may hold encrypted data.
  const vaultSecrets = await configureVault(args, session.config);
  const loaded = loadPlaybooks(args, session, registry);

  if (args.syntaxCheck) {
    // As ansible-playbook --syntax-check: the playbooks loaded and validated, nothing planned or run.
    for (const file of loaded.playbookFiles) process.stdout.write(`\nplaybook: ${relative(process.cwd(), file) || file}\n`);
    return 0;
  }
  warnUnknownTags(loaded.plays, [...splitList(args.tags), ...splitList(args.skipTags)]);
  // Every play's questions, before planning: the answers are play variables the plan may render.
  const promptAnswers = await askVarsPrompts(loaded.plays, parseExtraVars(args.extraVars), stdinIsTerminal() ? { hidden: promptHidden, visible: promptVisible } : undefined, {
    listing: Boolean(args.listHosts || args.listTasks || args.listTags),
    warn: (message) => process.stderr.write(`[WARNING]: ${message}\n`),
  });
  // Every task rendered for every host before any is touched (preflight): below, or with worker
  // threads in runInThreads while the workers take the run, before any thread goes on.
  const { inventory, extraVars, plan } = planApply(args, session, registry, loaded, shard, undefined, false);
  const checkPlan = () => preflight(plan, inventory, registry, extraVars);

  if (args.listHosts || args.listTasks || args.listTags) {
    checkPlan();
    listPlan(plan, args);
    return 0;
  }
  const threads = threadsFor(plan, registry, session, threadsWanted);
  // One thread: the connections the run uses first open while preflight runs (engine/early.ts);
  // nothing runs on a host before it passed, and its error closes them.
  let opened: Map<string, QueuedTransport> | undefined;
  let privateKeys: Map<string, KeyChoice>;
  let reporter: Awaited<ReturnType<typeof createReporter>>;
  try {
    if (threads === 1) {
      const early = await openConnectionsEarly(session, plan, inventory, registry, extraVars);
      opened = early.opened;
      if (opened.size > 0) await preflightYielding(plan, inventory, registry, extraVars);
      else checkPlan();
      privateKeys = await loadPrivateKeys(plan, inventory, early.keys);
    } else privateKeys = await loadPrivateKeys(plan, inventory);
    reporter = await createReporter(session.output, { out: process.stdout, diff: args.diff, color: session.color, verbosity: session.verbosity });
  } catch (error) {
    closeEarly(opened);
    throw error;
  }
  if (session.verbosity >= 3) for (const line of connectionDetails(inventory, plan.flatMap((p) => p.hosts), session)) process.stderr.write(`${line}\n`);
  const interrupt = onInterrupt();
  let summary;
  try {
    // Values from a vault never show, whatever a task or module put in its result.
    const onEvent = (event: RunEvent) => reporter.onEvent(redact(event));
    const options = { ...runOptions(args, session, { inventory, extraVars, plan, playbookFiles: loaded.playbookFiles }), signal: interrupt.signal, privateKeys, onEvent, opened };
    summary =
      threads > 1
        ? // The threads redacted their events (they decrypted what the run reads): passed on as they are.
          await runInThreads(options, { args, threads, secrets: { becomePassword: session.becomePassword, vaultSecrets, privateKeys, promptAnswers }, forward: (event) => reporter.onEvent(event), taskStarts: session.output === 'tty', registry, pool })
        : await runPlaybooks(options, registry);
    await reporter.finish();
  } finally {
    interrupt.dispose();
  }
  return interrupt.exitCode ?? summary.exitCode;
}

/** The playbooks of a run, loaded and checked (the inventory files named, not yet read). */
export interface LoadedPlaybooks {
  inventoryFiles: string[];
  playbookFiles: string[];
  plays: PlaySpec[];
}

/** Loads the playbooks the arguments name (a worker thread loads them again, as the main thread did). */
export function loadPlaybooks(args: ApplyArgs, session: Session, registry: ModuleRegistry): LoadedPlaybooks {
  const { inventoryFiles, playbookArgs } = splitPositionals(args, configuredInventory(session.config));
  const playbookFiles = playbookArgs.length ? playbookArgs.map((p) => resolve(p)) : defaultPlaybooks(inventoryFiles[0]);
  if (!Number.isFinite(args.taskTimeout) || args.taskTimeout < 0) throw new InputError(`--task-timeout must be a number of seconds of 0 or more, got ${args.taskTimeout}`);
  const plays = playbookFiles.flatMap((file) => loadPlaybookFile(file, registry, { rolesPath: session.rolesPath, privateRoleVars: session.config.privateRoleVars }));
  return { inventoryFiles, playbookFiles, plays };
}

/** The inventory read and the run planned; `only`: a worker thread's hosts; `check` false: no preflight yet. */
export function planApply(args: ApplyArgs, session: Session, registry: ModuleRegistry, loaded: LoadedPlaybooks, shard: ShardSpec | undefined, only?: ReadonlySet<string>, check = true) {
  // group_vars/ and host_vars/ next to the (first) playbook are layered in; plays from other
  // folders get theirs in engine/vars.ts.
  const inventory = loadInventories(loaded.inventoryFiles, args, session.config, dirname(loaded.playbookFiles[0]));
  const extraVars = parseExtraVars(args.extraVars);
  const { plays } = loaded;
  const plan = startAtTask(planRun({ inventory, plays, registry, extraVars, tags: splitList(args.tags), skipTags: splitList(args.skipTags), limit: args.limit, shard, only, preflight: false }), args.startAtTask);
  if (check) preflight(plan, inventory, registry, extraVars);
  return { inventory, extraVars, plan };
}

/** The engine's options the arguments and session settle (the listener, signal and keys are the caller's). */
export function runOptions(args: ApplyArgs, session: Session, run: { inventory: Inventory; extraVars: Record<string, unknown>; plan: PlannedPlay[]; playbookFiles: string[] }) {
  return {
    ...run,
    dryRun: args.dryRun,
    diff: args.diff,
    ...connectionRunOptions(session),
    strategy: args.strategy,
    taskTimeout: args.taskTimeout,
  };
}

/** Threads the run uses: --workers N, else RUNBOOK_WORKERS, else one. */
function threadsFor(plan: PlannedPlay[], registry: ModuleRegistry, session: Session, wanted: number | undefined): number {
  const hosts = new Set(plan.flatMap((p) => p.hosts)).size;
  const count = Math.min(wanted ?? 1, hosts, session.forks);
  if (count <= 1) return 1;
  const reason = singleThreadReason(plan, registry);
  if (!reason) {
    if (session.verbosity >= 1) {
      const slices = splitHosts([...new Set(plan.flatMap((p) => p.hosts))], threadWeights(count));
      process.stderr.write(`runbook: ${count} worker threads, ${Math.max(...slices.map((s) => s.length))} hosts or fewer each (the main thread's share: ${slices[0].length})\n`);
    }
    return count;
  }
  if (session.verbosity >= 1) process.stderr.write(`runbook: one thread (not ${count}): ${reason.what} (${formatLocation(reason.location)}), which needs every host in one thread\n`);
  return 1;
}

/** --workers N, or RUNBOOK_WORKERS (tests force threads with it); undefined: decided by the host count. */
function requestedThreads(flag: unknown): number | undefined {
  if (flag !== undefined) return wholeNumber('--workers', flag, 1);
  const env = process.env.RUNBOOK_WORKERS;
  return env !== undefined && env !== '' ? wholeNumber('RUNBOOK_WORKERS', env, 1) : undefined;
}

/**
 * The connections engine/early.ts finds certain to be used first, opened now, with the keys they
 * need (files that load without a passphrase: any other is settled after preflight, as before).
 */
async function openConnectionsEarly(session: Session, plan: PlannedPlay[], inventory: Inventory, registry: ModuleRegistry, extraVars: Record<string, unknown>): Promise<{ opened: Map<string, QueuedTransport>; keys: Map<string, KeyChoice> }> {
  const settings = connectionRunOptions(session);
  const hosts = earlyHosts(plan, inventory, registry, extraVars, settings);
  const keys = new Map<string, KeyChoice>();
  for (const file of new Set(hosts.map((host) => host.connection.privateKeyFile))) {
    if (file === undefined) continue;
    try {
      const choice = await loadPrivateKey(file, {});
      if ('key' in choice) keys.set(file, choice);
    } catch {
      // said after preflight, by loadPrivateKeys
    }
  }
  return { opened: hosts.length > 0 ? openEarly(hosts, { ...settings, privateKeys: keys }) : new Map(), keys };
}

/** Every key file the run will use, loaded and checked before the first connection (passphrases asked once). */
async function loadPrivateKeys(plan: PlannedPlay[], inventory: Inventory, loaded?: Map<string, KeyChoice>): Promise<Map<string, KeyChoice>> {
  const keys = new Map<string, KeyChoice>(loaded);
  for (const name of new Set(plan.flatMap((p) => p.hosts))) {
    const host = inventory.hosts.get(name)!;
    const file = host.connection.privateKeyFile;
    if (!file || keys.has(file)) continue;
    try {
      keys.set(file, await loadPrivateKey(file, { agent: process.env.SSH_AUTH_SOCK, ask: stdinIsTerminal() ? askPassphrase : undefined }));
    } catch (error) {
      if (error instanceof KeyError) throw new InputError(`${error.message} (host '${name}')`, host.location);
      throw error;
    }
  }
  return keys;
}

/**
 * Whether stdin is a terminal (prompts need one), as process.stdin.isTTY says, without making
 * process.stdin: that opens a stream on fd 0 (and loads fs' streams) in every run that asks nothing.
 */
function stdinIsTerminal(): boolean {
  return isatty(0);
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
