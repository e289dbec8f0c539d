import type { Inventory } from '../inventory/types.js';
import { selectHosts } from '../inventory/select.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { flattenEntries, type PlaySpec } from '../playbook/types.js';
import { selectEntries } from '../playbook/tags.js';
import { preflight, preflightYielding, type PlannedPlay } from './preflight.js';
import { checkShardable, restrictToShard, type ShardSpec } from './shard.js';

export interface PlanInput {
  inventory: Inventory;
  plays: PlaySpec[];
  registry: ModuleRegistry;
  extraVars: Record<string, unknown>;
  tags: string[];
  skipTags: string[];
  limit?: string;
  /** --shard I/N: only this slice of the hosts; plays that coordinate hosts must not be split. */
  shard?: ShardSpec;
  /** A worker thread's hosts: the plan is the whole run's, restricted to these (after the checks a shard makes). */
  only?: ReadonlySet<string>;
  /** false: the caller runs preflight() itself (one thread, while its first connections open; or the main thread of a threaded run, for every host: cli/threads.ts). */
  preflight?: boolean;
}

/** Which hosts and tasks each play runs, checked whole before any host is touched. */
export function planRun(input: PlanInput): PlannedPlay[] {
  const { inventory, limit } = input;
  const limited = limit ? new Set(selectHosts(inventory, limit).map((h) => h.name)) : undefined;
  const plan = input.plays.map((play) => {
    const tagFilter = { tags: input.tags, skipTags: input.skipTags };
    const body = selectEntries(play.body, tagFilter);
    return {
      play,
      hosts: selectHosts(inventory, play.hosts, play.location)
        .map((h) => h.name)
        .filter((h) => !limited || limited.has(h)),
      body,
      tasks: flattenEntries(body).filter((t) => !t.implicit),
      tagFilter,
    };
  });
  if (input.shard) checkShardable(plan, inventory, input.shard);
  const sharded = input.shard ? restrictToShard(plan, inventory, input.shard) : plan;
  const only = input.only;
  const sliced = only ? sharded.map((p) => ({ ...p, hosts: p.hosts.filter((h) => only.has(h)) })) : sharded;
  if (input.preflight !== false) preflight(sliced, inventory, input.registry, input.extraVars);
  return sliced;
}

export { preflight, preflightYielding, type PlannedPlay };
