import { isBlock, type BlockSpec, type PlayEntry, type TaskSpec } from '../playbook/types.js';

/** Which part of a block the cursor is in, as Ansible's IteratingStates TASKS / RESCUE / ALWAYS. */
export type Section = 'block' | 'rescue' | 'always';

/**
 * What the iterator hands the engine next:
 * - `task`: run it on the host;
 * - `settle`: make the host's queued changes now, before the cursor crosses a block boundary,
 *   so a failed change surfaces (through `fail`) in the block whose task queued it.
 */
export type IteratorStep = { kind: 'task'; task: TaskSpec; section: Section } | { kind: 'settle' };

interface Frame {
  sections: Record<Section, PlayEntry[]>;
  section: Section;
  /** Next entry of the current section. */
  index: number;
  /** A failure in this block that no rescue has handled (yet). */
  failed: boolean;
}

/**
 * One host's cursor through a play's task tree, in the spirit of Ansible's PlayIterator:
 * a stack of blocks, each in its block, rescue or always section. A failed task sends the
 * innermost block to its rescue (or always); a block that ends still failed passes the
 * failure to its parent, after its always section ran. The engine asks `next()` for every
 * step, and nothing else moves the cursor, so a driver (per host, or all hosts in lock step)
 * owns the pace and can check anything (an abort, a barrier) before it asks.
 */
export class HostPlayIterator {
  private readonly frames: Frame[];
  /** Queued changes were made since the last task: crossing a boundary needs no settle first. */
  private settled = true;
  /** The last task failed: the cursor moves to rescue/always at the next boundary. */
  private failing = false;
  private over = false;

  constructor(body: readonly PlayEntry[]) {
    this.frames = [frame({ block: [...body], rescue: [], always: [] })];
  }

  /** True once the host has failed a task that nothing rescued (it runs no more tasks of this play). */
  get failed(): boolean {
    return this.over && this.hostFailed;
  }

  private hostFailed = false;

  /** The next step for this host, or undefined when its play is over. The only place the cursor advances. */
  next(): IteratorStep | undefined {
    for (;;) {
      if (this.over) return undefined;
      const top = this.frames[this.frames.length - 1];
      const entry = top.sections[top.section][top.index];
      if (!this.failing && entry !== undefined && !isBlock(entry)) {
        top.index++;
        this.settled = false;
        return { kind: 'task', task: entry, section: top.section };
      }
      // A block boundary. Where a rescue or always hangs on it, queued changes are made first,
      // so a failed one fails the task that queued it on the right side of the boundary.
      const crossing = !this.failing && entry !== undefined ? (entry as BlockSpec) : top.sections;
      if (!this.settled && (crossing.rescue.length > 0 || crossing.always.length > 0)) {
        this.settled = true;
        return { kind: 'settle' };
      }
      if (this.failing) {
        this.failing = false;
        this.failFrame(top);
      } else if (entry !== undefined) {
        top.index++;
        this.frames.push(frame(entry as BlockSpec));
      } else {
        this.endSection(top);
      }
    }
  }

  /**
   * The task just run (or a change it queued) failed, and errors are not ignored. Returns
   * true when an enclosing block will rescue it (Ansible then counts the host `rescued`,
   * not failed, and sets ansible_failed_task / ansible_failed_result).
   */
  fail(): boolean {
    this.failing = true;
    return this.rescuing();
  }

  /** Is any block on the cursor's path in its block section with a rescue (Ansible's is_any_block_rescuing)? */
  rescuing(): boolean {
    return this.frames.some((f) => f.section === 'block' && f.sections.rescue.length > 0);
  }

  /** The host's play ends here (unreachable host, meta: end_host, end_play). */
  end(): void {
    this.over = true;
  }

  /** Tasks of a dynamic include, run next, right after the include task (Ansible's add_tasks). */
  insert(entries: readonly PlayEntry[]): void {
    if (entries.length === 0) return;
    const top = this.frames[this.frames.length - 1];
    const list = top.sections[top.section];
    top.sections = { ...top.sections, [top.section]: [...list.slice(0, top.index), ...entries, ...list.slice(top.index)] };
  }

  private failFrame(top: Frame): void {
    if (top.section === 'block' && top.sections.rescue.length > 0) {
      top.failed = true;
      this.enter(top, 'rescue');
    } else if (top.section === 'block' || top.section === 'rescue') {
      top.failed = true;
      this.enter(top, 'always');
    } else {
      // A failure in always ends the block's always section (Ansible: FAILED_ALWAYS → COMPLETE).
      top.failed = true;
      top.index = top.sections.always.length;
    }
  }

  private endSection(top: Frame): void {
    if (top.section === 'block') return this.enter(top, 'always');
    if (top.section === 'rescue') {
      top.failed = false;
      return this.enter(top, 'always');
    }
    this.frames.pop();
    if (this.frames.length === 0) {
      this.over = true;
      this.hostFailed = top.failed;
    } else if (top.failed) {
      // The parent block fails next, after its own boundary check.
      this.failing = true;
    }
  }

  private enter(top: Frame, section: Section): void {
    top.section = section;
    top.index = 0;
  }
}

function frame(sections: Record<Section, PlayEntry[]>): Frame {
  return { sections: { block: sections.block, rescue: sections.rescue, always: sections.always }, section: 'block', index: 0, failed: false };
}
