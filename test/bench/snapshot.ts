// What each tool leaves on the hosts, captured through the sandbox (no SSH, so
// connection counts stay untouched) and compared host by host across the two
// sandboxes, whose hosts carry the same names.
import { createHash } from 'node:crypto';
import type { Sandbox } from '../sandbox/hosts.js';

/** Every path the playbook manages lives here. */
export const MANAGED_ROOT = '/srv/bench';
/** The handler's log grows by one line on every run that notifies it. */
export const HANDLER_LOG = `${MANAGED_ROOT}/run/reloads.log`;

export interface Entry { type: string; mode: string; owner: string; group: string; target: string; sha256: string; content?: string }
/** host -> path -> entry */
export type Snapshot = Record<string, Map<string, Entry>>;

// Sizes from the first find split the concatenated contents from the second;
// both lists are in byte order (LC_ALL=C), which is also JavaScript's for ASCII paths.
const SNAPSHOT_SCRIPT = `[ -e ${MANAGED_ROOT} ] || exit 0
find ${MANAGED_ROOT} -printf '%p\\0%y\\0%#m\\0%u\\0%g\\0%l\\0%s\\0'
printf '\\0--content--\\0'
find ${MANAGED_ROOT} -type f -print0 | LC_ALL=C sort -z | xargs -0 -r cat --`;

export async function snapshotHost(sandbox: Sandbox, host: string): Promise<Map<string, Entry>> {
  const r = await sandbox.run(host, SNAPSHOT_SCRIPT);
  if (r.code !== 0) throw new Error(`snapshot of ${host}: ${r.stderr}`);
  // latin1 keeps one character per byte, so sizes index the content exactly.
  const raw = Buffer.from(r.stdout, 'utf8').toString('latin1');
  const cut = raw.indexOf('\0--content--\0');
  const meta = raw.slice(0, cut).split('\0');
  let content = raw.slice(cut + '\0--content--\0'.length);
  const entries = new Map<string, Entry>();
  const sizes = new Map<string, number>();
  for (let i = 0; i + 6 < meta.length; i += 7) {
    const [path, type, mode, owner, group, target, size] = meta.slice(i, i + 7);
    entries.set(path, { type, mode, owner, group, target, sha256: '' });
    if (type === 'f') sizes.set(path, Number(size));
  }
  for (const path of [...sizes.keys()].sort()) {
    const bytes = content.slice(0, sizes.get(path));
    content = content.slice(bytes.length);
    const e = entries.get(path)!;
    e.sha256 = createHash('sha256').update(bytes, 'latin1').digest('hex');
    e.content = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return entries;
}

export async function snapshotAll(sandbox: Sandbox): Promise<Snapshot> {
  const out: Snapshot = {};
  // Sequential: the bench is about the tools, not about loading the box between runs.
  for (const h of sandbox.hosts) out[h.name] = await snapshotHost(sandbox, h.name);
  return out;
}

function describe(e: Entry | undefined): string {
  if (!e) return 'absent';
  const base = `${e.type} ${e.mode} ${e.owner}:${e.group}`;
  if (e.type === 'l') return `${base} -> ${e.target}`;
  return e.type === 'f' ? `${base} ${JSON.stringify(e.content)}` : base;
}

/** The first difference between two snapshots, in host then path order; undefined when identical. */
export function firstDifference(a: Snapshot, b: Snapshot, labelA: string, labelB: string): string | undefined {
  const hosts = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const host of hosts) {
    if (!a[host] || !b[host]) return `${host}: only in ${a[host] ? labelA : labelB}`;
    const paths = [...new Set([...a[host].keys(), ...b[host].keys()])].sort();
    for (const p of paths) {
      const x = a[host].get(p);
      const y = b[host].get(p);
      const same = x && y && x.type === y.type && x.mode === y.mode && x.owner === y.owner && x.group === y.group
        && x.target === y.target && x.sha256 === y.sha256;
      if (!same) return `${host}:${p}: ${labelA} = ${describe(x)}; ${labelB} = ${describe(y)}`;
    }
  }
  return undefined;
}

/** A copy without one path on every host, for comparisons that expect it to differ. */
export function without(s: Snapshot, path: string): Snapshot {
  return Object.fromEntries(Object.entries(s).map(([h, m]) => [h, new Map([...m].filter(([p]) => p !== path))]));
}

export function entryCount(s: Snapshot): number {
  return Object.values(s).reduce((n, m) => n + m.size, 0);
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
