import type { RunEvent, TaskStatus } from '../engine/events.js';

/**
 * A worker thread's events on their way to the main thread. Structured clone copies every
 * string of every event: each task result's host, play and task name arrived as new strings,
 * ~100 bytes of fresh objects per event that the main thread then held until their point was
 * released (old-space garbage). At 1,000 controller-only hosts that was ~1 s of CPU across the
 * two threads, more than the main thread's own share of the work. So the common task result (a
 * task's status and time, with at most a message) travels as eight numbers, its strings once per
 * thread in a table both sides keep; every other event goes as it is, in its place.
 */

/** Numbers per event in `codes`. */
const SLOTS = 8;
const COMPACT = 1;
const AS_IS = 2;
/** `message` absent (undefined); other string slots hold a table index, or an inline one below -1. */
const NONE = -1;
const STATUSES: TaskStatus[] = ['ok', 'changed', 'failed', 'skipped', 'unreachable'];
const STATUS_CODE = new Map(STATUSES.map((status, i) => [status, i]));
const HANDLER = 8;
const DRY_RUN = 16;
const RESCUED = 32;
const IGNORED = 64;
/** Strings a thread's table holds at most: past it, strings travel with their batch. */
const TABLE_LIMIT = 100_000;
/** The keys of a compact task result, in order (rescued and ignored, when set, come first: engine/results.ts). */
const COMPACT_KEYS = ['type', 'host', 'play', 'task', 'index', 'handler', 'status', 'message', 'diff', 'dryRun', 'durationMs'];

export interface EncodedEvents {
  /** Strings new to the table, in the order they were added. */
  strings: string[];
  /** Strings of this batch only (the table was full). */
  inline: string[];
  codes: Int32Array;
  /** Events not in the compact form, each where its AS_IS code stands. */
  asIs: RunEvent[];
}

export class EventEncoder {
  private readonly table = new Map<string, number>();

  encode(events: RunEvent[]): EncodedEvents {
    const out: EncodedEvents = { strings: [], inline: [], codes: new Int32Array(events.length * SLOTS), asIs: [] };
    const string = (text: string): number => {
      const known = this.table.get(text);
      if (known !== undefined) return known;
      if (this.table.size >= TABLE_LIMIT) return -2 - (out.inline.push(text) - 1);
      const id = this.table.size;
      this.table.set(text, id);
      out.strings.push(text);
      return id;
    };
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const at = i * SLOTS;
      const flags = compactFlags(event);
      if (flags === undefined) {
        out.codes[at] = AS_IS;
        out.codes[at + 1] = out.asIs.push(event) - 1;
        continue;
      }
      const result = event as Extract<RunEvent, { type: 'task_result' }>;
      out.codes[at] = COMPACT;
      out.codes[at + 1] = string(result.host);
      out.codes[at + 2] = string(result.play);
      out.codes[at + 3] = string(result.task);
      out.codes[at + 4] = result.index;
      out.codes[at + 5] = flags;
      out.codes[at + 6] = result.message === undefined ? NONE : string(result.message);
      out.codes[at + 7] = result.durationMs;
    }
    return out;
  }
}

export class EventDecoder {
  private readonly table: string[] = [];

  decode(batch: EncodedEvents): RunEvent[] {
    for (const text of batch.strings) this.table.push(text);
    const string = (id: number): string => (id >= 0 ? this.table[id] : batch.inline[-2 - id]);
    const { codes } = batch;
    const events: RunEvent[] = new Array(codes.length / SLOTS);
    for (let i = 0; i < events.length; i++) {
      const at = i * SLOTS;
      if (codes[at] === AS_IS) {
        events[i] = batch.asIs[codes[at + 1]];
        continue;
      }
      const flags = codes[at + 5];
      // Key by key, in engine/results.ts's order: the same object a one-thread run reports.
      const event: Record<string, unknown> = {};
      if (flags & RESCUED) event.rescued = true;
      if (flags & IGNORED) event.ignored = true;
      event.type = 'task_result';
      event.host = string(codes[at + 1]);
      event.play = string(codes[at + 2]);
      event.task = string(codes[at + 3]);
      event.index = codes[at + 4];
      event.handler = (flags & HANDLER) !== 0;
      event.status = STATUSES[flags & 7];
      event.message = codes[at + 6] === NONE ? undefined : string(codes[at + 6]);
      event.diff = undefined;
      event.dryRun = (flags & DRY_RUN) !== 0;
      event.durationMs = codes[at + 7];
      events[i] = event as RunEvent;
    }
    return events;
  }
}

/** The flags of a task result that has exactly the compact form's keys and kinds of values, else undefined. */
function compactFlags(event: RunEvent): number | undefined {
  if (event.type !== 'task_result') return undefined;
  let flags = 0;
  let key = 0;
  const keys = Object.keys(event);
  if (keys[key] === 'rescued') {
    if (event.rescued !== true) return undefined;
    flags |= RESCUED;
    key++;
  }
  if (keys[key] === 'ignored') {
    if (event.ignored !== true) return undefined;
    flags |= IGNORED;
    key++;
  }
  if (keys.length - key !== COMPACT_KEYS.length) return undefined;
  for (let i = 0; i < COMPACT_KEYS.length; i++) if (keys[key + i] !== COMPACT_KEYS[i]) return undefined;
  const status = STATUS_CODE.get(event.status);
  if (
    status === undefined ||
    typeof event.host !== 'string' ||
    typeof event.play !== 'string' ||
    typeof event.task !== 'string' ||
    !(event.message === undefined || typeof event.message === 'string') ||
    event.diff !== undefined ||
    typeof event.handler !== 'boolean' ||
    typeof event.dryRun !== 'boolean' ||
    !isInt32(event.index) ||
    !isInt32(event.durationMs)
  ) {
    return undefined;
  }
  return flags | status | (event.handler ? HANDLER : 0) | (event.dryRun ? DRY_RUN : 0);
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value && !Object.is(value, -0);
}
