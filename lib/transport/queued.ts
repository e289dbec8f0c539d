import { PassThrough, type Writable } from 'node:stream';
import { StepFailure, TimeoutError, type ContentSource, type ExecOptions, type ExecResult, type FileWriteOptions, type HostTransport, type Privilege, type RemoteStep, type TransportStats } from './types.js';
import { shellQuote } from '../util/shell.js';
import { WRITE_END, atomicWriteStep, combinedScript, lastStepMade, readFileCommand } from './scripts.js';

/**
 * What every transport shares: file changes queued and made together in one script per run of
 * the same privilege, commands flushing the queue first. Subclasses run one command and stop
 * what runs (interrupt).
 */
export abstract class QueuedTransport implements HostTransport {
  readonly stats: TransportStats = { connections: 0, roundTrips: 0 };
  protected pending: RemoteStep[] = [];
  private made = 0;
  /** Flushes one after another: two tasks delegated to this host may flush at once. */
  private flushing: Promise<void> = Promise.resolve();

  abstract readonly host: string;
  /**
   * One command, one round trip. stdin parts are sent in order after options.stdin, streamed
   * ones with backpressure, so a big file never sits whole in memory.
   */
  protected abstract run(command: string, options: ExecOptions, stdinParts?: Array<Buffer | ContentSource>, stdoutSink?: Writable): Promise<ExecResult>;
  abstract interrupt(): Promise<void>;
  abstract close(): Promise<void>;

  /**
   * Opens the connection now, before any command is asked of it (TCP, key exchange and
   * authentication only: nothing runs on the host), so that it is ready by the time the run
   * needs it. A failure is kept for the first use, which reports it as it would have. False when
   * this transport does not open early (nothing to open, or a connection kept by another process).
   */
  openEarly(): boolean {
    return false;
  }

  get stepsQueued(): number {
    return this.made + this.pending.length;
  }

  get stepsMade(): number {
    return this.made;
  }

  queue(step: RemoteStep): void {
    this.pending.push(step);
  }

  writeFile(path: string, content: Buffer | ContentSource, options: FileWriteOptions): void {
    const streamed = !Buffer.isBuffer(content);
    // Streamed content is checked against the checksum it was planned with: the source may change under the run.
    this.queue({ script: atomicWriteStep(path, streamed ? content.size : content.length, options, streamed ? content.sha256 : undefined), stdin: [content, WRITE_END], privilege: options });
  }

  flush(): Promise<void> {
    const next = this.flushing.then(() => this.flushQueued());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  /** One exec per run of consecutive steps with the same privilege (sudo wraps a whole exec). */
  private async flushQueued(): Promise<void> {
    while (this.pending.length > 0) {
      const key = privilegeKey(this.pending[0].privilege);
      let count = 1;
      while (count < this.pending.length && privilegeKey(this.pending[count].privilege) === key) count++;
      const group = this.pending.slice(0, count);
      const first = this.made;
      const result = await this.run(combinedScript(group, first), group[0].privilege, group.flatMap((s) => (s.stdin === undefined ? [] : Array.isArray(s.stdin) ? s.stdin : [s.stdin])));
      const last = lastStepMade(result.stdout.toString());
      if (result.code !== 0 || last !== first + count - 1) {
        const failed = Math.max(first, last + 1);
        this.made = failed;
        this.pending = [];
        throw new StepFailure(failed, result.stderr.toString().trim() || `exit ${result.code}`);
      }
      this.made += count;
      this.pending = this.pending.slice(count);
    }
  }

  /** Queued changes are made first: what a command sees must include them. */
  async exec(command: string, options: ExecOptions = { become: false }): Promise<ExecResult> {
    await this.flush();
    if (options.timeoutMs === undefined) return this.run(options.deadline === undefined ? command : killedAt(command, options.deadline), options);
    return this.runWithin(command, options, options.timeoutMs);
  }

  /**
   * A command with a time limit (a fact probe) is stopped by the host itself at the deadline
   * (runStoppedAt: its whole process group, even when the connection is gone); the controller
   * waits a little longer for that, then gives up on the channel (a frozen host never answers).
   */
  private async runWithin(command: string, options: ExecOptions, timeoutMs: number): Promise<ExecResult> {
    const deadline = Math.min(options.deadline ?? Infinity, Date.now() + timeoutMs);
    const timedOut = () => new TimeoutError(`${this.host}: ${options.what ?? 'command'} did not finish within ${timeoutMs / 1000} s; stopped`);
    let result: ExecResult;
    try {
      result = await this.runStoppedAt(command, options, deadline, timeoutMs + BACKSTOP_MS);
    } catch (error) {
      throw error instanceof TimeoutError ? timedOut() : error;
    }
    if (killedByTimeout(result, deadline)) throw timedOut();
    return result;
  }

  /**
   * The command, stopped by the host at the deadline: here under coreutils `timeout` (killedAt).
   * A transport may do it more cheaply; its result then reads as `timeout`'s would (exit 124 when
   * stopped). `backstopMs`: when the controller stops waiting for the channel.
   */
  protected runStoppedAt(command: string, options: ExecOptions, deadline: number, backstopMs: number): Promise<ExecResult> {
    return this.run(killedAt(command, deadline), { ...options, timeoutMs: backstopMs });
  }

  streamFile(path: string, privilege: Privilege = { become: false }): NodeJS.ReadableStream {
    const output = new PassThrough();
    this.run(readFileCommand(path), privilege, [], output).then(
        (result) => (result.code === 0 ? output.end() : output.destroy(new Error(`cannot read ${path} on ${this.host}: ${result.stderr.toString().trim() || `exit ${result.code}`}`))),
        (error: Error) => output.destroy(error),
      );
    return output;
  }

  async readFile(path: string, privilege: Privilege = { become: false }): Promise<Buffer> {
    const result = await this.exec(readFileCommand(path), privilege);
    if (result.code !== 0) throw new Error(`cannot read ${path}: ${result.stderr.toString().trim()}`);
    return result.stdout;
  }
}

function privilegeKey(privilege: Privilege): string {
  return privilege.become ? `become:${privilege.becomeUser ?? 'root'}` : 'login';
}

/**
 * The command under coreutils `timeout`, which runs it in its own process group and signals the
 * whole group when time is up (TERM, then KILL a second later): nothing it started outlives the
 * task, even when the connection is gone.
 */
export function killedAt(command: string, deadline: number): string {
  return `timeout -k 1 ${hostSecondsUntil(deadline)} /bin/sh -c ${shellQuote(command)}`;
}

/**
 * The seconds a host waits before it stops a command due at `deadline` (coreutils `timeout`, the
 * probe's guard). Rounded up, with a little to spare: the host must never stop the command before
 * the controller's deadline, or a stopped command (exit 124) would read as its own failure.
 */
export function hostSecondsUntil(deadline: number): string {
  return (Math.ceil(Math.max(0.1, (deadline - Date.now()) / 1000) * 10) / 10 + 0.2).toFixed(1);
}

/** How long a killed command gets between TERM and KILL. */
export const KILL_GRACE_MS = 1000;
/** How long past its deadline the controller waits for the host to report a killed command. */
const BACKSTOP_MS = KILL_GRACE_MS + 2000;

/** coreutils `timeout` exits 124 when it stopped the command (137 when KILL was needed). */
export function killedByTimeout(result: ExecResult, deadline: number): boolean {
  return (result.code === 124 || result.code === 137) && Date.now() >= deadline;
}

/** Why an aborted command ended, for its caller. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

/** Writes each part to the command's stdin in order, waiting for it to drain: memory stays bounded. */
export async function sendInput(input: Writable, parts: Array<Buffer | ContentSource>): Promise<void> {
  const write = async (chunk: Buffer) => {
    if (!input.write(chunk)) await new Promise<void>((resolve) => {
      const done = () => (input.off('drain', done), input.off('close', done), resolve());
      input.on('drain', done);
      input.on('close', done);
    });
  };
  for (const part of parts) {
    if (input.destroyed || !input.writable) return;
    if (Buffer.isBuffer(part)) {
      if (part.length > 0) await write(part);
      continue;
    }
    const source = part.open();
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (input.destroyed || !input.writable) return;
        await write(chunk);
      }
    } finally {
      (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    }
  }
  input.end();
}
