import { lstatSync } from 'node:fs';
import type { Socket } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The connection keeper's wire format (see keeper.ts and kept.ts): frames over a Unix socket,
 * each `u32 payload length, u8 kind, u32 id` then the payload. `id` names a lease (one run's use
 * of one kept SSH connection) or a channel (one exec relayed), numbered by the run.
 */
export const KEEPER_PROTOCOL = 1;
const HEADER = 9;

export const Frame = {
  /** run → keeper: {protocol, version}; keeper → run: {protocol, version, pid}. */
  hello: 1,
  /** run → keeper: {target, persistMs} (key bytes and passphrase in memory only). */
  open: 2,
  /** keeper → run: {reused} or {error}. */
  opened: 3,
  /** run → keeper: {lease, line}. */
  exec: 4,
  /** keeper → run: the channel could not be opened: {message, reason?}. */
  execFailed: 5,
  /** keeper → run: the channel runs. */
  execStarted: 6,
  stdin: 7,
  stdinEnd: 8,
  /** run → keeper: give up on the channel (ClientChannel.close). */
  channelClose: 9,
  stdout: 10,
  stderr: 11,
  /** keeper → run: the channel closed: {code, signal} (both null: its connection was lost). */
  exit: 12,
  /** Bytes of a channel's stdin (keeper → run) or output (run → keeper) taken: u32 payload. */
  ack: 13,
  /** run → keeper: this run is done with the lease. */
  release: 14,
  /** keeper → run: the kept connection closed: {reason}. */
  leaseLost: 15,
  ping: 16,
  pong: 17,
} as const;

/** Bytes a channel may have in flight each way before the sender waits for an ack. */
export const CHANNEL_WINDOW = 1 << 20;
/**
 * Bytes taken before the receiver acks them (a quarter of the window, so the sender never waits
 * while the receiver keeps up): a command's few KiB of output need no ack at all, its exit ends it.
 */
export const ACK_AFTER = CHANNEL_WINDOW / 4;

/**
 * Writes frames to the socket, all those of one tick in one system call: a run's hundred hosts
 * (or the keeper's answers to them) send their frames in the same ticks, and a write per frame
 * was most of what the relay cost (writeBuffer in a profile of the keeper).
 */
export function tickWriter(socket: Socket): (data: Buffer) => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return (data) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    socket.write(data);
  };
}

export function frame(kind: number, id: number, payload: Buffer | string = EMPTY): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32BE(body.length, 0);
  header.writeUInt8(kind, 4);
  header.writeUInt32BE(id, 5);
  return body.length === 0 ? header : Buffer.concat([header, body]);
}

export function ackFrame(id: number, bytes: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(bytes, 0);
  return frame(Frame.ack, id, payload);
}

const EMPTY = Buffer.alloc(0);

/** Splits a byte stream into frames. */
export class FrameReader {
  private buffered: Buffer = EMPTY;

  constructor(private readonly onFrame: (kind: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (data.length >= HEADER) {
      const length = data.readUInt32BE(0);
      if (data.length < HEADER + length) break;
      const kind = data.readUInt8(4);
      const id = data.readUInt32BE(5);
      const payload = data.subarray(HEADER, HEADER + length);
      data = data.subarray(HEADER + length);
      this.onFrame(kind, id, payload);
    }
    this.buffered = data.length === 0 ? EMPTY : data;
  }
}

/**
 * Where the keeper's socket lives: $RUNBOOK_PERSIST_DIR, else $XDG_RUNTIME_DIR/runbook, else
 * ~/.runbook/cp (as Ansible's ~/.ansible/cp for OpenSSH's control sockets).
 */
export function keeperDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNBOOK_PERSIST_DIR) return env.RUNBOOK_PERSIST_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'runbook');
  return join(homedir(), '.runbook', 'cp');
}

export function keeperSocket(dir: string): string {
  return join(dir, 'keeper.sock');
}

/** Why the socket in a trusted directory must not be used: not a socket, or not this user's. */
export function untrustedSocket(path: string): string | undefined {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isSocket()) return `${path} is not a socket`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `${path} belongs to uid ${stat.uid}, not to this user (uid ${uid})`;
  return undefined;
}
