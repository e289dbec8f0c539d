import type { Inventory } from '../inventory/types.js';
import { selectHosts } from '../inventory/select.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { flattenEntries, type PlaySpec } from '../playbook/types.js';
import { selectEntries } from '../playbook/tags.js';
import { preflight, type PlannedPlay } from './preflight.js';

export interface PlanInput {
  inventory: Inventory;
  plays: PlaySpec[];
  registry: ModuleRegistry;
  extraVars: Record<string, unknown>;
  tags: string[];
  skipTags: string[];
  limit?: string;
}

/** Which hosts and tasks each play runs, checked whole before any host is touched. */
export function planRun(input: PlanInput): PlannedPlay[] {
  const { inventory, limit } = input;
  const limited = limit ? new Set(selectHosts(inventory, limit).map((h) => h.name)) : undefined;
  const plan = input.plays.map((play) => {
    const body = selectEntries(play.body, { tags: input.tags, skipTags: input.skipTags });
    return {
      play,
      hosts: selectHosts(inventory, play.hosts, play.location)
        .map((h) => h.name)
        .filter((h) => !limited || limited.has(h)),
      body,
      tasks: flattenEntries(body).filter((t) => !t.implicit),
    };
  });
  preflight(plan, inventory, input.registry, input.extraVars);
  return plan;
}

export type { PlannedPlay };
