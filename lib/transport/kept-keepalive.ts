import type { Client } from 'ssh2';

/**
 * Keepalives of a kept connection (keeper.ts), only while a run's command is on it. ssh2's own
 * keepalive probes every connection every few seconds for as long as it is open: for a keeper
 * holding 1,000 idle connections between runs that is 200 encrypted requests and replies a
 * second, a few percent of a core doing nothing (measured in README, Kept connections). OpenSSH's
 * ControlPersist master sends none unless asked (ServerAliveInterval 0) and leaves an idle
 * connection to the kernel's TCP keepalive; so does the keeper: while a command runs on the
 * connection (an exec asked for, its channel open) it probes as ssh2 would (a request every
 * interval, the connection lost after `probes` unanswered, as a run's own connection), else
 * only the kernel does (SO_KEEPALIVE). A frozen host is then found within the keepalive time of
 * the next command, as on a fresh connection that freezes in a run.
 *
 * ssh2 (pinned in package-lock, 1.17) has no public ping: this sends its keepalive request
 * (`_protocol.ping()`, with a reply callback on `_callbacks`, as ssh2's own keepalive does).
 * When its inside is not as expected, `busyKeepalive` returns undefined and the connection has
 * the kernel's keepalive only, as an OpenSSH master (test/e2e/persist.test.ts fails then: its frozen host is not found).
 */

interface Ssh2Inside {
  _protocol?: { ping?: () => void };
  _callbacks?: Array<(failed: boolean) => void>;
  _sock?: { setKeepAlive?: (enable: boolean, delayMs: number) => unknown; destroy?: () => unknown };
}

/** Whether a connected ssh2 Client can be probed by hand (its keepalive request and reply callbacks). */
export function canProbe(client: Client): boolean {
  const inside = client as unknown as Ssh2Inside;
  return typeof inside._protocol?.ping === 'function' && Array.isArray(inside._callbacks);
}

/** The kernel's keepalive for an idle connection: no CPU of ours, a dead peer found eventually. */
const IDLE_TCP_KEEPALIVE_MS = 60_000;

export interface BusyKeepalive {
  /** A command starts on the connection (an exec asked for): probes run while any does. */
  busy(): void;
  /** That command ended (its channel closed, or it could not open). */
  done(): void;
  /** The connection closed: no more probes. */
  stop(): void;
}

/**
 * Probes `client` every `intervalMs` while busy; past `maxUnanswered` unanswered in a row, emits ssh2's
 * 'error' ('Keepalive timeout', as its own keepalive does) and destroys the connection.
 */
export function busyKeepalive(client: Client, intervalMs: number, maxUnanswered: number): BusyKeepalive | undefined {
  if (!canProbe(client)) return undefined;
  const inside = client as unknown as Required<Ssh2Inside>;
  inside._sock?.setKeepAlive?.(true, IDLE_TCP_KEEPALIVE_MS);
  let running = 0;
  let unanswered = 0;
  let timer: NodeJS.Timeout | undefined;
  const answered = () => (unanswered = 0);
  const probe = () => {
    if (++unanswered > maxUnanswered) {
      clearInterval(timer);
      timer = undefined;
      client.emit('error', Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }));
      // The socket itself, as ssh2's keepalive does: ending it (client.end, which the error's
      // listener may have done) would wait for the frozen host's side.
      if (inside._sock?.destroy) inside._sock.destroy();
      else client.destroy();
      return;
    }
    // Replies come in order: this callback is called by the reply to this request.
    inside._callbacks.push(answered);
    inside._protocol.ping!();
  };
  return {
    busy() {
      if (running++ > 0) return;
      unanswered = 0;
      timer = setInterval(probe, intervalMs);
    },
    done() {
      if (running === 0 || --running > 0) return;
      clearInterval(timer);
      timer = undefined;
    },
    stop() {
      running = 0;
      clearInterval(timer);
      timer = undefined;
    },
  };
}
