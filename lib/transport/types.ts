export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number;
  /** Bytes of output dropped past ExecOptions.maxOutput (counted, not kept). */
  dropped?: { stdout: number; stderr: number };
}

export interface Privilege {
  become: boolean;
  becomeUser?: string; // default root
}

export interface ExecOptions extends Privilege {
  stdin?: Buffer | string;
  cwd?: string;
  /** Aborting gives up on the command (the channel is closed) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Epoch ms: the host itself kills the command and everything it started then (coreutils timeout). */
  deadline?: number;
  /** Keep at most this many bytes of each of stdout and stderr; the rest is counted in `dropped`. */
  maxOutput?: number;
  /** Give up after this long: the channel is closed and the exec rejects with a TimeoutError. */
  timeoutMs?: number;
  /** What runs, for the timeout's message ("fact probe"). */
  what?: string;
}

/**
 * File content too big to hold in memory: its size and checksum (computed by streaming it once)
 * and a way to stream it again for each host that needs it.
 */
export interface ContentSource {
  size: number;
  sha256: string;
  open(): NodeJS.ReadableStream;
}

/** The host cannot be reached, or the connection to it was lost. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** The run was interrupted (SIGINT/SIGTERM): what ran on the host was stopped. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/** A remote command did not finish in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export interface FileWriteOptions extends Privilege {
  mode?: string; // octal, e.g. '0644'; default keeps the existing mode, else 0644 (0600 under umask 077 never applies: explicit chmod)
  owner?: string;
  group?: string;
  /**
   * A command run on the finished temp file before the rename, `%s` standing for its path
   * (Ansible's `validate`): a non-zero exit fails the write and leaves the target untouched.
   */
  validate?: string;
  /** Copy an existing target first to `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~` (Ansible's backup_local). */
  backup?: boolean;
}

/** Counters for structural guards: connections and round trips per host. */
export interface TransportStats {
  /** New SSH connections opened for this run (by runbook, or by the connection keeper for it). */
  connections: number;
  roundTrips: number;
  /** Connections kept from an earlier run and used again (--persist); absent when none. */
  reused?: number;
}

/** A change to make on a host, queued so that consecutive changes cost one round trip together. */
export interface RemoteStep {
  /** POSIX sh that succeeds or fails; it must not `exit` (steps share one script) and reads its stdin with `head -c`. */
  script: string;
  /** What the script reads, in order (several parts: a file's content, then its end marker). */
  stdin?: Buffer | ContentSource | Array<Buffer | ContentSource>;
  privilege: Privilege;
}

/** A queued step failed; steps before it were made, steps after it were not. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  constructor(
    readonly step: number, // index among all steps ever queued on this transport
    message: string,
  ) {
    super(message);
  }
}

/**
 * The only way modules and the engine reach a host. Implemented over one ssh2
 * connection per host; every method is one round trip.
 */
export interface HostTransport {
  readonly host: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Atomic: temp file in the same directory (0600 from the start), owner and mode set, size
   * checked, then renamed. Queued: it is made at the next flush (any exec flushes first).
   */
  writeFile(path: string, content: Buffer | ContentSource, options: FileWriteOptions): void;
  /** Queue a change; see RemoteStep. */
  queue(step: RemoteStep): void;
  /** Make every queued change, in order, in as few round trips as privileges allow. Throws StepFailure. */
  flush(): Promise<void>;
  /** Steps queued so far, and steps known to be made: the engine holds results until they are. */
  readonly stepsQueued: number;
  readonly stepsMade: number;
  readFile(path: string, options?: Privilege): Promise<Buffer>;
  /**
   * A file's bytes as a stream, read on its own channel with backpressure, so a file relayed to
   * another host never sits whole in memory; errors if it cannot be read. It does not flush (the
   * stream may feed this host's own flush): flush first when queued changes must be seen.
   */
  streamFile(path: string, options?: Privilege): NodeJS.ReadableStream;
  readonly stats: TransportStats;
  /** Stop what runs on the host (its process groups get SIGTERM) and refuse new work with InterruptedError. */
  interrupt(): Promise<void>;
  close(): Promise<void>;
}
