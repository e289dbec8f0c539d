import { posix } from 'node:path';
import { pathFact } from '../facts/path.js';
import { aptSourcesFact, APT_SOURCE_LIST as SOURCE_LIST, APT_SOURCE_PARTS as SOURCE_PARTS } from '../facts/package.js';
import { shellQuote } from '../util/shell.js';
import { isSecretMode, queueChange, sha256, snapshot, modeAfter } from './file-state.js';
import type { ApplyContext, CheckResult, FileDiff, ModuleDefinition, PathState } from './types.js';

interface AptRepositoryArgs {
  repo: string;
  state: 'present' | 'absent';
  filename?: string;
  mode?: string;
  update_cache: boolean;
  update_cache_retries: number;
  update_cache_retry_max_delay: number;
  validate_certs: boolean;
  install_python_apt: boolean;
  codename?: string;
}

const VALID_SOURCE_TYPES = ['deb', 'deb-src'];

/** One line of a sources file as Ansible's SourcesList._parse reads it. */
export interface SourceLine {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

export function parseSourceLine(raw: string): SourceLine {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const hash = line.indexOf('#');
  if (hash > 0) {
    comment = line.slice(hash + 1).trim();
    line = line.slice(0, hash);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (VALID_SOURCE_TYPES.includes(chunks[0])) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

/** SourcesList.dump() of one file: every line rewritten from what was parsed. */
export function dumpSources(lines: SourceLine[]): string {
  return lines.map((l) => `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`).join('');
}

/** Ansible's _suggest_filename: the repository's host and path, other characters as `_`, plus `.list`; or `filename`.list. */
export function suggestFilename(source: string, filename?: string): string {
  if (filename !== undefined) return `${filename}.list`;
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && !VALID_SOURCE_TYPES.includes(p));
  const first = (parts[0] ?? '').includes('@') ? parts[0].split('@').slice(1).join('@') : (parts[0] ?? '');
  return `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_')}.list`;
}

function expandPath(file: string): string {
  return file.includes('/') ? file : posix.join(SOURCE_PARTS, file);
}

export interface RepositoryPlan {
  /** Files to write (whole content), in Ansible's order; `keep`: an existing file's mode, owner and group. */
  write: Array<{ path: string; content: string; isNew: boolean; keep?: { mode?: string; owner?: string; group?: string } }>;
  /** Files left without any line: removed. */
  remove: string[];
  changed: boolean;
  /** Before and after content by path, for diffs. */
  before: Map<string, string>;
}

/**
 * Ansible's add_source / remove_source over every sources file (sources.list and
 * sources.list.d/*.list): present enables a matching disabled line or appends to the suggested
 * file; absent drops every enabled matching line. When anything changed, Ansible rewrites every
 * file from its parse (save()), and so does this.
 */
export function planRepository(args: Pick<AptRepositoryArgs, 'repo' | 'state' | 'filename'>, files: Map<string, string[]>): RepositoryPlan {
  const parsed = new Map<string, SourceLine[]>([...files].map(([path, lines]) => [path, lines.map(parseSourceLine)]));
  const before = new Map([...parsed].map(([path, lines]) => [path, dumpSources(lines)]));
  const wanted = parseSourceLine(args.repo);
  if (!wanted.valid || !wanted.enabled) throw new Error(`Invalid repository string: ${args.repo}`);
  const newFiles = new Set<string>();
  if (args.state === 'present') {
    let found = false;
    for (const lines of parsed.values()) {
      lines.forEach((line, i) => {
        if (line.valid && line.source === wanted.source) {
          lines[i] = { ...line, enabled: true };
          found = true;
        }
      });
    }
    if (!found) {
      const file = expandPath(suggestFilename(wanted.source, args.filename));
      if (!parsed.has(file)) {
        parsed.set(file, []);
        newFiles.add(file);
      }
      parsed.get(file)!.push({ valid: true, enabled: true, source: wanted.source, comment: '' });
    }
  } else {
    for (const [path, lines] of parsed) parsed.set(path, lines.filter((l) => !(l.valid && l.enabled && l.source === wanted.source)));
  }
  const after = new Map([...parsed].map(([path, lines]) => [path, dumpSources(lines)]));
  const changed = [...after].some(([path, content]) => before.get(path) !== content) || [...before.keys()].some((p) => !after.has(p));
  const write: RepositoryPlan['write'] = [];
  const remove: string[] = [];
  if (changed) {
    for (const [path, lines] of parsed) {
      if (lines.length > 0) write.push({ path, content: after.get(path)!, isNew: newFiles.has(path) });
      else if (files.has(path)) remove.push(path);
    }
  }
  return { write, remove, changed, before };
}

function sourcesAfter(files: Map<string, string[]>, plan: RepositoryPlan): Map<string, string[]> {
  const after = new Map(files);
  for (const { path, content } of plan.write) after.set(path, content.replace(/\n$/, '').split('\n'));
  for (const path of plan.remove) after.delete(path);
  return after;
}

export const aptRepository: ModuleDefinition<AptRepositoryArgs, RepositoryPlan> = {
  name: 'apt_repository',
  description: "A one-line apt source present or absent (sources.list.d, written atomically), then apt-get update.",
  example: `- name: Docker's repository, signed by its own key
  apt_repository:
    repo: "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable"
    filename: docker
    state: present
`,
  args: {
    repo: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    filename: { type: 'str' },
    mode: { type: 'mode', description: 'of a new file (default 0644)' },
    update_cache: { type: 'bool', default: true, aliases: ['update-cache'] },
    update_cache_retries: { type: 'int', default: 5, description: 'accepted: one try' },
    update_cache_retry_max_delay: { type: 'int', default: 12, description: 'accepted' },
    validate_certs: { type: 'bool', default: true, description: 'accepted (ppa: only)' },
    install_python_apt: { type: 'bool', default: true, description: 'accepted: runbook needs no python-apt' },
    codename: { type: 'str', description: 'accepted (ppa: only)' },
  },
  validate: (args) => (typeof args.repo === 'string' && args.repo.startsWith('ppa:') ? 'ppa: repositories (Ubuntu Launchpad) are not supported: give the deb line' : undefined),
  prefetch: () => [aptSourcesFact()],
  async check(args, ctx) {
    const files = await ctx.facts.get(aptSourcesFact());
    const plan = planRepository(args, files);
    // A rewritten file keeps its mode, owner and group (Ansible's atomic_move copies them).
    const rewritten = plan.write.filter((w) => !w.isNew && plan.before.get(w.path) !== w.content);
    ctx.facts.want(rewritten.map((w) => pathFact(w.path)));
    for (const w of rewritten) {
      const current = await ctx.facts.path(w.path);
      w.keep = { mode: current.mode, owner: current.owner, group: current.group };
    }
    const diff: FileDiff[] = [];
    if (plan.changed && ctx.diff) {
      for (const { path, content, isNew } of plan.write) {
        if (plan.before.get(path) === content) continue;
        const state = (content?: string): PathState => ({ path, exists: content !== undefined, type: 'file', mode: isNew ? modeAfter(args.mode, '0644', false) : undefined, sha256: content === undefined ? undefined : sha256(Buffer.from(content)) });
        diff.push({ path, secret: isSecretMode(modeAfter(args.mode, '0644', false)), before: snapshot(state(plan.before.get(path)), plan.before.get(path)), after: snapshot(state(content), content) });
      }
      for (const path of plan.remove) diff.push({ path, secret: false, before: snapshot({ path, exists: true, type: 'file' }, plan.before.get(path)), after: { exists: false } });
    }
    const touched = [...plan.write.filter((w) => plan.before.get(w.path) !== w.content).map((w) => w.path), ...plan.remove];
    return {
      changed: plan.changed,
      message: plan.changed ? `${args.state === 'present' ? 'add' : 'remove'} ${args.repo} (${touched.join(', ')})${args.update_cache ? '; apt-get update' : ''}` : undefined,
      diff,
      // Later tasks read the sources as they will be; an update makes apt's candidates stale.
      facts: plan.changed ? [{ request: aptSourcesFact(), value: sourcesAfter(files, plan) }] : undefined,
      invalidatesFacts: plan.changed && args.update_cache,
      result: { repo: args.repo, state: args.state, sources_added: args.state === 'present' ? touched : [], sources_removed: args.state === 'absent' ? touched : [] },
      data: plan,
    };
  },
  async apply(args, check: CheckResult<RepositoryPlan>, ctx: ApplyContext) {
    const plan = check.data!;
    for (const { path, content, isNew, keep } of plan.write) {
      // Ansible rewrites every file from its parse; only those whose bytes change need writing.
      if (plan.before.get(path) === content) continue;
      // Atomic, as every write: an existing file keeps its mode, a new one gets `mode` (0644).
      ctx.transport.writeFile(path, Buffer.from(content), { ...ctx.privilege, ...(isNew ? { mode: modeAfter(args.mode, '0644', false) } : keep) });
    }
    if (plan.remove.length > 0) queueChange(ctx, `rm -f -- ${plan.remove.map(shellQuote).join(' ')}`);
    if (args.update_cache) {
      const result = await ctx.transport.exec(`DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -q update`, ctx.privilege);
      if (result.code !== 0) throw new Error(`Failed to update apt cache: ${result.stderr.toString('utf8').trim() || `exit ${result.code}`}`);
    }
    return { changed: true };
  },
};
