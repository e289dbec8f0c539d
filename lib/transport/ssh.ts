import { connect as tcpConnect } from 'node:net';
import { Client, type ConnectConfig } from 'ssh2';
import { Limiter } from '../util/limiter.js';
import { shellQuote } from '../util/shell.js';
import { fingerprint, keyType, knownHostsName, knownKeysFor, recordKnownKey } from './known-hosts.js';
import { StepFailure, TimeoutError, type ExecOptions, type ExecResult, type FileWriteOptions, type HostTransport, type Privilege, type RemoteStep, type TransportStats } from './types.js';
import { atomicWriteStep, combinedScript, lastStepMade, readFileCommand } from './scripts.js';

/** sshd's MaxSessions defaults to 10 channels per connection; stay below it. */
const CHANNELS_PER_CONNECTION = 8;
/**
 * sshd's MaxStartups 10:30:100 starts dropping unauthenticated connections past 10, and it
 * frees a slot a moment after the client sees authentication succeed: stay below 10.
 */
const CONCURRENT_HANDSHAKES = 8;
/** A connection sshd drops before the key exchange was shed under load: worth another try. */
const SHED_RETRIES = 3;
const handshakes = new Limiter(CONCURRENT_HANDSHAKES);

export interface SshTarget {
  host: string; // inventory name, for messages
  address: string;
  port: number;
  user: string;
  privateKey?: Buffer;
  agent?: string;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  /** sudo's password (-K): the first line of a become command's stdin, never part of a command line. */
  becomePassword?: string;
}

export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** sshd closed the connection before the key exchange (MaxStartups load shedding). */
class ShedConnection extends UnreachableError {}

/** Preferred host key algorithms for the key types already known, so a known key is offered first. */
const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** One ssh2 connection to one host, opened once and reused for every command of the run. */
export class SshTransport implements HostTransport {
  readonly stats: TransportStats = { connections: 0, roundTrips: 0 };
  private readonly channels = new Limiter(CHANNELS_PER_CONNECTION);
  private client?: Promise<Client>;
  private closed = false;
  private pending: RemoteStep[] = [];
  private made = 0;

  constructor(private readonly target: SshTarget) {}

  get host(): string {
    return this.target.host;
  }

  /** Opens the connection on first use; later calls share it. */
  connect(): Promise<Client> {
    this.client ??= handshakes.run(() => this.handshakeWithRetries());
    return this.client;
  }

  private async handshakeWithRetries(): Promise<Client> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handshake();
      } catch (error) {
        if (!(error instanceof ShedConnection) || attempt > SHED_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private handshake(): Promise<Client> {
    const { address, port, user, connectTimeoutMs } = this.target;
    const name = knownHostsName(address, port);
    const known = knownKeysFor(this.target.knownHostsFile, name);
    let refusal: string | undefined;
    return new Promise<Client>((resolve, reject) => {
      const socket = tcpConnect({ host: address, port });
      // ssh2 leaves Nagle on: every round trip would wait ~40 ms for a delayed ACK.
      socket.setNoDelay(true);
      const client = new Client();
      let connected = false;
      let negotiated = false;
      socket.on('connect', () => (connected = true));
      const fail = (message: string, shed = false) => {
        client.end();
        socket.destroy();
        reject(shed ? new ShedConnection(message) : new UnreachableError(message));
      };
      const timer = setTimeout(() => fail(`connect to ${address}:${port} timed out after ${connectTimeoutMs} ms`), connectTimeoutMs);
      socket.on('error', (err) => {
        clearTimeout(timer);
        fail(`cannot reach ${address}:${port}: ${err.message}`);
      });
      client.on('handshake', () => (negotiated = true));
      client.on('ready', () => {
        clearTimeout(timer);
        this.stats.connections++;
        // A live connection that closes is opened again on next use.
        client.on('close', () => (this.client = undefined));
        resolve(client);
      });
      client.on('error', (err) => {
        clearTimeout(timer);
        // Accepted over TCP, then closed before the key exchange: sshd shedding load.
        const shed = connected && !negotiated && refusal === undefined;
        fail(refusal ?? `ssh to ${user}@${address}:${port} failed: ${err.message}`, shed);
      });
      const preferred = known.flatMap((k) => ALGORITHMS_BY_KEY_TYPE[k.type] ?? []);
      const config: ConnectConfig = {
        sock: socket,
        username: user,
        privateKey: this.target.privateKey,
        agent: this.target.agent,
        readyTimeout: connectTimeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        hostVerifier: (key: Buffer) => {
          refusal = this.verifyHostKey(name, key, known);
          return refusal === undefined;
        },
      };
      if (preferred.length > 0) config.algorithms = { serverHostKey: preferred as never };
      client.connect(config);
    });
  }

  /** Returns why the key is refused, or undefined when it is trusted. */
  private verifyHostKey(name: string, key: Buffer, known: { type: string; blob: string }[]): string | undefined {
    const blob = key.toString('base64');
    if (known.some((k) => k.blob === blob)) return undefined;
    const print = fingerprint(key);
    if (known.length > 0) {
      return `host key for ${name} has CHANGED (now ${keyType(key)} ${print}); refusing to connect. Remove the old key from ${this.target.knownHostsFile} if the change is expected.`;
    }
    if (this.target.acceptNewHostKeys) {
      recordKnownKey(this.target.knownHostsFile, name, key);
      return undefined;
    }
    return `host key for ${name} is unknown (${keyType(key)} ${print}); add it to ${this.target.knownHostsFile} or pass --accept-new-host-keys`;
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

  writeFile(path: string, content: Buffer, options: FileWriteOptions): void {
    this.queue({ script: atomicWriteStep(path, content.length, options), stdin: content, privilege: options });
  }

  /** One exec per run of consecutive steps with the same privilege (sudo wraps a whole exec). */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const key = privilegeKey(this.pending[0].privilege);
      let count = 1;
      while (count < this.pending.length && privilegeKey(this.pending[count].privilege) === key) count++;
      const group = this.pending.slice(0, count);
      const first = this.made;
      const result = await this.run(combinedScript(group, first), { ...group[0].privilege, stdin: Buffer.concat(group.map((s) => s.stdin ?? Buffer.alloc(0))) });
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
    return this.run(command, options);
  }

  private async run(command: string, options: ExecOptions): Promise<ExecResult> {
    const client = await this.connect();
    const { becomePassword } = this.target;
    const line = withPrivilege(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, this.target.user, becomePassword !== undefined);
    const sudoReads = becomePassword !== undefined && options.become && (options.becomeUser ?? 'root') !== this.target.user;
    const stdin = sudoReads ? Buffer.concat([Buffer.from(`${becomePassword}\n`), Buffer.from(options.stdin ?? '')]) : options.stdin;
    return this.channels.run(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          this.stats.roundTrips++;
          client.exec(line, (err, stream) => {
            if (err) return reject(new UnreachableError(`${this.host}: ${err.message}`));
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => stdout.push(chunk));
            stream.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
            const timer =
              options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    reject(new TimeoutError(`${this.host}: ${options.what ?? 'command'} did not finish within ${options.timeoutMs! / 1000} s; stopped waiting`));
                    stream.signal('KILL');
                    stream.close();
                  }, options.timeoutMs);
            stream.on('close', (code: number | null, signal?: string) => {
              if (timer) clearTimeout(timer);
              resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: code ?? (signal ? 128 : 255) });
            });
            stream.end(stdin ?? undefined);
          });
        }),
    );
  }

  async readFile(path: string, privilege: Privilege = { become: false }): Promise<Buffer> {
    const result = await this.exec(readFileCommand(path), privilege);
    if (result.code !== 0) throw new Error(`cannot read ${path}: ${result.stderr.toString().trim()}`);
    return result.stdout;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = await this.client?.catch(() => undefined);
    client?.end();
  }
}

function privilegeKey(privilege: Privilege): string {
  return privilege.become ? `become:${privilege.becomeUser ?? 'root'}` : 'login';
}

/**
 * Runs the command through `sudo -n` when the task asks to become another user. With a become
 * password, the password is the first line of stdin: the shell's `read` builtin takes it (no
 * process has it in its arguments), `sudo -S -v` validates it (a no-op under NOPASSWD), and the
 * command then runs with `sudo -n` on the rest of stdin. `exit $?` keeps the shell alive as the
 * parent of both sudo calls: sudo's credential cache without a terminal is per parent process.
 */
export function withPrivilege(command: string, privilege: Privilege, loginUser: string, passwordOnStdin = false): string {
  const user = privilege.becomeUser ?? 'root';
  if (!privilege.become || user === loginUser) return command;
  const sudo = `sudo -n -H -u ${shellQuote(user)} -- sh -c ${shellQuote(command)}`;
  if (!passwordOnStdin) return sudo;
  return `IFS= read -r p; printf '%s\\n' "$p" | sudo -S -p '' -v 2>/dev/null; p=; ${sudo}; exit $?`;
}
