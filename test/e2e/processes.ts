// What runs under a sandbox host's sshd, for tests that interrupt runbook (harden, workers).
import { readdirSync, readFileSync } from 'node:fs';

/** PID -> parent PID and command name, for every process (read once). */
export function processTable(): Map<number, { ppid: number; comm: string }> {
  const table = new Map<number, { ppid: number; comm: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(entry), { ppid, comm });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** Every process under a sandbox host's sshd (by its known PID, never by name): what runbook left running there. */
export function processesUnder(sshdPid: number): Array<{ pid: number; comm: string }> {
  const table = processTable();
  const found: Array<{ pid: number; comm: string }> = [];
  const walk = (parent: number) => {
    for (const [pid, { ppid, comm }] of table) {
      if (ppid === parent) {
        found.push({ pid, comm });
        walk(pid);
      }
    }
  };
  walk(sshdPid);
  return found;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function killPids(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Waits until a `sleep` runs under every host's sshd (a task is on every host): those processes. */
export function sleepOnEveryHost(hosts: Array<{ pid: number }>): Promise<Array<{ pid: number; comm: string }>> {
  return waitFor('a sleep on every host', () => {
    const found = hosts.map((h) => processesUnder(h.pid).filter((p) => p.comm === 'sleep'));
    return found.every((f) => f.length > 0) ? found.flat() : undefined;
  });
}

/** Waits until nothing of runbook's sessions is left under a host's sshd; resolves to [] (asserted by the caller). */
export function noProcessLeft(sshdPid: number): Promise<Array<{ pid: number; comm: string }>> {
  return waitFor('no process left', () => (processesUnder(sshdPid).length === 0 ? [] : undefined), 10_000);
}
