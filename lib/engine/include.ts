import { flattenEntries, type PlayEntry, type TaskSpec } from '../playbook/types.js';
import { evaluateCondition, renderValue } from '../template/index.js';
import { itemVars, type VarLayers } from './vars.js';

/**
 * The entries an include_tasks loads for a file and loop item, loaded once and shared: every
 * host, and the prefetch that looked ahead, see the same tasks (run_once gates and prefetched
 * facts are keyed on them).
 */
const loaded = new WeakMap<TaskSpec, Map<string, PlayEntry[]>>();

export function includedEntries(task: TaskSpec, file: string, vars: Record<string, unknown>): PlayEntry[] {
  let byFile = loaded.get(task);
  if (!byFile) loaded.set(task, (byFile = new Map()));
  const key = `${file}\0${JSON.stringify(vars)}`;
  let entries = byFile.get(key);
  if (!entries) byFile.set(key, (entries = task.includeTasks!(file, vars)));
  return entries;
}

/** What one host's include task loads: per loop item whose when holds, the file and its entries. */
export function includesOf(task: TaskSpec, layers: VarLayers): Array<{ file: string; entries: PlayEntry[] }> {
  const origin = { what: `task '${task.name}'`, location: task.location };
  const out: Array<{ file: string; entries: PlayEntry[] }> = [];
  for (const { vars, item } of itemVars(layers, task)) {
    if (!task.when.every((condition) => evaluateCondition(condition, vars, origin))) continue;
    const args = renderValue(task.args, vars, origin) as Record<string, unknown>;
    // The file of include_tasks, the role of include_role.
    const file = String(args.file ?? args._raw_params ?? args.name);
    out.push({ file, entries: includedEntries(task, file, task.loop === undefined ? {} : { [task.loopVar]: item }) });
  }
  return out;
}

/** The tasks an include will load for this host, if that can be known now (for the prefetch); nested includes too. */
export function lookAhead(task: TaskSpec, layers: VarLayers, depth = 0): TaskSpec[] {
  if (depth > 8) return [];
  try {
    return includesOf(task, layers).flatMap(({ entries }) => flattenEntries(entries)).flatMap((t) => [t, ...(t.includeTasks ? lookAhead(t, layers, depth + 1) : [])]);
  } catch {
    return []; // not known yet (a registered result, a missing file): loaded, or failed, when the host gets there
  }
}
