import type { RunEvent } from '../engine/events.js';
import type { RunCoordinator } from '../engine/options.js';
import { redact } from '../vault/redact.js';
import type { SourceLocation } from '../errors.js';
import type { HostRecap, TransportCounters } from '../engine/events.js';
import type { ThreadMark } from './thread-order.js';
import { EventEncoder, type EncodedEvents } from './thread-events.js';

/**
 * Points a thread may be ahead of the slowest thread (its events held on the main thread until
 * the slowest one is past them) before it waits: what the main thread holds stays bounded.
 * A task of a lock-step round is about two points.
 */
export const THREAD_WINDOW = 64;

/** Messages a thread posts, in order (a worker on its port). */
export type FromThread =
  /** Events in order, cut by the points the thread reached among them. */
  | { kind: 'events'; events: RunEvent[]; marks: ThreadMark[] }
  /** The same from a worker thread, encoded (thread-events.ts). */
  | { kind: 'encoded-events'; batch: EncodedEvents; marks: ThreadMark[] }
  | { kind: 'meet'; point: number[]; vote?: boolean }
  /** THREAD_WINDOW points ahead: the thread waits for 'caught-up'. */
  | { kind: 'ahead' }
  | { kind: 'done'; hosts: Record<string, HostRecap>; transport: Record<string, TransportCounters> }
  | { kind: 'failed'; error: { name: string; message: string; stack?: string; location?: SourceLocation } };

/** Messages the main thread posts to a thread ('start' first, once, to a worker thread; ThreadStart is threads.ts'). */
export type ToThread<Start = unknown> = { kind: 'start'; start: Start } | { kind: 'go'; answer?: boolean } | { kind: 'abort' } | { kind: 'caught-up' };

/**
 * One thread's side of a threaded run (threads.ts), in a worker thread (thread-worker.ts) or in
 * the main thread, which runs a share of the hosts itself: the engine's events, redacted and
 * batched with the points the thread reached among them (RunCoordinator.at), and the waits (the
 * meetings, and THREAD_WINDOW points ahead of the slowest thread). `post` is the worker's port,
 * or, in the main thread, the main thread's own handler of what a thread says.
 */
export class ThreadSide {
  private queued: RunEvent[] = [];
  private marks: ThreadMark[] = [];
  private flushing = false;
  /** Points reached; those the main thread released are counted in `released`: at THREAD_WINDOW apart, the thread waits. */
  private reached = 0;
  private meeting: ((answer: boolean | undefined) => void) | undefined;
  private caughtUp: (() => void) | undefined;
  /** The engine's own recap: its counts go to the main thread with 'done'. */
  transport: Extract<RunEvent, { type: 'recap' }>['transport'] = {};
  readonly coordinator: RunCoordinator;

  constructor(
    private readonly post: (message: FromThread) => void,
    private readonly released: Int32Array,
    private readonly thread: number,
    /** Post task_start events: only the live terminal view shows them (half of all events). */
    private readonly taskStarts: boolean,
    /**
     * Let the event loop turn at each point: the main thread runs hosts and also takes the other
     * threads' messages, which wait while its own controller-only tasks run without a turn.
     */
    private readonly turnAtPoints = false,
    /** A worker thread's events are encoded (thread-events.ts); the main thread's own are handed over as they are. */
    private readonly encoder?: EventEncoder,
  ) {
    this.coordinator = {
      meet: (point, vote) => {
        // A point like any other for the main thread's count of released points.
        this.reached++;
        // Every thread waits, whatever its vote: a batch's end is also where the next batch or play
        // may begin, and Ansible begins it on no host before the batch ended on every host.
        this.flush();
        return new Promise((resolve) => {
          this.meeting = resolve;
          this.post({ kind: 'meet', point, vote });
        });
      },
      at: (point, order) => {
        this.marks.push({ at: this.queued.length, point, ...(order === 'arrival' ? { arrival: true as const } : {}) });
        if (this.marks.length >= FLUSH_POINTS || this.turnAtPoints) this.flush();
        else this.flushSoon();
        if (++this.reached - Atomics.load(this.released, this.thread) < THREAD_WINDOW) return this.turnAtPoints ? new Promise<void>((resolve) => setImmediate(resolve)) : undefined;
        // Far ahead of the slowest thread: wait until the main thread let out what it holds of ours.
        this.flush();
        return new Promise<void>((resolve) => {
          this.caughtUp = resolve;
          this.post({ kind: 'ahead' });
        });
      },
    };
  }

  /** The engine's listener. */
  readonly emit = (event: RunEvent): void => {
    if (event.type === 'recap') {
      this.transport = event.transport;
      return;
    }
    if (event.type === 'task_start' && !this.taskStarts) return;
    // Values from a vault never leave the thread that decrypted them.
    this.queued.push(redact(event));
    if (this.queued.length >= FLUSH_EVENTS) this.flush();
    else this.flushSoon();
  };

  /** What the main thread says to this thread. */
  receive(message: ToThread): void {
    if (message.kind === 'go') {
      const resolve = this.meeting;
      this.meeting = undefined;
      resolve?.(message.answer);
    } else if (message.kind === 'caught-up') {
      const resolve = this.caughtUp;
      this.caughtUp = undefined;
      resolve?.();
    }
  }

  /** The run stopped (a thread failed): whatever this thread waits for, it waits no more (a batch's end answers that the playbook ended). */
  stop(): void {
    this.receive({ kind: 'go', answer: true });
    this.receive({ kind: 'caught-up' });
  }

  /** The events and points so far, in one message. */
  flush(): void {
    this.flushing = false;
    if (this.queued.length === 0 && this.marks.length === 0) return;
    const events = this.queued;
    const marks = this.marks;
    this.queued = [];
    this.marks = [];
    if (!this.encoder) return this.post({ kind: 'events', events, marks });
    // Encoded once: the strings it adds to the table are sent with this batch, whatever happens.
    const batch = this.encoder.encode(events);
    try {
      this.post({ kind: 'encoded-events', batch, marks });
    } catch {
      // A value structured clone refuses (a function in a module's result): as JSON, what --output json shows.
      this.post({ kind: 'encoded-events', batch: { ...batch, asIs: JSON.parse(JSON.stringify(batch.asIs)) as RunEvent[] }, marks });
    }
  }

  /** Events go in batches: one message per turn of the event loop rather than one per event. */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }
}

/**
 * A thread that runs tasks without a turn of its event loop (controller-only tasks) posts
 * anyway after this many points or events: the main thread orders them while this one goes on.
 */
const FLUSH_POINTS = THREAD_WINDOW / 4;
const FLUSH_EVENTS = 2000;
