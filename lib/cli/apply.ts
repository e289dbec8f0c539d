import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import { planRun } from '../engine/plan.js';
import { loadInventory, withPlaybookDir } from '../inventory/load.js';
import { redact } from '../vault/redact.js';
import { configureVault, type VaultArgs } from './vault-options.js';
import { defaultRegistry } from '../modules/index.js';
import { loadPlaybookFile } from '../playbook/load.js';
import { createReporter } from '../report/index.js';
import { parseExtraVars } from './extra-vars.js';
import { askPassphrase } from './passphrase.js';
import { KeyError, loadPrivateKey, type KeyChoice } from '../transport/keys.js';
import type { Inventory } from '../inventory/types.js';
import type { PlannedPlay } from '../engine/preflight.js';

export interface ApplyArgs extends VaultArgs {
  inventory: string;
  playbooks?: string[];
  dryRun: boolean;
  diff: boolean;
  tags: string[];
  skipTags: string[];
  limit?: string;
  forks: number;
  extraVars: string[];
  listHosts: boolean;
  listTasks: boolean;
  output?: 'tty' | 'plain' | 'json';
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  connectTimeout: number;
  strategy?: 'linear' | 'free';
  taskTimeout: number;
  keepalive?: number;
  factTimeout: number;
}

export async function applyCommand(args: ApplyArgs): Promise<number> {
  const registry = defaultRegistry();
  // Vault passwords first: inventories, group_vars and playbooks may hold encrypted data.
  await configureVault(args);
  const playbookFiles = args.playbooks?.length ? args.playbooks.map((p) => resolve(p)) : defaultPlaybooks(args.inventory);
  if (!Number.isFinite(args.taskTimeout) || args.taskTimeout < 0) throw new InputError(`--task-timeout must be a number of seconds of 0 or more, got ${args.taskTimeout}`);
  // group_vars/ and host_vars/ next to the (first) playbook are layered in; plays from other
  // folders get theirs in engine/vars.ts.
  const inventory = withPlaybookDir(loadInventory([args.inventory]), dirname(playbookFiles[0]));
  const plays = playbookFiles.flatMap((file) => loadPlaybookFile(file, registry));
  const extraVars = parseExtraVars(args.extraVars);
  const tags = splitList(args.tags);
  const skipTags = splitList(args.skipTags);
  const plan = planRun({ inventory, plays, registry, extraVars, tags, skipTags, limit: args.limit });

  if (args.listHosts || args.listTasks) {
    for (const { play, hosts, tasks } of plan) {
      process.stdout.write(`play: ${play.name} (${hosts.length} hosts)\n`);
      if (args.listHosts) for (const host of hosts) process.stdout.write(`  ${host}\n`);
      if (args.listTasks) for (const task of tasks) process.stdout.write(`  ${task.name}\t[${task.tags.join(', ')}]\n`);
    }
    return 0;
  }

  const privateKeys = await loadPrivateKeys(plan, inventory);
  const output = args.output ?? (process.stdout.isTTY ? 'tty' : 'plain');
  const reporter = await createReporter(output, { out: process.stdout, diff: args.diff });
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
      forks: args.forks,
      knownHostsFile: args.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'),
      acceptNewHostKeys: args.acceptNewHostKeys,
      connectTimeoutMs: args.connectTimeout * 1000,
      strategy: args.strategy,
      taskTimeout: args.taskTimeout,
      keepaliveMs: args.keepalive !== undefined ? args.keepalive * 1000 : undefined,
      signal: interrupt.signal,
      privateKeys,
      factTimeoutMs: args.factTimeout * 1000,
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
