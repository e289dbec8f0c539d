// What a tool leaves on sandbox hosts under some roots, captured through the
// sandbox (no SSH, so connection counts stay untouched) and compared host by
// host across two sandboxes whose hosts carry the same names. Used by the
// benchmark and the differential compatibility suite.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Sandbox } from './hosts.js';
import { q } from './proc.js';

export interface Entry { type: string; mode: string; owner: string; group: string; target: string; sha256: string; content?: string }
/** host -> path -> entry */
export type Snapshot = Record<string, Map<string, Entry>>;

// Sizes from the first find split the concatenated contents from the second;
// both lists are in byte order (LC_ALL=C), which is also JavaScript's for ASCII paths.
function snapshotScript(roots: string[]): string {
  const list = roots.map(q).join(' ');
  return `set --
for r in ${list}; do if [ -e "$r" ] || [ -L "$r" ]; then set -- "$@" "$r"; fi; done
[ $# -gt 0 ] || exit 0
find "$@" -printf '%p\\0%y\\0%#m\\0%u\\0%g\\0%l\\0%s\\0'
printf '\\0--content--\\0'
find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r cat --`;
}

export async function snapshotHost(sandbox: Sandbox, host: string, roots: string[]): Promise<Map<string, Entry>> {
  const r = await sandbox.run(host, snapshotScript(roots));
  if (r.code !== 0) throw new Error(`snapshot of ${host}: ${r.stderr}`);
  // latin1 keeps one character per byte, so sizes index the content exactly.
  return parseSnapshot(Buffer.from(r.stdout, 'utf8').toString('latin1'));
}

/** The same snapshot of paths on the controller itself (what a play on localhost left there). */
export function snapshotController(roots: string[]): Map<string, Entry> {
  const out = execFileSync('/bin/sh', ['-c', snapshotScript(roots)], { maxBuffer: 256 * 1024 * 1024 });
  return parseSnapshot(out.toString('latin1'));
}

function parseSnapshot(raw: string): Map<string, Entry> {
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

export async function snapshotAll(sandbox: Sandbox, roots: string[]): Promise<Snapshot> {
  const out: Snapshot = {};
  // Sequential: the bench is about the tools, not about loading the box between runs.
  for (const h of sandbox.hosts) out[h.name] = await snapshotHost(sandbox, h.name, roots);
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

export function entryCount(s: Snapshot): number {
  return Object.values(s).reduce((n, m) => n + m.size, 0);
}
