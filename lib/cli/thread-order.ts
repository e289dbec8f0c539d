import type { RunEvent } from '../engine/events.js';
import type { PlannedPlay } from '../engine/preflight.js';

/**
 * Worker threads run their hosts' tasks without waiting for each other; this puts their events
 * back in the order one thread gives them. Each thread's events come in order, cut by the points
 * it reached (RunCoordinator.at: a play's start, a batch's facts, each task of a lock-step
 * round, each handler of a flush point, a batch's end). Once every thread is past a point, its
 * events are released together: ordered by host (the run's host order), as one thread's rounds
 * give them, or, at an 'arrival' point (the free strategy), as they came once the points before
 * it are out. A play's start (one per thread, each with its own hosts) goes out once, with the
 * hosts of every thread. Live events (a task started on a host, its progress), which only the
 * terminal's live view shows, go out as they come once their play's start is out: the view shows
 * what each host does now, not a task later.
 */

/** Where a thread's events are cut: before events[at], `point` begins. */
export interface ThreadMark {
  at: number;
  point: number[];
  arrival?: true;
}

interface Segment {
  point: number[];
  arrival: boolean;
  events: RunEvent[];
}

/** Points compared as tuples (engine/options.ts RunCoordinator); a shorter prefix comes first. */
export function comparePoints(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return a.length - b.length;
}

const START: number[] = [-Infinity];
const DONE: number[] = [Infinity];

export class ThreadEventOrder {
  /** Each thread's events not released yet, one segment per point, in the thread's order. */
  private readonly held: Segment[][];
  /** The point each thread is at (its last), or DONE. */
  private readonly position: Array<{ point: number[]; arrival: boolean }>;
  private readonly hostIndex: Map<string, number>;
  /** Each thread's points not yet released, in order. */
  private readonly pending: number[][][];
  /** How many of its points each thread had released (a thread reads its own count to know how far ahead it is). */
  readonly released: Int32Array;
  /** The last play whose play_start went out. */
  private startedPlay = -1;

  constructor(
    threads: number,
    private readonly plan: PlannedPlay[],
    hosts: string[],
    private readonly emit: (event: RunEvent) => void,
    /** Event types shown as they come (the live view's), rather than in one thread's order. */
    private readonly live: ReadonlySet<RunEvent['type']> = new Set(),
  ) {
    this.held = Array.from({ length: threads }, () => []);
    this.position = Array.from({ length: threads }, () => ({ point: START, arrival: false }));
    this.hostIndex = new Map(hosts.map((h, i) => [h, i]));
    this.pending = Array.from({ length: threads }, () => []);
    this.released = new Int32Array(new SharedArrayBuffer(threads * Int32Array.BYTES_PER_ELEMENT));
  }

  /** A thread's next events, cut by the points it reached among them. */
  take(thread: number, events: RunEvent[], marks: ThreadMark[] = []): void {
    let from = 0;
    for (const mark of marks) {
      this.append(thread, events.slice(from, mark.at));
      from = mark.at;
      this.reach(thread, mark.point, mark.arrival === true);
    }
    this.append(thread, events.slice(from));
    this.release();
  }

  /** The thread finished: past every point. */
  leave(thread: number): void {
    this.position[thread] = { point: DONE, arrival: false };
    this.release();
  }

  /** Points of a thread not released yet: how far it is ahead of the slowest thread. */
  heldPoints(thread: number): number {
    return this.pending[thread].length;
  }

  private reach(thread: number, point: number[], arrival: boolean): void {
    const position = this.position[thread];
    if (comparePoints(point, position.point) < 0) throw new Error(`worker thread ${thread + 1} went back from [${position.point.join(',')}] to [${point.join(',')}]`);
    this.position[thread] = { point, arrival };
    this.pending[thread].push(point);
  }

  private append(thread: number, all: RunEvent[]): void {
    const { point, arrival } = this.position[thread];
    let events = all;
    if (this.live.size > 0 && point[0] <= this.startedPlay) {
      events = all.filter((e) => !this.live.has(e.type));
      for (const event of all) if (this.live.has(event.type)) this.emit(event);
    }
    if (events.length === 0) return;
    const segments = this.held[thread];
    const last = segments[segments.length - 1];
    if (last && comparePoints(last.point, point) === 0) last.events.push(...events);
    else segments.push({ point, arrival, events });
  }

  /** Every point no thread is still before goes out; the point the slowest thread is at, too, when its events go as they come. */
  private release(): void {
    const frontier = this.position.reduce((low, p) => (comparePoints(p.point, low.point) < 0 ? p : low), this.position[0]);
    this.pending.forEach((points, thread) => {
      let passed = 0;
      while (passed < points.length && comparePoints(points[passed], frontier.point) < 0) passed++;
      if (passed === 0) return;
      points.splice(0, passed);
      Atomics.add(this.released, thread, passed);
    });
    for (;;) {
      let lowest: number[] | undefined;
      for (const segments of this.held) if (segments.length > 0 && (!lowest || comparePoints(segments[0].point, lowest) < 0)) lowest = segments[0].point;
      if (!lowest) return;
      const order = comparePoints(lowest, frontier.point);
      if (order > 0 || (order === 0 && !frontier.arrival)) return;
      const here: Segment[] = [];
      for (const segments of this.held) if (segments.length > 0 && comparePoints(segments[0].point, lowest) === 0) here.push(segments.shift()!);
      if (order === 0) for (const segment of here) for (const event of segment.events) this.emit(event);
      else this.emitTogether(here.map((s) => s.events));
    }
  }

  /**
   * The events of one point from every thread (each thread's in its order): by host, as one
   * thread gives them; one play_start, one play_end. Each thread's events of a point come by host
   * already (its hosts run in the run's order): merged, not sorted.
   */
  private emitTogether(threads: RunEvent[][]): void {
    let start: Extract<RunEvent, { type: 'play_start' }> | undefined;
    let end: RunEvent | undefined;
    const seen = new Set<string>();
    const runs: Array<{ events: RunEvent[]; hosts: Int32Array }> = [];
    let sorted = true;
    for (const events of threads) {
      const rest: RunEvent[] = [];
      for (const event of events) {
        if (event.type === 'play_start') {
          start ??= event;
          for (const host of event.hosts) seen.add(host);
        } else if (event.type === 'play_end') end ??= event;
        else rest.push(event);
      }
      // Each event's host looked up once (a plain loop: Int32Array.from with a mapping function goes through the iterator protocol).
      const hosts = new Int32Array(rest.length);
      for (let i = 0; i < rest.length; i++) {
        const event = rest[i];
        hosts[i] = 'host' in event ? (this.hostIndex.get(event.host) ?? -1) : -1;
      }
      for (let i = 1; i < hosts.length && sorted; i++) sorted = hosts[i - 1] <= hosts[i];
      runs.push({ events: rest, hosts });
    }
    if (start) {
      this.startedPlay = start.index;
      this.emit({ type: 'play_start', play: start.play, index: start.index, hosts: this.plan[start.index].hosts.filter((h) => seen.has(h)), tasks: start.tasks });
    }
    if (sorted) this.emitMerged(runs);
    else {
      // Not by host within a thread (not expected of the engine): a stable sort by host, thread order kept within one.
      const all = runs.flatMap((r) => r.events.map((event, i) => ({ event, host: r.hosts[i] })));
      all.sort((a, b) => a.host - b.host);
      for (const { event } of all) this.emit(event);
    }
    if (end) this.emit(end);
  }

  /** Runs each sorted by host, merged: the lowest host first, an earlier thread first on a tie (as a stable sort of them one after another). */
  private emitMerged(runs: Array<{ events: RunEvent[]; hosts: Int32Array }>): void {
    const next = runs.map(() => 0);
    for (;;) {
      let pick = -1;
      for (let r = 0; r < runs.length; r++) {
        if (next[r] < runs[r].events.length && (pick === -1 || runs[r].hosts[next[r]] < runs[pick].hosts[next[pick]])) pick = r;
      }
      if (pick === -1) return;
      this.emit(runs[pick].events[next[pick]++]);
    }
  }
}
