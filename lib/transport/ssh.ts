import { connect as tcpConnect } from 'node:net';
import { Client, type ConnectConfig } from 'ssh2';
import { Limiter } from '../util/limiter.js';
import { shellQuote } from '../util/shell.js';
import { fingerprint, keyType, knownHostsName, knownKeysFor, recordKnownKey } from './known-hosts.js';
import { TimeoutError, type ExecOptions, type ExecResult, type Privilege } from './types.js';
import { KILL_GRACE_MS, QueuedTransport, abortReason } from './queued.js';

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
export class SshTransport extends QueuedTransport {
  private readonly channels = new Limiter(CHANNELS_PER_CONNECTION);
  private client?: Promise<Client>;
  private closed = false;

  constructor(private readonly target: SshTarget) {
    super();
  }

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

  protected async run(command: string, options: ExecOptions): Promise<ExecResult> {
    const client = await this.connect();
    const line = withPrivilege(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, this.target.user);
    return this.channels.run(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          this.stats.roundTrips++;
          client.exec(line, (err, stream) => {
            if (err) return reject(new UnreachableError(`${this.host}: ${err.message}`));
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            const { signal: abort } = options;
            // The host kills the command itself (see killedAt); here the channel is only given up on.
            const kill = () => {
              const hard = setTimeout(() => stream.close(), KILL_GRACE_MS);
              stream.once('close', () => clearTimeout(hard));
            };
            abort?.addEventListener('abort', kill, { once: true });
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
              abort?.removeEventListener('abort', kill);
              if (abort?.aborted) return reject(abortReason(abort));
              resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: code ?? (signal ? 128 : 255) });
            });
            stream.end(options.stdin ?? undefined);
          });
        }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = await this.client?.catch(() => undefined);
    client?.end();
  }
}

/** Runs the command through `sudo -n` when the task asks to become another user. */
export function withPrivilege(command: string, privilege: Privilege, loginUser: string): string {
  const user = privilege.becomeUser ?? 'root';
  if (!privilege.become || user === loginUser) return command;
  return `sudo -n -H -u ${shellQuote(user)} -- sh -c ${shellQuote(command)}`;
}
