// What each tool leaves on the hosts, captured through the sandbox (no SSH, so
// connection counts stay untouched) and compared host by host across the two
// sandboxes, whose hosts carry the same names.
import type { Sandbox } from '../sandbox/hosts.js';
import { snapshotAll as snapshotRoots, type Snapshot } from '../sandbox/tree-snapshot.js';
export { firstDifference, entryCount, type Entry, type Snapshot } from '../sandbox/tree-snapshot.js';

/** Every path the playbook manages lives here. */
export const MANAGED_ROOT = '/srv/bench';
/** The handler's log grows by one line on every run that notifies it. */
export const HANDLER_LOG = `${MANAGED_ROOT}/run/reloads.log`;

/** A copy without one path on every host, for comparisons that expect it to differ. */
export function without(s: Snapshot, path: string): Snapshot {
  return Object.fromEntries(Object.entries(s).map(([h, m]) => [h, new Map([...m].filter(([p]) => p !== path))]));
}

/** The hosts drift touches: 10 % of them, at least one. */
export function driftHosts(sandbox: Sandbox): string[] {
  const count = Math.max(1, Math.round(sandbox.hosts.length / 10));
  return sandbox.hosts.slice(0, count).map((h) => h.name);
}

/** Three resources changed behind the tool's back: a copied file's mode, a template's target, a deleted copy. */
export async function drift(sandbox: Sandbox, hosts: string[]): Promise<void> {
  const cmd = `chmod 0666 ${MANAGED_ROOT}/etc/c01.conf && echo tampered >> ${MANAGED_ROOT}/etc/t01.conf && rm -f ${MANAGED_ROOT}/data/d03.txt`;
  for (const h of hosts) {
    const r = await sandbox.run(h, cmd);
    if (r.code !== 0) throw new Error(`drift on ${h}: ${r.stderr}`);
  }
}

/** Everything the benchmark playbook manages, on every host. */
export function snapshotAll(sandbox: Sandbox): Promise<Snapshot> {
  return snapshotRoots(sandbox, [MANAGED_ROOT]);
}
