import { createHash } from 'node:crypto';
import { InputError, type SourceLocation } from '../errors.js';
import { globToRegExp } from '../inventory/select.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { flattenEntries, type PlayEntry, type PlaySpec, type TaskSpec } from '../playbook/types.js';
import { includedEntries } from './include.js';

/**
 * One slice of the inventory for `runbook apply --shard I/N`: shard I of N (1-based, as
 * `--shard 1/4` … `4/4`). A host's shard depends only on its own name, or on the name of its
 * first group matching `by` (`--shard-by 'cluster_*'`), so adding a host never moves another,
 * and hosts of one group always fall together.
 */
export interface ShardSpec {
  index: number;
  count: number;
  by?: string;
}

export function parseShard(text: string, by?: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard must be I/N with 1 <= I <= N (e.g. --shard 2/4), got '${text}'`);
  }
  if (by !== undefined && by.trim() === '') throw new InputError('--shard-by needs a group name or glob');
  return { index, count, by };
}

/** The shard (1..count) a host belongs to. */
export function shardOf(inventory: Inventory, host: string, spec: ShardSpec): number {
  const key = spec.by ? (groupKey(inventory, host, spec.by) ?? `host:${host}`) : `host:${host}`;
  // The first 6 bytes of a SHA-256: uniform enough, and the same on every machine and Node version.
  const value = createHash('sha256').update(key).digest().readUIntBE(0, 6);
  return (value % spec.count) + 1;
}

function groupKey(inventory: Inventory, host: string, by: string): string | undefined {
  const matcher = /[*?[]/.test(by) ? globToRegExp(by) : undefined;
  const groups = inventory.hosts.get(host)?.groups ?? [];
  const group = groups.find((g) => (matcher ? matcher.test(g) : g === by));
  return group === undefined ? undefined : `group:${group}`;
}

/** Keywords and variables that need every host of a play in one process. */
const WHOLE_PLAY_VARIABLES = /\b(hostvars|play_hosts|ansible_play_hosts|ansible_play_hosts_all|ansible_play_batch)\b/;

/** Why a task needs every host of its play in one process, or undefined. */
export function coordinationOf(task: TaskSpec): string | undefined {
  const extra = task as TaskSpec & { delegateTo?: unknown };
  if (task.runOnce) return 'run_once';
  if (task.module === 'copy_from_host') return 'copy_from_host';
  if (extra.delegateTo !== undefined) return 'delegate_to';
  const text = JSON.stringify([task.args, task.vars, task.when, task.loop ?? null, task.changedWhen ?? null, task.failedWhen ?? null]);
  const variable = WHOLE_PLAY_VARIABLES.exec(text);
  return variable ? variable[1] : undefined;
}

/**
 * Refuses a sharded run in which a play that coordinates its hosts (run_once, serial,
 * copy_from_host, delegate_to, hostvars, the play's host list) has hosts in more than one
 * shard: each shard would see only part of the play and compute a different result.
 * Every shard computes the same answer, so they all refuse together.
 */
export function checkShardable(plan: Array<{ play: PlaySpec; hosts: string[]; tasks: TaskSpec[] }>, inventory: Inventory, spec: ShardSpec): void {
  for (const { play, hosts, tasks } of plan) {
    const shards = [...new Set(hosts.map((h) => shardOf(inventory, h, spec)))].sort((a, b) => a - b);
    if (shards.length <= 1) continue;
    const serial = (play as PlaySpec & { serial?: unknown }).serial;
    const why = serial !== undefined && serial !== null
      ? { what: `play '${play.name}' uses serial`, location: play.location }
      : [...tasks, ...play.handlers].map((t) => ({ task: t, reason: coordinationOf(t) })).filter((x) => x.reason).map((x) => ({ what: `task '${x.task.name}' uses ${x.reason}`, location: x.task.location }))[0];
    if (!why) continue;
    throw new InputError(
      `--shard: ${why.what}, which needs every host of play '${play.name}' in one process, but its hosts fall in shards ${shards.join(', ')} of ${spec.count}; run it unsharded, or with --shard-by GROUP so that its hosts fall together`,
      why.location,
    );
  }
}

/** The plan restricted to this shard's hosts. */
export function restrictToShard<P extends { hosts: string[] }>(plan: P[], inventory: Inventory, spec: ShardSpec): P[] {
  return plan.map((p) => ({ ...p, hosts: p.hosts.filter((h) => shardOf(inventory, h, spec) === spec.index) }));
}

/**
 * Why a run must keep all its hosts in one thread, or undefined when worker threads may each
 * run a slice of them. Beyond what a shard refuses (coordinationOf), threads of one process
 * cannot share: serial, any_errors_fatal, max_fail_percentage, throttle (counted across the
 * play's hosts), end_play (ends the play for every host), a module that runs once for all
 * hosts (pause), and an include whose tasks cannot be read before the run (a templated file).
 */
export function singleThreadReason(plan: Array<{ play: PlaySpec; tasks: TaskSpec[] }>, registry: ModuleRegistry): { what: string; location: SourceLocation } | undefined {
  for (const { play, tasks } of plan) {
    if (play.serial !== undefined && play.serial !== null) return { what: `play '${play.name}' uses serial`, location: play.location };
    if (play.anyErrorsFatal) return { what: `play '${play.name}' uses any_errors_fatal`, location: play.location };
    if (play.maxFailPercentage !== undefined) return { what: `play '${play.name}' uses max_fail_percentage`, location: play.location };
    for (const task of [...tasks, ...play.handlers]) {
      const reason = taskThreadReason(task, registry, 0);
      if (reason) return reason;
    }
  }
  return undefined;
}

function taskThreadReason(task: TaskSpec, registry: ModuleRegistry, depth: number): { what: string; location: SourceLocation } | undefined {
  const at = (why: string) => ({ what: `task '${task.name}' uses ${why}`, location: task.location });
  const coordination = coordinationOf(task);
  if (coordination) return at(coordination);
  if (registry.get(task.module)?.runsOnce) return at(`${task.module} (runs once for every host)`);
  if (task.anyErrorsFatal) return at('any_errors_fatal');
  if (task.throttle !== undefined) return at('throttle');
  if (task.module === 'meta' && task.args._raw_params === 'end_play') return at('meta: end_play');
  if (!task.includeTasks) return undefined;
  const file = task.args.file ?? task.args._raw_params ?? task.args.name;
  if (depth > 8 || task.loop !== undefined || typeof file !== 'string' || file.includes('{{') || file.includes('{%')) return at(`${task.module} of a file known only at run time`);
  let entries: PlayEntry[];
  try {
    entries = includedEntries(task, file, {});
  } catch {
    return at(`${task.module} of a file that cannot be read before the run`);
  }
  for (const inner of flattenEntries(entries)) {
    const reason = taskThreadReason(inner, registry, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}
