import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { shellQuote } from '../util/shell.js';
import { KILL_GRACE_MS, QueuedTransport, abortReason } from './queued.js';
import { withPrivilege } from './ssh.js';
import type { ExecOptions, ExecResult } from './types.js';

/**
 * The controller itself (`delegate_to: localhost`, `ansible_connection: local`): the same
 * scripts as over SSH, run by /bin/sh here, each in its own process group so a timeout kills
 * everything the command started.
 */
export class LocalTransport extends QueuedTransport {
  constructor(readonly host: string) {
    super();
  }

  protected run(command: string, options: ExecOptions): Promise<ExecResult> {
    const line = withPrivilege(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, userInfo().username);
    this.stats.roundTrips++;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', line], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const { signal: abort } = options;
      const group = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      const kill = () => {
        group('SIGTERM');
        const hard = setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
        child.once('close', () => clearTimeout(hard));
      };
      abort?.addEventListener('abort', kill, { once: true });
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => {}); // a command that does not read its stdin
      child.on('error', reject);
      child.on('close', (code, signal) => {
        abort?.removeEventListener('abort', kill);
        if (abort?.aborted) return reject(abortReason(abort));
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: code ?? (signal ? 128 : 255) });
      });
      child.stdin.end(options.stdin ?? undefined);
    });
  }

  async close(): Promise<void> {}
}
