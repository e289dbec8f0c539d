import type { RunEvent } from '../engine/events.js';
import type { TaskResultEvent } from './types.js';

/** The part of a listr2 TaskWrapper a host line drives: its setters redraw the line. */
export interface LiveLine {
  title: string;
  output: string;
}

type TaskStartEvent = Extract<RunEvent, { type: 'task_start' }>;

/**
 * One host's state during a play. It exists before (and independently of) the
 * listr2 task that shows it: events can arrive before listr2 has started that
 * task, so the line is attached late and catches up from this state.
 */
export class HostLine {
  private live: LiveLine | undefined;
  private readonly completedTasks = new Set<number>();
  private currentTask = '';
  /** Position of the running task in the play (1-based), for `[3/7]`. */
  private currentPosition = 0;
  /** What the play summary lists for this host: changed (would change), failed and ignored results. */
  readonly notable: TaskResultEvent[] = [];
  /** Every result of the play, in order (-v lists those with command output too). */
  readonly results: TaskResultEvent[] = [];
  private failedAt: string | undefined;
  private changed = 0;
  private unreachableMessage: string | undefined;
  private ended = false;
  private resolveEnded!: () => void;
  /** Resolved on the play's end (or the reporter's finish): the listr2 task then completes. */
  readonly ended$: Promise<void> = new Promise((resolve) => (this.resolveEnded = resolve));

  /** Width host names are padded to, so the counts line up across the play's lines. */
  labelWidth = 0;
  dryRun = false;

  constructor(
    readonly host: string,
    private totalTasks: number,
  ) {}

  attach(live: LiveLine): void {
    this.live = live;
    this.redraw();
  }

  taskStarted(event: TaskStartEvent): void {
    this.currentTask = event.handler ? `handler: ${event.task}` : event.task;
    if (!event.handler) this.currentPosition = event.index + 1;
    if (this.live) this.live.output = '';
    this.redraw();
  }

  progress(message: string): void {
    if (this.live) this.live.output = message;
  }

  result(event: TaskResultEvent): void {
    if (!event.handler) this.completedTasks.add(event.index);
    if (event.status === 'changed' && !event.ignored) this.changed += 1;
    this.results.push(event);
    if (event.status === 'changed' || event.status === 'failed' || event.ignored) this.notable.push(event);
    if (event.status === 'unreachable') this.unreachableMessage ??= event.message ?? 'unreachable';
    if (event.status === 'failed') this.failedAt ??= `failed: ${event.handler ? 'handler: ' : ''}${event.task}${event.message ? `: ${event.message.split('\n')[0]}` : ''}`;
    // A failed or unreachable host runs nothing more in this play: its line turns ✖ now, not at the play's end.
    if (event.status === 'failed' || event.status === 'unreachable') this.end();
    else this.redraw();
  }

  unreachable(message: string): void {
    this.unreachableMessage = message;
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.currentTask = '';
    if (this.live) this.live.output = '';
    this.redraw();
    this.resolveEnded();
  }

  /** Why listr2 should mark the line failed, if it should. */
  failure(): string | undefined {
    if (this.unreachableMessage !== undefined) return `${this.prefix()}unreachable: ${this.unreachableMessage}`;
    if (this.failedAt !== undefined) return `${this.prefix()}${this.counts()}  ${this.failedAt}`;
    return undefined;
  }

  title(): string {
    if (this.unreachableMessage !== undefined) return `${this.prefix()}unreachable: ${this.unreachableMessage}`;
    if (this.failedAt !== undefined) return `${this.prefix()}${this.counts()}  ${this.failedAt}`;
    if (this.ended) return `${this.prefix()}${this.counts()}  ${this.outcome()}`;
    const running = this.currentTask ? `  [${this.currentPosition}/${this.totalTasks}] ${this.currentTask}` : '';
    return `${this.prefix()}${this.counts()}${running}`;
  }

  private prefix(): string {
    return `${this.host.padEnd(this.labelWidth)}  `;
  }

  private counts(): string {
    // Handlers and loops can make a play longer than announced; never show 7/5.
    this.totalTasks = Math.max(this.totalTasks, this.completedTasks.size);
    return `${this.completedTasks.size}/${this.totalTasks} tasks`;
  }

  private outcome(): string {
    const parts = [];
    if (this.changed > 0) parts.push(`${this.changed} ${this.dryRun ? 'would change' : 'changed'}`);
    const ignored = this.notable.filter((e) => e.ignored).length;
    if (ignored > 0) parts.push(`${ignored} failed, ignored`);
    return parts.length > 0 ? `done: ${parts.join(', ')}` : 'done';
  }

  private redraw(): void {
    if (this.live) this.live.title = this.title();
  }
}
