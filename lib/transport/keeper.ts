import { createHash } from 'node:crypto';
import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { VERSION } from '../version.js';
import { ACK_AFTER, CHANNEL_WINDOW, Frame, FrameReader, KEEPER_PROTOCOL, ackFrame, frame, keeperSocket, tickWriter } from './keeper-protocol.js';
import { untrustedDir } from '../util/private-dir.js';
import type { ExecClient, KeptTarget } from './kept.js';
import { busyKeepalive, type BusyKeepalive } from './kept-keepalive.js';
import { DEFAULT_KEEPALIVE_MS, KEEPALIVE_PROBES, SshTransport } from './ssh.js';
import { UnreachableError } from './types.js';

/**
 * The connection keeper: a process of its own (`runbook __keeper DIR`, started detached by the
 * first run that asks for it) holding authenticated SSH connections between runs, as OpenSSH's
 * ControlMaster/ControlPersist does for Ansible. Runs reach it over a Unix socket in a 0700
 * directory; it opens each connection as the run would (SshTransport: same host-key checks) and
 * relays exec channels. A connection no run holds closes after its persist time; the keeper
 * exits when it holds none. Keys and passwords live in its memory only.
 */

/** A keeper nobody connects to soon after its start (the run that started it gave up) ends. */
const FIRST_RUN_WAIT_MS = 10_000;

interface Kept {
  key: string;
  target: KeptTarget;
  transport: SshTransport;
  client: Promise<ExecClient>;
  live?: ExecClient & { on(event: 'close', listener: () => void): unknown };
  /** Its keepalive, probing only while a command runs on it (kept-keepalive.ts). */
  keepalive?: BusyKeepalive;
  /** known_hosts as it was when the connection was verified: a changed file means verify afresh. */
  knownHosts: string;
  leases: number;
  persistMs: number;
  idle?: NodeJS.Timeout;
  closed: boolean;
  /** Runs' leases on it, to tell them when it closes. */
  holders: Set<{ run: RunLink; id: number }>;
  /** The run its leases belong to while it has any: a connection serves one run at a time. */
  user?: RunLink;
}

/**
 * The kept connections of each key. More than one when runs overlap: a connection serves one run
 * at a time, since an interrupt stops every command of its sshd session (ssh.ts interrupt) and the
 * session's channel limit is sshd's, so two runs on one connection would stop, or crowd out, each
 * other's commands.
 */
const connections = new Map<string, Kept[]>();

/** A kept connection of `key` this run may lease: one no other run holds. */
function keptFor(key: string, run: RunLink): Kept | undefined {
  return connections.get(key)?.find((kept) => !kept.closed && (kept.leases === 0 || kept.user === run));
}

/** The connection is kept for no further lease (it closes when its holders let it go, or now). */
function forget(kept: Kept): void {
  const pool = connections.get(kept.key);
  if (!pool?.includes(kept)) return;
  pool.splice(pool.indexOf(kept), 1);
  if (pool.length === 0) connections.delete(kept.key);
}

function lease(kept: Kept, run: RunLink): void {
  kept.leases++;
  kept.user = run;
  clearTimeout(kept.idle);
}
const runs = new Set<RunLink>();
let server: Server | undefined;
let socketIdentity: { dev: number; ino: number } | undefined;
let socketPath = '';

export async function runKeeper(dir: string): Promise<number> {
  const refusal = untrustedDir(dir);
  if (refusal) return 1;
  socketPath = keeperSocket(dir);
  process.umask(0o077);
  if (!(await listen())) return 0;
  setTimeout(() => exitWhenIdle(), FIRST_RUN_WAIT_MS).unref();
  // Stopped by its user (kill PID): its socket goes with it, so the next run starts a new keeper at once.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => exitNow());
  return new Promise<number>(() => undefined);
}

/** Binds the socket; a live keeper already there wins (this one ends), a stale socket is replaced. */
async function listen(): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const bound = await new Promise<boolean>((resolve) => {
      const candidate = createServer((socket) => new RunLink(socket));
      candidate.once('error', () => resolve(false));
      candidate.listen(socketPath, () => {
        server = candidate;
        resolve(true);
      });
    });
    if (bound) {
      const stat = lstatSync(socketPath);
      socketIdentity = { dev: stat.dev, ino: stat.ino };
      return true;
    }
    const live = await new Promise<boolean>((resolve) => {
      const probe = connect(socketPath);
      probe.once('connect', () => (probe.destroy(), resolve(true)));
      probe.once('error', () => resolve(false));
    });
    if (live) return false;
    try {
      unlinkSync(socketPath);
    } catch {
      // gone already
    }
  }
  return false;
}

function exitWhenIdle(): void {
  if (connections.size > 0 || runs.size > 0) return;
  exitNow();
}

function exitNow(): void {
  server?.close();
  try {
    // Only our own socket: a keeper started after us may have bound the path since.
    const stat = lstatSync(socketPath);
    if (socketIdentity && stat.dev === socketIdentity.dev && stat.ino === socketIdentity.ino) unlinkSync(socketPath);
  } catch {
    // gone already
  }
  process.exit(0);
}

function keyOf(target: KeptTarget): string {
  const { address, port, user, privateKey, passphrase, agent, knownHostsFile, acceptNewHostKeys } = target;
  return createHash('sha256')
    .update(JSON.stringify([user, address, port, privateKey?.toString('base64') ?? null, passphrase ?? null, agent ?? null, knownHostsFile, acceptNewHostKeys]))
    .digest('base64');
}

function knownHostsStamp(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'absent';
}

function openKept(key: string, target: KeptTarget, persistMs: number): Kept {
  // No keepalive of ssh2's, which would probe every idle kept connection every few seconds: the
  // keeper's own runs only while a command does (kept-keepalive.ts).
  const transport = new SshTransport({ host: `${target.user}@${target.address}:${target.port}`, ...target, keepaliveMs: 0 });
  const kept: Kept = { key, target, transport, client: transport.connect(), knownHosts: knownHostsStamp(target.knownHostsFile), leases: 0, persistMs, closed: false, holders: new Set() };
  connections.set(key, [...(connections.get(key) ?? []), kept]);
  kept.client.then(
    (client) => {
      kept.live = client as Kept['live'];
      const keepaliveMs = target.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
      kept.keepalive = busyKeepalive(client as Client, Math.max(100, Math.round(keepaliveMs / KEEPALIVE_PROBES)), KEEPALIVE_PROBES - 1);
      let lost = 'the host closed the connection';
      (client as Client).on('error', (error: Error) => {
        if (error.message === 'Keepalive timeout') lost = `the host did not answer for ${Math.round(keepaliveMs / 1000)} s (keepalive timeout)`;
      });
      kept.live!.on('close', () => retire(kept, lost));
    },
    () => retire(kept, 'the connection failed'),
  );
  return kept;
}

/** The connection is no longer kept: closed now, its holders told. */
function retire(kept: Kept, reason: string): void {
  if (kept.closed) return;
  kept.closed = true;
  clearTimeout(kept.idle);
  kept.keepalive?.stop();
  forget(kept);
  void kept.transport.close();
  for (const holder of kept.holders) holder.run.send(frame(Frame.leaseLost, holder.id, JSON.stringify({ reason })));
  kept.holders.clear();
  exitWhenIdle();
}

function letGo(kept: Kept): void {
  kept.leases--;
  if (kept.leases === 0) kept.user = undefined;
  // ControlPersist=yes (-1): kept until the host closes it or the keeper ends.
  if (kept.leases > 0 || kept.closed || kept.persistMs < 0) return;
  kept.idle = setTimeout(() => retire(kept, 'idle'), kept.persistMs);
}

interface Relayed {
  stream: ClientChannel;
  unacked: number;
  paused: boolean;
  /** Bytes of stdin written to the channel, not yet acked to the run. */
  stdinTaken: number;
}

/** One run's socket: its leases and relayed channels. */
class RunLink {
  private readonly leases = new Map<number, Kept>();
  private readonly channels = new Map<number, Relayed>();
  private readonly write: (data: Buffer) => void;

  constructor(private readonly socket: Socket) {
    runs.add(this);
    this.write = tickWriter(socket);
    const reader = new FrameReader((kind, id, payload) => this.onFrame(kind, id, payload));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed());
  }

  send(data: Buffer): void {
    if (!this.socket.destroyed) this.write(data);
  }

  private closed(): void {
    runs.delete(this);
    for (const relayed of this.channels.values()) relayed.stream.close();
    this.channels.clear();
    for (const [id, kept] of this.leases) this.release(id, kept);
    this.leases.clear();
    exitWhenIdle();
  }

  private release(id: number, kept: Kept): void {
    for (const holder of kept.holders) if (holder.run === this && holder.id === id) kept.holders.delete(holder);
    letGo(kept);
  }

  private onFrame(kind: number, id: number, payload: Buffer): void {
    switch (kind) {
      case Frame.hello:
        return this.send(frame(Frame.hello, 0, JSON.stringify({ protocol: KEEPER_PROTOCOL, version: VERSION, pid: process.pid })));
      case Frame.ping:
        return this.send(frame(Frame.pong, 0));
      case Frame.open:
        return this.open(id, JSON.parse(payload.toString()));
      case Frame.release: {
        const kept = this.leases.get(id);
        if (!kept) return;
        this.leases.delete(id);
        return this.release(id, kept);
      }
      case Frame.exec: {
        const { lease, line } = JSON.parse(payload.toString()) as { lease: number; line: string };
        return this.exec(id, lease, line, false);
      }
      case Frame.stdin: {
        const relayed = this.channels.get(id);
        if (!relayed) return;
        const bytes = payload.length;
        relayed.stream.write(Buffer.from(payload), () => {
          relayed.stdinTaken += bytes;
          if (relayed.stdinTaken < ACK_AFTER) return;
          this.send(ackFrame(id, relayed.stdinTaken));
          relayed.stdinTaken = 0;
        });
        return;
      }
      case Frame.stdinEnd:
        this.channels.get(id)?.stream.end();
        return;
      case Frame.channelClose:
        this.channels.get(id)?.stream.close();
        return;
      case Frame.ack: {
        const relayed = this.channels.get(id);
        if (!relayed) return;
        relayed.unacked -= payload.readUInt32BE(0);
        if (relayed.paused && relayed.unacked < CHANNEL_WINDOW) {
          relayed.paused = false;
          relayed.stream.resume();
          relayed.stream.stderr.resume();
        }
        return;
      }
    }
  }

  private open(id: number, request: { target: Omit<KeptTarget, 'privateKey'> & { privateKey?: string }; persistMs: number }): void {
    const target: KeptTarget = { ...request.target, privateKey: request.target.privateKey === undefined ? undefined : Buffer.from(request.target.privateKey, 'base64') };
    const key = keyOf(target);
    // known_hosts changed since these connections were verified (a key revoked, replaced): verify afresh.
    const stamp = knownHostsStamp(target.knownHostsFile);
    for (const stale of (connections.get(key) ?? []).filter((k) => k.knownHosts !== stamp)) {
      if (stale.leases === 0) retire(stale, 'known_hosts changed');
      else forget(stale);
    }
    let kept = keptFor(key, this);
    const reused = kept !== undefined;
    kept ??= openKept(key, target, request.persistMs);
    const holding = kept;
    lease(holding, this);
    holding.persistMs = request.persistMs;
    holding.client.then(
      () => {
        if (holding.closed) {
          letGo(holding);
          return this.send(frame(Frame.opened, id, JSON.stringify({ error: `${target.address}:${target.port}: connection lost`, unreachable: true })));
        }
        if (this.socket.destroyed) return letGo(holding);
        this.leases.set(id, holding);
        holding.holders.add({ run: this, id });
        this.send(frame(Frame.opened, id, JSON.stringify({ reused })));
      },
      (error: Error) => {
        letGo(holding);
        this.send(frame(Frame.opened, id, JSON.stringify({ error: error.message, unreachable: error instanceof UnreachableError })));
      },
    );
  }

  /**
   * One exec on the lease's connection. A channel that cannot open because the connection is gone
   * (dropped by the host since the last run: nothing ran) is tried once on a new connection.
   */
  private exec(id: number, leaseId: number, line: string, retried: boolean, reconnected = false): void {
    const kept = this.leases.get(leaseId);
    const failed = (message: string, reason?: number) => this.send(frame(Frame.execFailed, id, JSON.stringify({ message, reason })));
    if (!kept) return failed('connection lost: the lease is gone');
    const reconnect = (why: string) => {
      if (retried) return failed(`connection lost: ${why}`);
      // The lease moves to a new connection, made once for every lease that finds this one gone.
      for (const holder of kept.holders) if (holder.run === this && holder.id === leaseId) kept.holders.delete(holder);
      kept.leases--;
      retire(kept, why);
      let fresh = keptFor(kept.key, this);
      const made = fresh === undefined;
      fresh ??= openKept(kept.key, kept.target, kept.persistMs);
      const moved = fresh;
      this.leases.set(leaseId, moved);
      lease(moved, this);
      moved.holders.add({ run: this, id: leaseId });
      moved.client.then(
        () => this.exec(id, leaseId, line, true, made),
        (error: Error) => failed(`connection lost: ${why}; reconnecting failed: ${error.message}`),
      );
    };
    if (kept.closed || !kept.live) return reconnect('the kept connection closed');
    // Probed while the command is on it: a host that freezes now is found as on a fresh connection.
    const keepalive = kept.keepalive;
    keepalive?.busy();
    kept.live.exec(line, (err, stream) => {
      if (err) {
        keepalive?.done();
        if (typeof (err as { reason?: unknown }).reason === 'number') return failed(err.message, (err as { reason?: number }).reason);
        return reconnect(err.message);
      }
      const relayed: Relayed = { stream, unacked: 0, paused: false, stdinTaken: 0 };
      this.channels.set(id, relayed);
      this.send(frame(Frame.execStarted, id, reconnected ? JSON.stringify({ reconnected: true }) : ''));
      const forward = (kind: number) => (chunk: Buffer) => {
        this.send(frame(kind, id, chunk));
        relayed.unacked += chunk.length;
        if (!relayed.paused && relayed.unacked >= CHANNEL_WINDOW) {
          relayed.paused = true;
          stream.pause();
          stream.stderr.pause();
        }
      };
      stream.on('data', forward(Frame.stdout));
      stream.stderr.on('data', forward(Frame.stderr));
      stream.on('error', () => undefined);
      stream.on('close', (code: number | null, signal?: string) => {
        keepalive?.done();
        this.channels.delete(id);
        this.send(frame(Frame.exit, id, JSON.stringify({ code: code ?? null, signal })));
      });
    });
  }
}
