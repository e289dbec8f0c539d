/**
 * Ansible's --tags / --skip-tags semantics:
 * - no --tags means `all`: every task runs except those tagged `never`;
 * - a task tagged `always` runs whatever --tags says, unless --skip-tags names `always`
 *   (or one of its other tags), or is `all` (which spares `always` tasks unless `always` is skipped too);
 * - a `never` task runs only when --tags names one of its tags (or `never`);
 * - `tagged` selects tasks with at least one tag, `untagged` those with none.
 * A task's tags already include its play's tags (see the loader).
 */
import { isBlock, type PlayEntry } from './types.js';

export interface TagFilter {
  tags: readonly string[]; // empty: all
  skipTags: readonly string[];
}

export function selectTasks<T extends { tags: readonly string[] }>(tasks: readonly T[], filter: TagFilter): T[] {
  return tasks.filter((task) => shouldRun(task.tags, filter));
}

/** The tasks of a tree the filter selects; blocks left with no task at all are dropped, as Ansible does. */
export function selectEntries(entries: readonly PlayEntry[], filter: TagFilter): PlayEntry[] {
  return entries.flatMap((entry): PlayEntry[] => {
    if (!isBlock(entry)) return entry.implicit || shouldRun(entry.tags, filter) ? [entry] : [];
    const kept = { ...entry, block: selectEntries(entry.block, filter), rescue: selectEntries(entry.rescue, filter), always: selectEntries(entry.always, filter) };
    return kept.block.length + kept.rescue.length + kept.always.length > 0 ? [kept] : [];
  });
}

export function shouldRun(taskTags: readonly string[], filter: TagFilter): boolean {
  // Ansible gives an untagged task the single tag 'untagged'.
  const tags = new Set(taskTags.length ? taskTags : ['untagged']);
  const isTagged = taskTags.length > 0;
  const only = filter.tags.length ? filter.tags : ['all'];
  const intersects = (list: readonly string[]) => list.some((tag) => tags.has(tag));

  let run =
    tags.has('always') ||
    (only.includes('all') && !tags.has('never')) ||
    intersects(only) ||
    (only.includes('tagged') && isTagged && !tags.has('never'));

  const skip = filter.skipTags;
  if (run && skip.length) {
    if (skip.includes('all')) run = tags.has('always') && !skip.includes('always');
    else if (intersects(skip) || (skip.includes('tagged') && isTagged)) run = false;
  }
  return run;
}
