import { connect as tcpConnect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { AnyAuthMethod, AuthHandlerMiddleware, Client, ClientChannel, ConnectConfig } from 'ssh2';
import { randomHex } from '../util/digest.js';
import { Limiter, SharedLimiter } from '../util/limiter.js';
import { shellQuote } from '../util/shell.js';
import { CertificateTrust } from './certificate-trust.js';
import { plainPublicKey } from './host-certificate.js';
import { fingerprint, keyType, knownHostsFor, knownHostsName, recordKnownKey, type KnownHostEntries } from './known-hosts.js';
import { InterruptedError, TimeoutError, UnreachableError, type ContentSource, type ExecOptions, type ExecResult, type Privilege } from './types.js';
import { KILL_GRACE_MS, QueuedTransport, abortReason, hostSecondsUntil, sendInput } from './queued.js';
import { parsedPrivateKey } from './keys.js';
import { ssh2 } from './ssh2-module.js';
import { declineHostKeyProofs, signPublicKeyAtOnce, verifyEd25519FromRawKey } from './ssh2-protocol.js';
import { KeeperUnavailable, keptConnection, type ExecClient, type PersistSettings } from './kept.js';

/** sshd's MaxSessions defaults to 10 channels per connection; stay below it (see onChannel). */
const CHANNELS_PER_CONNECTION = 8;
/** A channel refused this many times in a row is an error; the first waits take 100 ms, 200 ms, ... when none is open. */
const CHANNEL_REFUSALS = 10;
const REFUSAL_PAUSE_MS = 100;
/**
 * sshd's MaxStartups 10:30:100 starts dropping unauthenticated connections past 10: stay below
 * 10 per sshd. The limit is per address and port (one sshd), so a dead host's handshakes, which
 * hold their slot until the connect timeout, never delay the handshakes of another host.
 *
 * A slot is free again when sshd has counted the login done, not when the client sees it
 * succeed: sshd's listener learns of it from its child (the startup pipe closes) a moment
 * later, longer on a busy machine, and a connection opened meanwhile counts as one more
 * unauthenticated (CI saw sshd drop a 10th with the slot freed at USERAUTH_SUCCESS). The child
 * closes that pipe before it starts the process that sends the first packet after the login
 * (the hostkeys-00 announcement), and the listener reads closed pipes before it accepts: once
 * that packet has come, a new connection is counted after the old one is done.
 */
const CONCURRENT_HANDSHAKES = 8;
/** A server that announces no host keys after the login (not OpenSSH) frees its slot after this long. */
const LOGIN_COUNTED_FALLBACK_MS = 100;
/** A connection sshd drops before the key exchange was shed under load: worth another try. */
const SHED_RETRIES = 3;
const handshakesBySshd = new Map<string, Limiter | SharedLimiter>();
/** Handshake counters shared with the run's other threads (worker threads), so the limit per sshd holds across them. */
let sharedHandshakes: Int32Array | undefined;
const SHARED_HANDSHAKE_COUNTERS = 4096;

/** The memory the threads of one run share their handshake counts in (one counter per sshd, by hash). */
export function handshakeCounters(): SharedArrayBuffer {
  return new SharedArrayBuffer(SHARED_HANDSHAKE_COUNTERS * Int32Array.BYTES_PER_ELEMENT);
}

/** This thread counts its handshakes in `buffer`, with every other thread given the same buffer. */
export function shareHandshakeCounters(buffer: SharedArrayBuffer): void {
  sharedHandshakes = new Int32Array(buffer);
  handshakesBySshd.clear();
}

function handshakeSlots(address: string, port: number): Limiter | SharedLimiter {
  const key = `${address}:${port}`;
  let limiter = handshakesBySshd.get(key);
  if (!limiter) {
    // Two sshd's whose keys share a counter share its limit: slower, never above sshd's.
    limiter = sharedHandshakes ? new SharedLimiter(sharedHandshakes, counterOf(key), CONCURRENT_HANDSHAKES) : new Limiter(CONCURRENT_HANDSHAKES);
    handshakesBySshd.set(key, limiter);
  }
  return limiter;
}

/** FNV-1a of the sshd's address:port, onto the shared counters. */
function counterOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARED_HANDSHAKE_COUNTERS;
}
/** Default keepalive: a probe every 5 s, a host silent for ~15 s is lost. */
export const DEFAULT_KEEPALIVE_MS = 15_000;
export const KEEPALIVE_PROBES = 3;
/** How long a signalled command may take to end before its connection is closed under it. */
const INTERRUPT_GRACE_MS = 3_000;

export interface SshTarget {
  host: string; // inventory name, for messages
  address: string;
  port: number;
  user: string;
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
  knownHostsFile: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  /** sudo's password (-K): the first line of a become command's stdin, never part of a command line. */
  becomePassword?: string;
  /** A connected host that answers nothing (not even keepalives) for this long is lost (0: no keepalive of ssh2's). */
  keepaliveMs?: number;
  /**
   * -vvvv: connection-level detail, one line each (`<host> SSH: ...`): negotiated algorithms,
   * the host key and how it was trusted, authentication, and each exec's privilege, sizes, exit
   * and time. Never a command line (it may quote a secret), never a password or key.
   */
  log?: (line: string) => void;
  /** ssh2's own debug lines, one per packet sent or received (tests count them; never shown to users). */
  protocolTrace?: (line: string) => void;
  /** Keep the connection between runs (--persist, ControlPersist): it is asked of the connection keeper. */
  persist?: PersistSettings;
}

export { UnreachableError };

/** A connection made, and when sshd has counted its login done (its handshake slot is free then). */
interface Opened {
  client: Client;
  loginCounted: Promise<void>;
}

/** sshd closed the connection before the key exchange (MaxStartups load shedding). */
class ShedConnection extends UnreachableError {}

/** sshd refused to open a channel (SSH_MSG_CHANNEL_OPEN_FAILURE): nothing ran, it may be tried again. */
class ChannelRefused extends Error {}

/** Preferred host key algorithms for the key types already known, so a known key is offered first. */
const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Key exchange methods in order of preference: ssh2's own list (all of them in OpenSSH's default
 * set; SHA-1 ones never), with ecdh-sha2-nistp256 first. On the controller it costs about half of
 * ssh2's curve25519, which makes a fresh x25519 key and converts both public keys through
 * OpenSSL's DER encoders and decoders on every connection (~0.3 ms of CPU per connection vs
 * ~0.15 ms; createECDH works on raw points). Both are 128-bit-secure ECDH; curve25519 stays next,
 * for a host that does not offer nistp256.
 */
export const KEX_ALGORITHMS = [
  'ecdh-sha2-nistp256',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group15-sha512',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group17-sha512',
  'diffie-hellman-group18-sha512',
];

/** One ssh2 connection to one host, opened once and reused for every command of the run. */
export class SshTransport extends QueuedTransport {
  private readonly channels = new Limiter(CHANNELS_PER_CONNECTION);
  private client?: Promise<ExecClient>;
  private closed = false;
  /** Channels running now, with whether they run through sudo: interrupt() stops them. */
  private readonly running = new Map<ClientChannel, boolean>();
  private interrupted = false;
  /** Why the live connection went away (keepalive timeout, reset), for the unreachable message. */
  private lostReason?: string;
  /** The live connection's socket (a fresh one): close() ends it without waiting for the host. */
  private socket?: Socket;
  /** Set while a handshake is under way: ends it (the connection is closed before it was used). */
  private abandonHandshake?: () => void;

  constructor(private readonly target: SshTarget) {
    super();
  }

  get host(): string {
    return this.target.host;
  }

  /** Opens the connection on first use; later calls share it. */
  connect(): Promise<ExecClient> {
    if (this.interrupted) return Promise.reject(new InterruptedError(`${this.host}: interrupted`));
    this.client ??= this.target.persist ? this.keptOrFresh(this.target.persist) : this.fresh();
    return this.client;
  }

  /** A new connection, usable as soon as it is; its handshake slot is held until sshd counted the login done. */
  private fresh(): Promise<Client> {
    return new Promise<Client>((resolve, reject) => {
      handshakeSlots(this.target.address, this.target.port)
        .run(async () => {
          const { client, loginCounted } = await this.handshakeWithRetries();
          resolve(client);
          await loginCounted;
        })
        .catch(reject);
    });
  }

  /** A fresh connection opened now; a kept one (--persist) is the keeper's to open, when first used. */
  override openEarly(): boolean {
    if (this.target.persist || this.closed) return false;
    // Handled here: the first use awaits the same promise and reports its failure.
    this.connect().catch(() => undefined);
    return true;
  }

  /**
   * The connection keeper's connection to this host (opened by it if it has none, with the same
   * host-key checks); without a keeper to ask (none starts, another version, no answer, a
   * directory others may enter), a fresh connection. A host the keeper cannot reach is unreachable.
   */
  private async keptOrFresh(persist: PersistSettings): Promise<ExecClient> {
    const { address, port, user, privateKey, passphrase, agent, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, keepaliveMs } = this.target;
    let kept: Awaited<ReturnType<typeof keptConnection>>;
    try {
      kept = await keptConnection({ address, port, user, privateKey, passphrase, agent, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, keepaliveMs }, persist);
    } catch (error) {
      if (!(error instanceof KeeperUnavailable)) throw error;
      this.detail(`no kept connection (${error.message}): a fresh one`);
      return this.fresh();
    }
    const { client, reused, keeperPid } = kept;
    if (reused) this.stats.reused = (this.stats.reused ?? 0) + 1;
    else this.stats.connections++;
    this.lostReason = undefined;
    this.detail(`${reused ? 'reusing the connection kept' : 'connected (kept for later runs)'} by the connection keeper (pid ${keeperPid}, persist ${persist.seconds} s)`);
    client.on('reconnected', () => {
      this.stats.connections++;
      this.detail('the kept connection was gone: the keeper connected again');
    });
    client.on('lost', (reason: string) => (this.lostReason = reason));
    client.on('close', () => (this.client = undefined));
    return client;
  }

  private async handshakeWithRetries(): Promise<Opened> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handshake();
      } catch (error) {
        if (!(error instanceof ShedConnection) || attempt > SHED_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private async handshake(): Promise<Opened> {
    const { address, port, user, connectTimeoutMs } = this.target;
    // Closed while it waited for a handshake slot (an early connection the run never used).
    if (this.closed) throw new UnreachableError(`${this.host}: connection closed before it was used`);
    const name = knownHostsName(address, port);
    const entries = knownHostsFor(this.target.knownHostsFile, name);
    const { keys: known, revoked, certAuthorities } = entries;
    this.detail(`connecting to ${address}:${port} as ${user} (connect timeout ${connectTimeoutMs / 1000} s; known hosts ${this.target.knownHostsFile}: ${known.length} key(s), ${revoked.length} revoked, ${certAuthorities.length} @cert-authority)`);
    // A host covered by a @cert-authority line: its certificate, kept or fetched, before the handshake.
    const certificates = certAuthorities.length > 0 ? new CertificateTrust(this.target, name, entries, (line) => this.detail(line)) : undefined;
    const certifiedTypes = (await certificates?.prepare()) ?? [];
    if (certificates?.unreachable) throw new UnreachableError(certificates.unreachable);
    const preferred = [...new Set([...known.map((k) => k.type), ...certifiedTypes])].flatMap((type) => ALGORITHMS_BY_KEY_TYPE[type] ?? []);
    return this.openConnection(name, entries, preferred, certificates);
  }

  private openConnection(name: string, entries: KnownHostEntries, preferred: string[], certificates: CertificateTrust | undefined): Promise<Opened> {
    const { address, port, user, connectTimeoutMs } = this.target;
    const keepaliveMs = this.target.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
    let refusal: string | undefined;
    let counted!: () => void;
    const loginCounted = new Promise<void>((resolve) => (counted = resolve));
    return new Promise<Opened>((resolve, reject) => {
      const socket = tcpConnect({ host: address, port });
      // ssh2 leaves Nagle on: every round trip would wait ~40 ms for a delayed ACK.
      socket.setNoDelay(true);
      // ssh2 loads (on the first connection) while the TCP connect is under way.
      const client = new (ssh2().Client)();
      let connected = false;
      let negotiated = false;
      socket.on('connect', () => (connected = true));
      const fail = (message: string, shed = false) => {
        counted();
        client.end();
        socket.destroy();
        reject(shed ? new ShedConnection(message) : new UnreachableError(message));
      };
      const timer = setTimeout(() => fail(`connect to ${address}:${port} timed out after ${connectTimeoutMs} ms`), connectTimeoutMs);
      // close() before the connection is ready ends it at once (see close).
      this.abandonHandshake = () => {
        clearTimeout(timer);
        fail(`${this.host}: connection closed before it was used`);
      };
      socket.on('error', (err) => {
        clearTimeout(timer);
        // sshd sheds a connection past MaxStartups by closing it; when our version string is
        // already on the wire that close arrives as a reset. Before the key exchange, retry it.
        const shed = connected && !negotiated && refusal === undefined && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
        fail(`cannot reach ${address}:${port}: ${err.message}`, shed);
      });
      client.on('handshake', (algorithms) => {
        negotiated = true;
        this.detail(`negotiated kex ${algorithms.kex}, host key ${algorithms.serverHostKey}, cipher ${algorithms.cs.cipher}, mac ${algorithms.cs.mac || '(implicit)'}, compression ${algorithms.cs.compress}`);
      });
      let ready = false;
      client.on('ready', () => {
        clearTimeout(timer);
        this.abandonHandshake = undefined;
        ready = true;
        this.stats.connections++;
        this.lostReason = undefined;
        const offered = [this.target.privateKey ? 'key file' : undefined, this.target.agent ? 'ssh-agent' : undefined].filter(Boolean).join(', ') || 'none';
        this.detail(`authenticated as ${user} (publickey; offered: ${offered}); keepalive every ${Math.round(keepaliveMs / KEEPALIVE_PROBES / 100) / 10} s, lost after ${KEEPALIVE_PROBES} unanswered; at most ${CHANNELS_PER_CONNECTION} channels`);
        // A live connection that closes is opened again on next use.
        client.on('close', () => {
          this.client = undefined;
          counted();
        });
        this.socket = socket;
        // Cleared once counted (at once when the announcement came with the login's reply).
        const fallback = setTimeout(counted, LOGIN_COUNTED_FALLBACK_MS);
        void loginCounted.then(() => clearTimeout(fallback));
        resolve({ client, loginCounted });
      });
      client.on('error', (err) => {
        clearTimeout(timer);
        if (ready) {
          // After the handshake: the connection is lost (keepalive timeout, reset); running commands hear of it.
          this.lostReason = err.message === 'Keepalive timeout' ? `no answer for ${Math.round(keepaliveMs / 1000)} s (keepalive timeout)` : err.message;
          client.end();
          return;
        }
        // Accepted over TCP, then closed before the key exchange: sshd shedding load.
        const shed = connected && !negotiated && refusal === undefined;
        fail(refusal ?? `ssh to ${user}@${address}:${port} failed: ${err.message}`, shed);
      });
      const { privateKey, passphrase, agent } = this.target;
      // Parsed once per process, not on every connect (keys.ts).
      const key = privateKey ? parsedPrivateKey(privateKey, passphrase) : undefined;
      if (key instanceof Error) throw new Error(`Cannot parse privateKey: ${key.message}`, { cause: key });
      // Straight to the key, then the agent: ssh2 would first try 'none', a round trip sshd always refuses.
      const methods: AnyAuthMethod[] = [];
      if (key) methods.push({ type: 'publickey', username: user, key });
      if (agent) methods.push({ type: 'agent', username: user, agent });
      if (methods.length === 0) methods.push({ type: 'none', username: user });
      const authHandler: AuthHandlerMiddleware = (_left, _partial, next) => next(methods.shift() ?? (false as never));
      const config: ConnectConfig = {
        sock: socket,
        username: user,
        authHandler,
        debug: this.target.protocolTrace,
        readyTimeout: connectTimeoutMs,
        // ssh2 gives up when more than keepaliveCountMax probes in a row go unanswered. 0: none
        // (the connection keeper probes its kept connections only while a command runs on them).
        keepaliveInterval: keepaliveMs === 0 ? 0 : Math.max(100, Math.round(keepaliveMs / KEEPALIVE_PROBES)),
        keepaliveCountMax: KEEPALIVE_PROBES - 1,
        // Asynchronous (ssh2 waits for the callback): a certificate may have to be fetched. ssh2
        // checks the host's signature of the exchange with this key after the callback allows it.
        hostVerifier: (key: Buffer, verified: (trusted: boolean) => void) => {
          this.verifyHostKey(name, key, entries, certificates).then(
            (verdict) => {
              if ('refusal' in verdict) refusal = verdict.refusal;
              // A fingerprint is a hash: made only when -vvvv shows it.
              if (this.target.log) this.detail(`host key ${keyType(key)} ${fingerprint(key)} ${'refusal' in verdict ? 'refused' : verdict.how}`);
              verified(!('refusal' in verdict));
            },
            (error: Error) => {
              refusal = `host key for ${name} cannot be checked: ${error.message}`;
              verified(false);
            },
          );
        },
      };
      config.algorithms = { kex: KEX_ALGORITHMS as never, ...(preferred.length > 0 ? { serverHostKey: preferred as never } : {}) };
      if (!verifyEd25519FromRawKey()) this.detail('ssh2 internals differ from the version runbook knows: an ed25519 host key is checked from its PEM text (slower)');
      client.connect(config);
      // Two round trips fewer per connection (ssh2-protocol.ts); ssh2 as it is when they cannot be had.
      if (!declineHostKeyProofs(client, counted)) this.detail('ssh2 internals differ from the version runbook knows: the host will prove its host keys (a round trip more)');
      if (key && !signPublicKeyAtOnce(client, key)) this.detail('ssh2 internals differ from the version runbook knows: the key is checked before it signs (a round trip more)');
    });
  }

  /** How the host's key is trusted, or why it is refused. */
  private async verifyHostKey(name: string, key: Buffer, entries: KnownHostEntries, certificates: CertificateTrust | undefined): Promise<{ how: string } | { refusal: string }> {
    const { keys: known, revoked } = entries;
    const blob = key.toString('base64');
    const print = () => fingerprint(key);
    const revokedEntry = revoked.find((k) => plainPublicKey(Buffer.from(k.blob, 'base64')).equals(key));
    if (revokedEntry) {
      return { refusal: `host key for ${name} (${keyType(key)} ${print()}) is marked @revoked in ${this.target.knownHostsFile}:${revokedEntry.line}; refusing to connect.` };
    }
    if (known.some((k) => k.blob === blob)) return { how: 'matches known_hosts' };
    // As OpenSSH: a certificate from a trusted CA is enough, whatever plain keys are listed.
    if (certificates) {
      const verdict = await certificates.verify(key);
      return verdict.trusted ? { how: verdict.how } : { refusal: verdict.refusal };
    }
    if (known.length > 0) {
      return { refusal: `host key for ${name} has CHANGED (now ${keyType(key)} ${print()}); refusing to connect. Remove the old key from ${this.target.knownHostsFile} if the change is expected.` };
    }
    if (this.target.acceptNewHostKeys) {
      recordKnownKey(this.target.knownHostsFile, name, key);
      return { how: 'is new: accepted and recorded' };
    }
    return { refusal: `host key for ${name} is unknown (${keyType(key)} ${print()}); add it to ${this.target.knownHostsFile} or pass --accept-new-host-keys` };
  }

  /**
   * A command with a time limit (a fact probe), with no process on the host for the limit
   * unless it is needed: coreutils `timeout` and the shell under it cost a fork and an exec on
   * every host for every probe, while nearly every probe is over in a fraction of a second. The
   * command runs in `/bin/sh` with a random token in its arguments. One still running after half
   * its time gets a guard on a channel of its own (guardScript): the host stops the command's
   * process group at the deadline, or at once when the connection is lost from then on. The
   * guard ends when the controller tells it the command is over. Not sooner: a guard costs a
   * session and a few processes, and a loaded host (load 30 on 2 CPUs) takes seconds to answer
   * probes that take milliseconds when idle, so a guard after a few seconds would load it more.
   */
  protected override async runStoppedAt(command: string, options: ExecOptions, deadline: number, backstopMs: number): Promise<ExecResult> {
    const token = `runbook-guarded-${randomHex(12)}`;
    let guard: { release(): void } | undefined;
    const arm = setTimeout(() => (guard = this.guard(token, deadline, options)), Math.max(0, (deadline - Date.now()) / 2));
    try {
      const result = await this.run(`/bin/sh -c ${shellQuote(`# ${token}\n${command}`)}`, { ...options, timeoutMs: backstopMs });
      // Stopped by its guard at the deadline (a signal): read as coreutils timeout's exit status.
      return guard && result.code !== 0 && Date.now() >= deadline ? { ...result, code: 124 } : result;
    } finally {
      clearTimeout(arm);
      guard?.release();
    }
  }

  /**
   * Starts the guard of the command carrying `token` (see guardScript), outside the channel
   * limiter as interrupt's kill is (the slots may all be held). Not a round trip: nothing waits
   * for it. A guard sshd refuses to open is tried once more at the deadline, to stop the command
   * then. release(): the command is over, the guard ends.
   */
  private guard(token: string, deadline: number, privilege: Privilege, retry = true): { release(): void } {
    let released = false;
    let channel: ClientChannel | undefined;
    let again: { release(): void } | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    const seconds = hostSecondsUntil(deadline);
    const { line, preamble } = privileged(guardScript(token, seconds), { become: privilege.become, becomeUser: privilege.becomeUser }, this.target.user, this.target.becomePassword);
    void this.client?.then(
      (client) => {
        if (released || this.closed || this.interrupted) return;
        client.exec(line, (err, stream) => {
          if (err) {
            this.detail(`the guard's channel was refused (${err.message})${retry ? ': tried again at the deadline' : ''}`);
            if (retry && !released) retryTimer = setTimeout(() => (again = this.guard(token, deadline, privilege, false)), Math.max(0, deadline - Date.now()));
            return;
          }
          // Said only now: sshd answers the exec request once the guard's process is forked, so
          // from here a lost connection reaches it (its stdin closes). Before, nothing would.
          this.detail(`a command with a time limit runs on: its guard on the host stops it in ${seconds} s unless it ends`);
          stream.on('data', () => undefined).stderr.on('data', () => undefined);
          stream.on('error', () => undefined);
          for (const part of preamble) stream.write(part);
          channel = stream;
          if (released) stream.end('c');
        });
      },
      () => undefined,
    );
    return {
      release: () => {
        released = true;
        clearTimeout(retryTimer);
        again?.release();
        try {
          channel?.end('c');
        } catch {
          // the connection is gone: the guard saw its stdin close and stopped the command
        }
      },
    };
  }

  /** One command on its own channel. */
  protected async run(command: string, options: ExecOptions, stdinParts: Array<Buffer | ContentSource> = [], stdoutSink?: Writable): Promise<ExecResult> {
    const client = await this.connect();
    const { line, viaSudo, preamble } = privileged(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, this.target.user, this.target.becomePassword);
    const parts = [...preamble, ...(options.stdin !== undefined ? [Buffer.from(options.stdin)] : []), ...stdinParts];
    return this.onChannel(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          if (this.interrupted) return reject(new InterruptedError(`${this.host}: interrupted`));
          this.stats.roundTrips++;
          const trip = this.stats.roundTrips;
          const started = Date.now();
          const sent = parts.reduce((total, part) => total + (Buffer.isBuffer(part) ? part.length : part.size), 0) - preamble.reduce((total, part) => total + part.length, 0);
          this.detail(`EXEC #${trip} ${viaSudo ? `through sudo as ${options.becomeUser ?? 'root'}${preamble.length > 0 ? ' (password on stdin)' : ''}` : `as ${this.target.user}`}${options.what ? `, ${options.what}` : ''}; ${sent} bytes of input`);
          client.exec(line, (err, stream) => {
            if (err && !this.lostReason && typeof (err as { reason?: unknown }).reason === 'number') {
              // One slot fewer (sshd's count of our channels is not known: opens in flight, closed ones
              // it has not freed), taken before this slot is given back, so it does not pass to the next open.
              this.channels.lower(this.channels.holders - 1);
              this.detail(`sshd refused a channel (${err.message}) with ${this.running.size} running; at most ${this.channels.capacity} at once from now on`);
              return reject(new ChannelRefused(`${this.host}: ${err.message}`));
            }
            if (err) return reject(this.lostReason ? this.lost() : new UnreachableError(`${this.host}: ${err.message}`));
            this.running.set(stream, viaSudo);
            const stdout = new OutputBuffer(options.maxOutput);
            const stderr = new OutputBuffer(options.maxOutput);
            // A sink takes stdout with backpressure (the channel's window waits for it); else it is kept up to maxOutput.
            if (stdoutSink) stream.pipe(stdoutSink, { end: false });
            else stream.on('data', (chunk: Buffer) => stdout.add(chunk));
            stream.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
            stream.on('error', () => undefined); // reported by the close below
            const { signal: abort } = options;
            // The host kills the command itself (see killedAt); here the channel is only given up on.
            const giveUp = () => {
              const hard = setTimeout(() => stream.close(), KILL_GRACE_MS);
              stream.once('close', () => clearTimeout(hard));
            };
            abort?.addEventListener('abort', giveUp, { once: true });
            // A backstop only: the host kills a command with a time limit itself (QueuedTransport.exec).
            const timer =
              options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    reject(new TimeoutError(`${this.host}: ${options.what ?? 'command'} did not finish within ${options.timeoutMs! / 1000} s; stopped waiting`));
                    stream.close();
                  }, options.timeoutMs);
            stream.on('close', (code: number | null, signal?: string) => {
              if (timer) clearTimeout(timer);
              this.running.delete(stream);
              abort?.removeEventListener('abort', giveUp);
              if (this.interrupted) return reject(new InterruptedError(`${this.host}: interrupted`));
              if (abort?.aborted) return reject(abortReason(abort));
              // sshd always reports an exit status or signal: a channel closed without one lost its connection.
              if (code == null && !signal) {
                // The connection's error (keepalive timeout) may arrive just after its channels close.
                setImmediate(() => reject(this.lost()));
                return;
              }
              this.detail(`EXEC #${trip} ${signal ? `killed by ${signal}` : `exit ${code}`} after ${Date.now() - started} ms; ${stdout.kept + stdout.dropped} bytes of stdout, ${stderr.kept + stderr.dropped} of stderr`);
              const dropped = stdout.dropped + stderr.dropped > 0 ? { stdout: stdout.dropped, stderr: stderr.dropped } : undefined;
              resolve({ stdout: stdout.content(), stderr: stderr.content(), code: code ?? 128, ...(dropped ? { dropped } : {}) });
            });
            sendInput(stream, parts).catch((error: Error) => {
              // A source that cannot be read must not leave a short file: end the script, whose size check fails.
              stream.stderr.emit('data', Buffer.from(`cannot read the content to send: ${error.message}\n`));
              stream.close();
            });
          });
        }),
    );
  }

  /**
   * A job holding one of this connection's channel slots. sshd refuses a session past its
   * MaxSessions (10 by default), and it counts a channel we closed until its next main-loop
   * turn frees it: closes and opens that arrive in one batch of packets are all counted at
   * once, so eight slots can meet a full sshd ("no more sessions" in its log, "open failed"
   * here), as can a MaxSessions below eight. A refused open ran nothing: the connection keeps
   * one channel fewer from then on (down to what sshd has room for, after a few refusals), and
   * the open waits for one of the others to end (a moment, when none is open) and tries again.
   */
  private async onChannel<T>(job: () => Promise<T>): Promise<T> {
    for (let refusals = 1; ; refusals++) {
      try {
        return await this.channels.run(job);
      } catch (error) {
        if (!(error instanceof ChannelRefused)) throw error;
        if (refusals > CHANNEL_REFUSALS) throw new UnreachableError(`${error.message} (sshd refused it ${CHANNEL_REFUSALS} times: its MaxSessions?)`, { cause: error });
        // With channels open, the retry waits for one to end (the limit is now below the holders);
        // with none, only closed ones sshd has not freed yet stand in the way: a moment suffices.
        if (this.running.size === 0) await new Promise((resolve) => setTimeout(resolve, REFUSAL_PAUSE_MS * refusals));
      }
    }
  }

  /** One -vvvv line, as Ansible's connection plugin prints them. */
  private detail(message: string): void {
    this.target.log?.(`<${this.host}> SSH: ${message}`);
  }

  private lost(): UnreachableError {
    return new UnreachableError(`${this.host}: connection lost${this.lostReason ? `: ${this.lostReason}` : ''}`);
  }

  /**
   * SIGTERM to the process group of every command this connection runs on the host, so
   * nothing is left running there; a write in progress removes its temp file (its trap).
   * sshd's own `signal` request is refused for root logins, so one more exec does it: every
   * child of its sshd session leads a process group (sshd calls setsid), except itself.
   * Commands that do not end within the grace period lose their connection.
   */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    this.pending = [];
    const running = [...this.running];
    if (running.length === 0) return;
    const client = await this.client?.catch(() => undefined);
    if (!client) return;
    const ended = Promise.all(running.map(([stream]) => new Promise<void>((resolve) => (stream.destroyed ? resolve() : stream.once('close', () => resolve())))));
    const killer = privileged(KILL_SESSION_GROUPS, { become: running.some(([, sudo]) => sudo) }, this.target.user, this.target.becomePassword);
    // Not through the channel limiter: the slots may all be held by what is to be stopped.
    client.exec(killer.line, (err, stream) => {
      if (err) return;
      stream.on('data', () => undefined).stderr.on('data', () => undefined);
      void sendInput(stream, killer.preamble).catch(() => undefined);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, INTERRUPT_GRACE_MS)))]);
    clearTimeout(timer);
    if (this.running.size > 0) client.end();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A handshake still under way (an early connection the run never used) stops now, not at its end.
    this.abandonHandshake?.();
    const client = await this.client?.catch(() => undefined);
    client?.end();
    // Our disconnect sent, the socket goes: the process need not wait for sshd to tear its side
    // down (slow on a busy host, and every host of a run closes at its end, all at once).
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    }
  }
}

/**
 * The line to run for a command, and what its stdin starts with: sudo's password (-K) as the
 * first line when the command runs through sudo and a password is set (see withPrivilege).
 * One place for every exec (commands, fact probes, queued writes, streamed copies, interrupt).
 */
export function privileged(command: string, privilege: Privilege, loginUser: string, becomePassword?: string): { line: string; viaSudo: boolean; preamble: Buffer[] } {
  const viaSudo = privilege.become && (privilege.becomeUser ?? 'root') !== loginUser;
  const sendsPassword = viaSudo && becomePassword !== undefined;
  return { line: withPrivilege(command, privilege, loginUser, sendsPassword), viaSudo, preamble: sendsPassword ? [Buffer.from(`${becomePassword}\n`)] : [] };
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

/**
 * Run on the host beside a command that carries `token` in its arguments (runStoppedAt): waits
 * up to `seconds` for one byte on stdin. `c` (the controller saw the command end) ends the guard;
 * the time running out, or stdin closed without it (the connection is gone), stops the process
 * group of every process whose arguments hold the token: SIGTERM, and SIGKILL a second later, as
 * coreutils `timeout -k 1` does. By the token in /proc, never by name; the pattern brackets the
 * token's last character so that it matches neither this script nor grep.
 */
export function guardScript(token: string, seconds: string): string {
  const pattern = `${token.slice(0, -1)}[${token.slice(-1)}]`;
  return [
    `w=$(timeout ${seconds} head -c1 2>/dev/null); [ "$w" = c ] && exit 0`,
    'g=',
    `for f in $(grep -l -e '${pattern}' /proc/[0-9]*/cmdline 2>/dev/null); do`,
    '  f=${f#/proc/}; f=${f%/cmdline}',
    '  { read -r l < "/proc/$f/stat"; } 2>/dev/null || continue',
    '  l=${l##*) }; set -- $l; g="$g $3"; kill -TERM -- "-$3" 2>/dev/null',
    'done',
    '[ -n "$g" ] || exit 0',
    'sleep 1',
    'for p in $g; do kill -KILL -- "-$p" 2>/dev/null; done; exit 0',
  ].join('\n');
}

/**
 * Run on the host to stop everything the connection runs there. sshd starts each channel's
 * command in a new session (setsid), all children of the connection's sshd process: find that
 * process as the parent of this script's own session leader, then SIGTERM the process group of
 * each of its other children. By parent PID in /proc, never by name; sudo in between is fine.
 */
const KILL_SESSION_GROUPS = [
  `field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f"$2"; }`,
  'me=$(field $$ 4); s=$(field "$me" 2)',
  // Never init: a session leader whose sshd is gone was reparented there.
  '[ -n "$s" ] && [ "$s" -gt 1 ] || exit 0',
  // One awk over every stat line (a process per /proc entry would take seconds on a busy host).
  `for p in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v s="$s" -v me="$me" '{ pid = $1; sub(/.*\\) /, ""); if ($2 == s && pid != me) print pid }'); do kill -TERM -- "-$p" 2>/dev/null; done; true`,
].join('\n');

/** Output kept up to a limit; the rest is counted so the task can say how much it dropped. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  kept = 0;
  dropped = 0;

  constructor(private readonly limit = Infinity) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }

  content(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
