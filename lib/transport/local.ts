import type { ChildProcess } from 'node:child_process';
import { childProcess } from '../util/child-process.js';
import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { shellQuote } from '../util/shell.js';
import { KILL_GRACE_MS, QueuedTransport, abortReason, sendInput } from './queued.js';
import { privileged } from './ssh.js';
import { InterruptedError, type ContentSource, type ExecOptions, type ExecResult } from './types.js';

/**
 * The controller itself (`delegate_to: localhost`, `ansible_connection: local`): the same
 * scripts as over SSH, run by /bin/sh here, each in its own process group so a timeout kills
 * everything the command started.
 */
export class LocalTransport extends QueuedTransport {
  /** Commands running now: interrupt() stops their process groups. */
  private readonly running = new Set<ChildProcess>();
  private interrupted = false;

  constructor(
    readonly host: string,
    /** sudo's password (-K), sent as the first line of stdin as over SSH. */
    private readonly becomePassword?: string,
  ) {
    super();
  }

  protected run(command: string, options: ExecOptions, stdinParts: Array<Buffer | ContentSource> = [], stdoutSink?: Writable): Promise<ExecResult> {
    if (this.interrupted) return Promise.reject(new InterruptedError(`${this.host}: interrupted`));
    const { line, preamble } = privileged(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, userInfo().username, this.becomePassword);
    const parts = [...preamble, ...(options.stdin !== undefined ? [Buffer.from(options.stdin)] : []), ...stdinParts];
    this.stats.roundTrips++;
    return new Promise((resolve, reject) => {
      const child = childProcess().spawn('/bin/sh', ['-c', line], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      this.running.add(child);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const { signal: abort } = options;
      const kill = () => killGroup(child);
      abort?.addEventListener('abort', kill, { once: true });
      if (stdoutSink) child.stdout!.pipe(stdoutSink, { end: false });
      else child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin!.on('error', () => {}); // a command that does not read its stdin
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.running.delete(child);
        abort?.removeEventListener('abort', kill);
        if (this.interrupted) return reject(new InterruptedError(`${this.host}: interrupted`));
        if (abort?.aborted) return reject(abortReason(abort));
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: code ?? (signal ? 128 : 255) });
      });
      sendInput(child.stdin!, parts).catch((error: Error) => {
        // A source that cannot be read must not leave a short file: end the script, whose size check fails.
        stderr.push(Buffer.from(`cannot read the content to send: ${error.message}\n`));
        killGroup(child);
      });
    });
  }

  /** SIGTERM (then SIGKILL) to the process group of every command running here; new work is refused. */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    this.pending = [];
    const running = [...this.running];
    await Promise.all(running.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('close', () => resolve());
      killGroup(child);
    })));
  }

  async close(): Promise<void> {}
}

/** TERM to the command's process group, KILL after the grace period if it is still there. */
function killGroup(child: ChildProcess): void {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const hard = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
  child.once('close', () => clearTimeout(hard));
}
