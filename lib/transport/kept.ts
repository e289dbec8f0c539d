import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { Duplex, Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { VERSION } from '../version.js';
import { ACK_AFTER, CHANNEL_WINDOW, Frame, FrameReader, KEEPER_PROTOCOL, ackFrame, frame, keeperSocket, tickWriter, untrustedSocket } from './keeper-protocol.js';
import { untrustedDir } from '../util/private-dir.js';
import type { SshTarget } from './ssh.js';
import { UnreachableError } from './types.js';
import { childProcess } from '../util/child-process.js';

/**
 * The run's side of connection persistence (keeper.ts holds the connections): a lease on a kept
 * SSH connection, whose execs the keeper relays over its Unix socket. One socket per process (or
 * worker thread) carries every host's lease and channel.
 */

/** What SshTransport needs of a connection: ssh2's Client, or a lease on a kept one. */
export interface ExecClient {
  exec(command: string, callback: (err: Error | undefined, channel: ClientChannel) => void): unknown;
  end(): unknown;
}

/** How a run keeps its connections (--persist, ansible.cfg ControlPersist). */
export interface PersistSettings {
  /** Seconds an idle connection is kept after the last run let go of it. */
  seconds: number;
  /** The keeper's socket directory (0700, this user's). */
  dir: string;
  /** Why kept connections are not used (a directory others may enter): said once per process. */
  warn?: (line: string) => void;
}

/** What the keeper needs of a target to open a connection as the run would (no callbacks: they cannot travel). */
export type KeptTarget = Pick<SshTarget, 'address' | 'port' | 'user' | 'privateKey' | 'passphrase' | 'agent' | 'knownHostsFile' | 'acceptNewHostKeys' | 'connectTimeoutMs' | 'keepaliveMs'>;

/** No keeper to ask (none starts, another version, no answer, an untrusted directory): connect afresh. */
export class KeeperUnavailable extends Error {
  override name = 'KeeperUnavailable';
}

const HELLO_TIMEOUT_MS = 5_000;
/** A channel given up on (close()) ends this long after, answered or not. */
const GIVE_UP_MS = 2_000;
const START_TIMEOUT_MS = 10_000;
const PING_EVERY_MS = 5_000;
/** A keeper silent this long (stopped, wedged) is given up on, as a host after its keepalives. */
const SILENT_KEEPER_MS = 15_000;

let link: Promise<KeeperLink> | undefined;
const warned = new Set<string>();

/** A lease on the keeper's connection for `target` (opened by the keeper when it has none). */
export async function keptConnection(target: KeptTarget, persist: PersistSettings): Promise<{ client: KeptClient; reused: boolean; keeperPid: number }> {
  link ??= KeeperLink.open(persist).catch((error: Error) => {
    link = undefined;
    throw error;
  });
  let current: KeeperLink;
  try {
    current = await link;
  } catch (error) {
    if (error instanceof KeeperUnavailable && persist.warn && /^refused:/.test(error.message) && !warned.has(error.message)) {
      warned.add(error.message);
      persist.warn(`kept connections are not used: ${error.message.slice('refused: '.length)}; every host gets a fresh connection`);
    }
    throw error;
  }
  return current.lease(target, persist.seconds * 1000);
}

/** A lease: ssh2's exec over the keeper's connection. Emits 'lost' (reason) and 'close' when the kept connection goes. */
export class KeptClient extends EventEmitter implements ExecClient {
  private released = false;

  constructor(
    private readonly link: KeeperLink,
    readonly id: number,
  ) {
    super();
  }

  exec(command: string, callback: (err: Error | undefined, channel: ClientChannel) => void): void {
    if (this.released) return callback(new Error('the kept connection was released'), undefined as unknown as ClientChannel);
    this.link.exec(this, command, callback);
  }

  end(): void {
    if (this.released) return;
    this.released = true;
    this.link.release(this.id);
  }
}

type PendingOpen = { resolve: (value: { client: KeptClient; reused: boolean; keeperPid: number }) => void; reject: (error: Error) => void; client: KeptClient };
type PendingExec = { lease: KeptClient; callback: (err: Error | undefined, channel: ClientChannel) => void };

class KeeperLink {
  private readonly opens = new Map<number, PendingOpen>();
  private readonly leases = new Map<number, KeptClient>();
  private readonly execs = new Map<number, PendingExec>();
  private readonly channels = new Map<number, RelayedChannel>();
  private nextId = 1;
  heardAt = Date.now();
  private readonly pinger: NodeJS.Timeout;
  private gone = false;
  private readonly write: (data: Buffer) => void;

  private constructor(
    private readonly socket: Socket,
    readonly keeperPid: number,
  ) {
    this.write = tickWriter(socket);
    socket.on('close', () => this.fail('the connection keeper went away'));
    socket.on('error', () => undefined);
    this.pinger = setInterval(() => {
      if (Date.now() - this.heardAt > SILENT_KEEPER_MS) {
        this.fail(`the connection keeper (pid ${keeperPid}) did not answer for ${SILENT_KEEPER_MS / 1000} s`);
        socket.destroy();
      } else this.send(frame(Frame.ping, 0));
    }, PING_EVERY_MS);
    this.pinger.unref();
  }

  /** Connects to the keeper of `dir`, starting one when none answers there. */
  static async open(persist: PersistSettings): Promise<KeeperLink> {
    const refusal = untrustedDir(persist.dir) ?? untrustedSocket(keeperSocket(persist.dir));
    if (refusal) throw new KeeperUnavailable(`refused: ${refusal}`);
    const path = keeperSocket(persist.dir);
    let socket = await connectTo(path).catch(() => undefined);
    if (!socket) {
      startKeeper(persist.dir);
      const until = Date.now() + START_TIMEOUT_MS;
      while (!socket && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        // The keeper binds its socket only after checking the directory: check the socket again.
        if (untrustedSocket(path)) throw new KeeperUnavailable(`refused: ${untrustedSocket(path)}`);
        socket = await connectTo(path).catch(() => undefined);
      }
      if (!socket) throw new KeeperUnavailable(`no connection keeper answered at ${path} within ${START_TIMEOUT_MS / 1000} s`);
    }
    return KeeperLink.greet(socket, path);
  }

  private static greet(socket: Socket, path: string): Promise<KeeperLink> {
    return new Promise<KeeperLink>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new KeeperUnavailable(`the connection keeper at ${path} did not answer within ${HELLO_TIMEOUT_MS / 1000} s`));
      }, HELLO_TIMEOUT_MS);
      let ready: KeeperLink | undefined;
      const reader = new FrameReader((kind, id, payload) => {
        if (ready) return ready.onFrame(kind, id, payload);
        if (kind !== Frame.hello) return;
        clearTimeout(timer);
        const hello = JSON.parse(payload.toString()) as { protocol: number; version: string; pid: number };
        if (hello.protocol !== KEEPER_PROTOCOL || hello.version !== VERSION) {
          socket.destroy();
          return reject(new KeeperUnavailable(`the connection keeper at ${path} (pid ${hello.pid}) is runbook ${hello.version}, protocol ${hello.protocol}; this is ${VERSION}, protocol ${KEEPER_PROTOCOL}`));
        }
        ready = new KeeperLink(socket, hello.pid);
        resolve(ready);
      });
      socket.on('data', (chunk: Buffer) => {
        if (ready) ready.heardAt = Date.now();
        reader.push(chunk);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new KeeperUnavailable(`the connection keeper at ${path} closed the connection`));
      });
      socket.write(frame(Frame.hello, 0, JSON.stringify({ protocol: KEEPER_PROTOCOL, version: VERSION })));
    });
  }

  lease(target: KeptTarget, persistMs: number): Promise<{ client: KeptClient; reused: boolean; keeperPid: number }> {
    if (this.gone) return Promise.reject(new KeeperUnavailable('the connection keeper went away'));
    const id = this.nextId++;
    const client = new KeptClient(this, id);
    // Paths as this run means them: the keeper runs in the directory of the run that started it.
    const wire = { ...target, knownHostsFile: resolve(target.knownHostsFile), privateKey: target.privateKey?.toString('base64') };
    return new Promise((resolve, reject) => {
      this.opens.set(id, { resolve, reject, client });
      this.send(frame(Frame.open, id, JSON.stringify({ target: wire, persistMs })));
    });
  }

  exec(lease: KeptClient, line: string, callback: PendingExec['callback']): void {
    if (this.gone || !this.leases.has(lease.id)) return callback(new Error('connection lost: the kept connection went away'), undefined as unknown as ClientChannel);
    const id = this.nextId++;
    this.execs.set(id, { lease, callback });
    this.send(frame(Frame.exec, id, JSON.stringify({ lease: lease.id, line })));
  }

  release(id: number): void {
    if (!this.leases.delete(id)) return;
    this.send(frame(Frame.release, id));
    this.closeWhenIdle();
  }

  send(data: Buffer): void {
    if (!this.gone) this.write(data);
  }

  /**
   * No lease or open left (every transport closed): the socket closes, so the run's process can
   * end (a later lease opens it again). A channel still running was given up with its transport.
   */
  private closeWhenIdle(): void {
    if (this.gone || this.leases.size + this.opens.size > 0) return;
    this.gone = true;
    clearInterval(this.pinger);
    link = undefined;
    this.socket.end();
    for (const exec of this.execs.values()) exec.callback(new Error('connection closed'), undefined as unknown as ClientChannel);
    this.execs.clear();
    for (const channel of [...this.channels.values()]) channel.exited(null, undefined);
  }

  onFrame(kind: number, id: number, payload: Buffer): void {
    switch (kind) {
      case Frame.opened: {
        const open = this.opens.get(id);
        if (!open) return;
        this.opens.delete(id);
        const answer = JSON.parse(payload.toString()) as { reused?: boolean; error?: string; unreachable?: boolean };
        if (answer.error !== undefined) {
          open.reject(answer.unreachable ? new UnreachableError(answer.error) : new Error(answer.error));
          this.closeWhenIdle();
        } else {
          this.leases.set(id, open.client);
          open.resolve({ client: open.client, reused: answer.reused === true, keeperPid: this.keeperPid });
        }
        return;
      }
      case Frame.execStarted: {
        const exec = this.execs.get(id);
        if (!exec) return;
        this.execs.delete(id);
        const answer = payload.length > 0 ? (JSON.parse(payload.toString()) as { reconnected?: boolean }) : {};
        if (answer.reconnected) exec.lease.emit('reconnected');
        const channel = new RelayedChannel(this, id, () => {
          this.channels.delete(id);
          this.closeWhenIdle();
        });
        this.channels.set(id, channel);
        exec.callback(undefined, channel as unknown as ClientChannel);
        return;
      }
      case Frame.execFailed: {
        const exec = this.execs.get(id);
        if (!exec) return;
        this.execs.delete(id);
        const answer = JSON.parse(payload.toString()) as { message: string; reason?: number };
        exec.callback(Object.assign(new Error(answer.message), answer.reason !== undefined ? { reason: answer.reason } : {}), undefined as unknown as ClientChannel);
        this.closeWhenIdle();
        return;
      }
      case Frame.stdout:
      case Frame.stderr:
        this.channels.get(id)?.output(payload, kind === Frame.stderr);
        return;
      case Frame.ack:
        this.channels.get(id)?.acked(payload.readUInt32BE(0));
        return;
      case Frame.exit: {
        const exit = JSON.parse(payload.toString()) as { code: number | null; signal?: string };
        this.channels.get(id)?.exited(exit.code, exit.signal);
        return;
      }
      case Frame.leaseLost: {
        const lease = this.leases.get(id);
        if (!lease) return;
        const { reason } = JSON.parse(payload.toString()) as { reason: string };
        // The lease is over: its transport connects again on next use.
        this.leases.delete(id);
        lease.emit('lost', reason);
        lease.emit('close');
        this.closeWhenIdle();
        return;
      }
    }
  }

  /** The keeper is gone: opens fall back to fresh connections, running channels lost their connection. */
  private fail(reason: string): void {
    // Closed by closeWhenIdle: nothing waits on this link any more.
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.pinger);
    link = undefined;
    for (const open of this.opens.values()) open.reject(new KeeperUnavailable(reason));
    this.opens.clear();
    for (const exec of this.execs.values()) exec.callback(new Error(`connection lost: ${reason}`), undefined as unknown as ClientChannel);
    this.execs.clear();
    for (const channel of [...this.channels.values()]) channel.exited(null, undefined);
    for (const lease of this.leases.values()) {
      lease.emit('lost', reason);
      lease.emit('close');
    }
    this.leases.clear();
  }
}

/** One relayed exec, shaped as ssh2's ClientChannel as far as SshTransport uses it. */
class RelayedChannel extends Duplex {
  readonly stderr: Readable;
  private unacked = 0;
  private inFlight = 0;
  private waitingWrite?: () => void;
  private ended = false;

  constructor(
    private readonly link: KeeperLink,
    private readonly id: number,
    private readonly onDone: () => void,
  ) {
    super({ allowHalfOpen: true, autoDestroy: false, emitClose: false });
    this.stderr = new Readable({ read: () => this.ackOutput() });
  }

  override _read(): void {
    this.ackOutput();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ended) return callback();
    this.link.send(frame(Frame.stdin, this.id, chunk));
    this.inFlight += chunk.length;
    if (this.inFlight < CHANNEL_WINDOW) callback();
    else this.waitingWrite = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.ended) this.link.send(frame(Frame.stdinEnd, this.id));
    callback();
  }

  /**
   * ssh2's ClientChannel.close(): give up on the command's channel. The keeper's answer ends it;
   * a keeper that cannot answer (its host frozen until the keepalive gives up) does not hold it.
   */
  close(): void {
    if (this.ended) return;
    this.link.send(frame(Frame.channelClose, this.id));
    setTimeout(() => this.exited(null, undefined), GIVE_UP_MS).unref();
  }

  output(data: Buffer, stderr: boolean): void {
    this.unacked += data.length;
    if ((stderr ? this.stderr : this).push(data)) this.ackOutput();
  }

  private ackOutput(): void {
    if (this.unacked < ACK_AFTER || this.ended) return;
    this.link.send(ackFrame(this.id, this.unacked));
    this.unacked = 0;
  }

  acked(bytes: number): void {
    this.inFlight -= bytes;
    if (this.waitingWrite && this.inFlight < CHANNEL_WINDOW) {
      const write = this.waitingWrite;
      this.waitingWrite = undefined;
      write();
    }
  }

  /** The channel closed: its output ends, then 'close' with the exit code and signal (both absent: the connection was lost). */
  exited(code: number | null, signal: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.onDone();
    this.waitingWrite?.();
    this.waitingWrite = undefined;
    let open = 2;
    const ended = () => {
      if (--open === 0) this.emit('close', code, signal);
    };
    for (const side of [this as Readable, this.stderr]) {
      if (side.readableEnded) ended();
      else {
        side.once('end', ended);
        // Output no one reads must not keep the close from being seen.
        if (side.readableFlowing === null) side.resume();
        side.push(null);
      }
    }
  }
}

function connectTo(path: string): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Starts the keeper detached from the run: its own session, stdio on /dev/null (a CI job waiting for output to close never waits for it). */
function startKeeper(dir: string): void {
  const entry = process.argv[1];
  const child = childProcess().spawn(process.execPath, [entry, '__keeper', dir], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
