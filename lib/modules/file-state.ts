import { posix } from 'node:path';
import type { ApplyContext, ArgSpec, CheckResult, FactRequest, FileDiff, FileSnapshot, ModuleContext, PathState } from './types.js';
import { groupFact, pathFact, userFact } from '../facts/index.js';
import type { ContentSource } from '../transport/types.js';
import { shellQuote } from '../util/shell.js';
import { atomicCopyStep } from '../transport/scripts.js';
import { resolveMode } from '../util/modes.js';
import { sha256Hex } from '../util/digest.js';

/** The owner and mode arguments every file-making module takes, as Ansible's file modules do. */
export function fileMetadataArgs(defaultMode?: string): Record<'mode' | 'owner' | 'group', ArgSpec> {
  return { mode: { type: 'mode', ...(defaultMode ? { default: defaultMode } : {}) }, owner: { type: 'str' }, group: { type: 'str' } };
}

/** The state a file task asks for; undefined fields are left as they are. */
export interface DesiredFile {
  path: string;
  content?: Buffer;
  /** Content too big to hold: streamed to the host, compared by checksum. */
  source?: ContentSource;
  /** Content that is already on the host (copy with remote_src): its path there, size and checksum. */
  hostSource?: { path: string; size: number; sha256: string };
  mode?: string;
  owner?: string;
  group?: string;
  /** Ansible's validate: a command with `%s` run on the new content before it replaces the file. */
  validate?: string;
  /** Ansible's backup: the old file copied aside (`<path>.<pid>.<time>~`) before new content replaces it. */
  backup?: boolean;
  /** A missing parent directory is made (`mkdir -p`, as Python's os.makedirs: umask modes, the remote user's). */
  createParents?: boolean;
}

export interface FilePlan {
  desired: DesiredFile;
  writeContent: boolean;
  contents: Map<string, Buffer>;
  /** The parent directory to make first (createParents and it is missing). */
  makeParent?: string;
}

/** backup and validate, as Ansible's copy, template, lineinfile, blockinfile and replace take them. */
export function writeSafetyArgs(): Record<'backup' | 'validate', ArgSpec> {
  return {
    backup: { type: 'bool', default: false, description: 'copy the old file aside as <path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~ before its content is replaced' },
    validate: { type: 'str', description: "a command run on the new content before it replaces the file, %s standing for the temp file's path; failing leaves the file untouched" },
  };
}

/** Ansible's rule for validate (checked at load unless the value is still a template). */
export function validateArgError(validate: unknown): string | undefined {
  return typeof validate === 'string' && !validate.includes('%s') && !/\{\{|\{%/.test(validate) ? `validate must contain %s: ${validate}` : undefined;
}

export function sha256(content: Buffer): string {
  return sha256Hex(content);
}

/** A file that others may not read is a secret: its diffs show checksums, never content. */
export function isSecretMode(mode: string | undefined): boolean {
  return mode !== undefined && (parseInt(mode, 8) & 0o004) === 0;
}

/** Text worth showing in a diff: not binary, not huge. */
function printable(content: Buffer | undefined): string | undefined {
  if (!content || content.length > 256 * 1024 || content.includes(0)) return undefined;
  return content.toString('utf8');
}

/**
 * The mode a path gets from the task's `mode`: resolved against its current mode (a symbolic mode
 * may be relative: 'u+x', 'a+X'), or against the mode it is created with (0644 a file, 0755 a
 * directory: Ansible's modules create under umask 022, then apply the mode). No `mode`: unchanged.
 */
export function modeAfter(mode: string | undefined, current: string | undefined, isDirectory: boolean): string | undefined {
  return mode === undefined ? current : resolveMode(mode, current ?? (isDirectory ? '0755' : '0644'), isDirectory);
}

/** The file's current state; anything but a regular file (or nothing) is an error. */
export async function currentRegularFile(path: string, ctx: ModuleContext): Promise<PathState> {
  const current = await ctx.facts.path(path);
  if (current.exists && current.type !== 'file') throw new Error(`${path} exists and is a ${current.type}, not a regular file`);
  return current;
}

/**
 * The metadata a file has after the task: what it asks for, else what the file has, else what
 * a new file gets (0644, owned by the remote user in the group of the same name).
 */
export function regularFileAfter(current: PathState, desired: DesiredFile, ctx: ModuleContext): PathState {
  return {
    path: desired.path,
    exists: true,
    type: 'file',
    mode: modeAfter(desired.mode, current.mode, false) ?? '0644',
    owner: desired.owner ?? current.owner ?? ctx.user,
    group: desired.group ?? current.group ?? ctx.user,
  };
}

/**
 * The facts a write of `path` with this owner and group needs besides the path itself: its
 * parent directory, and whether the user and group exist. Asked in the same probe.
 */
export function writeFacts(path: string, meta: { owner?: string; group?: string }): FactRequest[] {
  return [pathFact(path), pathFact(posix.dirname(path)), ...accountFacts(meta.owner, meta.group)];
}

function accountFacts(owner: string | undefined, group: string | undefined): FactRequest[] {
  return [...(owner !== undefined && !/^\d+$/.test(owner) ? [userFact(owner)] : []), ...(group !== undefined && !/^\d+$/.test(group) ? [groupFact(group)] : [])];
}

/**
 * What would make the write fail, found from facts, so a dry-run predicts the failure the
 * apply would meet: a missing parent directory, an unknown owner or group.
 */
export async function checkWritable(path: string, current: PathState, after: PathState, ctx: ModuleContext, createParents = false): Promise<void> {
  if (!current.exists) {
    const dir = posix.dirname(path);
    const parent = await ctx.facts.path(dir);
    if (!parent.exists && createParents) return;
    if (!parent.exists) throw new Error(`parent directory ${dir} does not exist`);
    if (parent.type !== 'directory') throw new Error(`parent ${dir} is a ${parent.type}, not a directory`);
  }
  // Only names the task asks for (the login user exists): no extra question for a plain new file.
  const owner = after.owner !== current.owner && after.owner !== ctx.user && after.owner !== undefined && !/^\d+$/.test(after.owner) ? after.owner : undefined;
  const group = after.group !== current.group && after.group !== ctx.user && after.group !== undefined && !/^\d+$/.test(after.group) ? after.group : undefined;
  if (owner !== undefined && !(await ctx.facts.get(userFact(owner))).exists) throw new Error(`user ${owner} does not exist on the host`);
  if (group !== undefined && !(await ctx.facts.get(groupFact(group))).exists) throw new Error(`group ${group} does not exist on the host`);
}

/** Compare a regular file on the host with the desired one: what changes, the diff, the predicted state. */
export async function planRegularFile(desired: DesiredFile, ctx: ModuleContext): Promise<CheckResult<FilePlan>> {
  const current = await currentRegularFile(desired.path, ctx);
  const after: PathState = {
    ...regularFileAfter(current, desired, ctx),
    sha256: desired.content ? sha256(desired.content) : (desired.source ?? desired.hostSource)?.sha256 ?? current.sha256,
    size: desired.content ? desired.content.length : (desired.source ?? desired.hostSource)?.size ?? current.size,
  };
  const givesContent = desired.content !== undefined || desired.source !== undefined || desired.hostSource !== undefined;
  const writeContent = !current.exists || (givesContent && current.sha256 !== after.sha256);
  const changes = describeChanges(current, after, writeContent);
  if (changes.length > 0) await checkWritable(desired.path, current, after, ctx, desired.createParents);
  const parentDir = posix.dirname(desired.path);
  const makeParent = changes.length > 0 && !current.exists && desired.createParents && !(await ctx.facts.path(parentDir)).exists ? parentDir : undefined;
  const secret = ctx.noLog || isSecretMode(after.mode) || isSecretMode(current.mode);
  const contents = new Map<string, Buffer>();
  if (desired.content) contents.set(desired.path, desired.content);
  const diff: FileDiff[] = [];
  if (changes.length > 0 && ctx.diff) {
    const before = writeContent && !secret && current.exists ? printable(await ctx.facts.content(desired.path)) : undefined;
    diff.push({
      path: desired.path,
      secret,
      before: snapshot(current, secret ? undefined : before),
      after: snapshot(after, secret || !writeContent ? undefined : printable(desired.content)),
    });
    if (!writeContent || secret) delete diff[0].before.content;
  }
  return {
    changed: changes.length > 0,
    message: changes.join(', ') || undefined,
    diff,
    predicted: changes.length > 0 ? [...(makeParent ? [{ path: makeParent, exists: true, type: 'directory' as const, mode: '0755', owner: ctx.user, group: ctx.user }] : []), after] : undefined,
    result: { path: desired.path, mode: after.mode, owner: after.owner, group: after.group, checksum: after.sha256 },
    data: { desired: writeTarget(current, desired, after), writeContent, contents, makeParent },
  };
}

export function describeChanges(current: PathState, after: PathState, writeContent: boolean): string[] {
  if (!current.exists) return [`create ${after.type === 'directory' ? 'directory' : 'file'} (mode ${after.mode}, ${after.owner}:${after.group})`];
  const changes: string[] = [];
  if (writeContent) changes.push('content');
  if (current.mode !== after.mode && after.type !== 'link') changes.push(`mode ${current.mode} → ${after.mode}`);
  if (current.owner !== after.owner) changes.push(`owner ${current.owner} → ${after.owner}`);
  if (current.group !== after.group) changes.push(`group ${current.group} → ${after.group}`);
  return changes;
}

export function snapshot(state: PathState, content?: string): FileSnapshot {
  return { exists: state.exists, type: state.type, mode: state.mode, owner: state.owner, group: state.group, sha256: state.sha256, content };
}

export function applyRegularFile(plan: FilePlan, ctx: ApplyContext): void {
  const { desired } = plan;
  if (plan.makeParent) queueChange(ctx, `mkdir -p -- ${shellQuote(plan.makeParent)}`);
  if (plan.writeContent) {
    const options = { ...ctx.privilege, mode: desired.mode, owner: desired.owner, group: desired.group, validate: desired.validate, backup: desired.backup };
    if (desired.hostSource) queueChange(ctx, atomicCopyStep(desired.hostSource.path, desired.path, desired.hostSource.sha256, options));
    else ctx.transport.writeFile(desired.path, desired.content ?? desired.source ?? Buffer.alloc(0), options);
    return;
  }
  setMetadata(desired.path, desired, ctx, false);
}

/**
 * What a write must set: the mode always; owner and group when asked for or when the file
 * exists (a replaced file keeps its own); a new file is left to its creator otherwise.
 */
export function writeTarget(current: PathState, desired: DesiredFile, after: PathState): DesiredFile {
  return {
    ...desired,
    mode: after.mode,
    owner: desired.owner ?? (current.exists ? current.owner : undefined),
    group: desired.group ?? (current.exists ? current.group : undefined),
  };
}

/** chown/chmod an existing path (never follows a link: -h). */
export function setMetadata(path: string, meta: { mode?: string; owner?: string; group?: string }, ctx: ApplyContext, isLink: boolean): void {
  const commands: string[] = [];
  if (meta.owner !== undefined || meta.group !== undefined) {
    commands.push(`chown -h ${shellQuote(`${meta.owner ?? ''}${meta.group !== undefined ? `:${meta.group}` : ''}`)} -- ${shellQuote(path)}`);
  }
  if (meta.mode !== undefined && !isLink) commands.push(`chmod ${meta.mode} -- ${shellQuote(path)}`);
  if (commands.length > 0) queueChange(ctx, commands.join(' && '));
}

/**
 * A change made with the host's next round trip, together with the changes queued before and
 * after it; a failure is reported against the task that queued it.
 */
export function queueChange(ctx: ApplyContext, script: string): void {
  ctx.transport.queue({ script, privilege: ctx.privilege });
}

/** Run a command now (after every queued change); its stderr becomes the task's error. */
export async function runNow(ctx: ApplyContext, command: string): Promise<string> {
  const result = await ctx.transport.exec(command, ctx.privilege);
  if (result.code !== 0) throw new Error(result.stderr.toString().trim() || `'${command}' exited ${result.code}`);
  return result.stdout.toString();
}
