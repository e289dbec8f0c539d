import type { RunEvent } from '../engine/events.js';

export type ReporterKind = 'tty' | 'plain' | 'json';

export interface ReporterOptions {
  out: NodeJS.WritableStream;
  /** Show file diffs (--diff). */
  diff: boolean;
  /** Show progress messages and per-task durations. */
  verbose?: boolean;
  /** -v count: 1 and up show each task's result with a command's stdout, stderr and rc. */
  verbosity?: number;
  /** Override colour detection (tty: on, plain: FORCE_COLOR, json: never). */
  color?: boolean;
}

/** A renderer subscribes to engine events; it never drives the engine. */
export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Flushes pending output (the recap, a live view still on screen). Call once, after the run. */
  finish(): Promise<void>;
}

export type TaskResultEvent = Extract<RunEvent, { type: 'task_result' }>;
export type RecapEvent = Extract<RunEvent, { type: 'recap' }>;
