import { childProcess } from '../util/child-process.js';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fnmatch, pathFact, statFact } from '../facts/index.js';
import { HANDLERS, LIST_OPTIONS, TAR_FLAGS, archiveFact, formatFromMagic, mergeListings, normaliseName, type ArchiveFormat, type ArchiveMember, type ArchiveParam, type ArchiveState, type DiskEntry } from '../facts/archive.js';
import { resolveSourceFile } from '../playbook/files.js';
import { isVaultText } from '../vault/envelope.js';
import { readMaybeVaultFile } from '../vault/secrets.js';
import { WRITE_END } from '../transport/scripts.js';
import type { ContentSource } from '../transport/types.js';
import { shellQuote } from '../util/shell.js';
import { resolveMode } from '../util/modes.js';
import { STREAM_THRESHOLD, streamedFile } from './copy.js';
import { fileMetadataArgs } from './file-state.js';
import type { ApplyContext, ModuleContext, ModuleDefinition, PathState } from './types.js';

interface UnarchiveArgs {
  src: string;
  dest: string;
  remote_src: boolean;
  copy?: boolean;
  creates?: string;
  list_files: boolean;
  keep_newer: boolean;
  exclude?: string[];
  include?: string[];
  extra_opts?: string[];
  mode?: string;
  owner?: string;
  group?: string;
  decrypt: boolean;
  validate_certs: boolean;
  io_buffer_size: number;
}

/** A local archive as the controller read it: its bytes (or a stream), format and members. */
interface LocalArchive {
  file: string;
  /** The bytes, when small or vault-encrypted (decrypted in memory); bigger archives are streamed. */
  data?: Buffer;
  format: ArchiveFormat;
  members: ArchiveMember[];
}

const URL_SRC = 'unarchive: a URL src is not supported yet (fetch it with get_url, then remote_src: true)';

interface UnarchiveData {
  /** What to extract (undefined: nothing, only ownership and modes to set). */
  extract?: { format: ArchiveFormat; local?: Buffer | ContentSource };
  /** Paths under dest (relative) whose owner/group or mode must be set, by the value to set. */
  chown?: { owner: string; paths: string[] };
  chmod: Array<{ mode: string; paths: string[] }>;
}

export const unarchive: ModuleDefinition<UnarchiveArgs, UnarchiveData> = {
  name: 'unarchive',
  description: 'Unpacks a tar (plain, gz, bz2, xz, zst) archive, copied from the controller or already on the host (remote_src), into an existing directory; decided from the archive listing and the files under dest, as Ansible decides with tar --diff.',
  example: `- name: Application release
  unarchive:
    src: app-1.2.tar.gz
    dest: /opt/app
    owner: app
    group: app
`,
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true, absolute: true },
    remote_src: { type: 'bool', default: false, description: 'src is an archive on the host, not on the controller' },
    copy: { type: 'bool', description: 'deprecated: the opposite of remote_src' },
    creates: { type: 'path', absolute: true, description: 'skip the task when this path exists' },
    list_files: { type: 'bool', default: false },
    keep_newer: { type: 'bool', default: false },
    exclude: { type: 'list', elements: 'str' },
    include: { type: 'list', elements: 'str' },
    extra_opts: { type: 'list', elements: 'str' },
    ...fileMetadataArgs(),
    decrypt: { type: 'bool', default: true },
    validate_certs: { type: 'bool', default: true, description: 'accepted; a URL src is not supported' },
    io_buffer_size: { type: 'int', default: 65536, description: 'accepted, unused' },
  },
  mutuallyExclusive: [['include', 'exclude'], ['copy', 'remote_src']],
  validate: (args) => (typeof args.src === 'string' && args.src.includes('://') ? URL_SRC : undefined),
  prefetch(args, ctx) {
    const remote = remoteSrc(args);
    const requests = [statFact({ path: args.dest, follow: true }), ...(args.creates ? [pathFact(args.creates)] : [])];
    if (args.src.includes('://')) return requests;
    if (remote) return [...requests, pathFact(args.src), archiveFact(remoteParam(args))];
    if (ctx.baseDir === undefined) return requests;
    try {
      const local = localArchive(args, ctx.baseDir);
      return [...requests, archiveFact(localParam(args, local))];
    } catch {
      return requests; // the check reports it
    }
  },
  preflight(args, ctx) {
    if (!remoteSrc(args)) localArchive(args, ctx.baseDir);
  },
  async check(args, ctx) {
    // A templated URL is known only now.
    if (args.src.includes('://')) throw new Error(URL_SRC);
    const result: Record<string, unknown> = { dest: args.dest, src: args.src };
    if (args.creates && (await ctx.facts.path(args.creates)).exists) {
      return { changed: false, skipped: true, message: `skipped, since ${args.creates} exists`, result: { msg: `skipped, since ${args.creates} exists` } };
    }
    const remote = remoteSrc(args);
    const destStat = await ctx.facts.get(statFact({ path: args.dest, follow: true }));
    const destPlanned = ctx.changedPaths().includes(args.dest);
    if (!destStat.isdir && !destPlanned) throw new Error(`dest '${args.dest}' must be an existing dir`);
    Object.assign(result, destInfo(destStat));

    let format: ArchiveFormat;
    let members: ArchiveMember[];
    let local: LocalArchive | undefined;
    let state: ArchiveState;
    if (remote) {
      if (!args.src.startsWith('/')) throw new Error(`remote_src needs an absolute src path on the host, got '${args.src}'`);
      state = await ctx.facts.get(archiveFact(remoteParam(args)));
      if (state.srcMissing) {
        // An earlier task of this run makes it (a download in a dry-run): its content is not known yet.
        if (ctx.dryRun && ctx.changedPaths().includes(args.src)) return { changed: true, message: `would unpack ${args.src} (made by an earlier task) into ${args.dest}`, result: { ...result, changed: true } };
        throw new Error(`Source '${args.src}' does not exist`);
      }
      if (!state.format) throw new Error(`Failed to find handler for "${args.src}". Make sure the required command to extract the file is installed.`);
      if (state.format === 'zip') throw new Error(`${args.src}: zip archives are not supported yet (tar, tar.gz, tar.bz2, tar.xz, tar.zst are)`);
      if (state.listError !== undefined) throw new Error(`Failed to find handler for "${args.src}": Command "tar" could not handle archive: ${state.listError}`);
      format = state.format;
      members = state.members ?? [];
    } else {
      local = localArchive(args, ctx.baseDir);
      format = local.format;
      members = local.members;
      state = await ctx.facts.get(archiveFact(localParam(args, local)));
    }
    if (members.length === 0) throw new Error(`Failed to find handler for "${args.src}": Command "tar" found no files in archive. Empty archive files are not supported.`);
    // dest made by an earlier task of a dry-run: nothing of the archive is there yet.
    const disk = new Map(state.destIsDir ? state.disk : []);
    if (ctx.dryRun) await overlayPredictions(disk, members, args.dest, state, ctx);
    const plan = planUnarchive({ members, disk, users: state.users, groups: state.groups }, args, { root: ctx.user === 'root', user: ctx.user });
    result.handler = HANDLERS[format];
    if (args.list_files) result.files = plan.files;
    const changed = plan.extract || plan.chmod.length > 0 || plan.chown !== undefined;
    return {
      changed,
      message: plan.extract ? `unpack into ${args.dest}: ${plan.reasons.slice(0, 3).join('; ')}${plan.reasons.length > 3 ? `; and ${plan.reasons.length - 3} more` : ''}` : changed ? plan.reasons.join('; ') : undefined,
      // A real unpack leaves many paths changed: later tasks probe again; a dry-run plans against the prediction.
      predicted: changed ? plan.predicted.map((p) => ({ ...p, path: posix.join(args.dest, p.path) })) : undefined,
      invalidatesFacts: changed && !ctx.dryRun,
      result: { ...result, changed },
      data: { extract: plan.extract ? { format, local: local ? (local.data ?? (await streamedFile(local.file))) : undefined } : undefined, chown: plan.chown, chmod: plan.chmod },
    };
  },
  async apply(args, check, ctx) {
    applyUnarchive(args, check.data!, ctx);
    return { changed: true, result: check.result };
  },
};

/**
 * A dry-run plans against what earlier tasks would leave: members under dest that they
 * (would) write are read from the predictions (an unpacked file keeps the archive's mtime; any
 * other write makes it new).
 */
async function overlayPredictions(disk: Map<string, DiskEntry>, members: ArchiveMember[], dest: string, state: ArchiveState, ctx: ModuleContext): Promise<void> {
  const changed = new Set(ctx.changedPaths());
  for (const member of members) {
    const path = normaliseName(member.name);
    const full = posix.join(dest, path);
    if (!changed.has(full)) continue;
    const predicted = await ctx.facts.path(full);
    if (!predicted.exists) {
      disk.delete(path);
      continue;
    }
    disk.set(path, {
      type: predicted.type ?? 'other',
      mode: parseInt(predicted.mode ?? '0', 8),
      owner: predicted.owner ?? '',
      group: predicted.group ?? '',
      uid: state.users.get(predicted.owner ?? '') ?? Number(predicted.owner),
      gid: state.groups.get(predicted.group ?? '') ?? Number(predicted.group),
      size: predicted.size ?? 0,
      mtime: { seconds: predicted.mtime ?? Math.floor(Date.now() / 1000), nanos: 0 },
    });
  }
}

function remoteSrc(args: UnarchiveArgs): boolean {
  return args.copy !== undefined ? !args.copy : args.remote_src;
}

/** Ansible's listing options: extra_opts (with transformed names shown), excludes without a trailing '/'. */
function listArgs(args: UnarchiveArgs): string[] {
  return [...(args.extra_opts?.length ? ['--show-transformed-names', ...args.extra_opts] : []), ...excludes(args).map((e) => `--exclude=${e}`)];
}

function excludes(args: UnarchiveArgs): string[] {
  return (args.exclude ?? []).map((e) => e.replace(/\/+$/, ''));
}

function remoteParam(args: UnarchiveArgs): ArchiveParam {
  return { dest: args.dest, remote: { src: args.src, listArgs: listArgs(args), members: args.include ?? [] } };
}

function localParam(args: UnarchiveArgs, local: LocalArchive): ArchiveParam {
  const tops = [...new Set(local.members.map((m) => normaliseName(m.name).split('/')[0]).filter((top) => top !== '' && top !== '..'))].sort();
  return { dest: args.dest, tops };
}

/** A local archive, read and listed once per run and shared by every host (by path, size, mtime and options). */
const localArchives = new Map<string, LocalArchive>();
function localArchive(args: UnarchiveArgs, baseDir: string): LocalArchive {
  const file = resolveSourceFile(baseDir, 'copy', args.src);
  if (!file) throw new Error(`Could not find or access '${args.src}' in ${baseDir}/files or ${baseDir}`);
  const { size, mtimeMs } = statSync(file);
  const key = JSON.stringify([file, size, mtimeMs, listArgs(args), args.include, args.decrypt]);
  const known = localArchives.get(key);
  if (known) return known;
  const head = readHead(file, 512);
  // A vault-encrypted archive is decrypted in memory (Ansible's decrypt: yes) and listed from there.
  const vaulted = args.decrypt && isVaultText(head);
  const data = vaulted || size <= STREAM_THRESHOLD ? readMaybeVaultFile(file).data : undefined;
  if (size === 0) throw new Error(`Invalid archive '${args.src}', the file is 0 bytes`);
  const format = formatFromMagic(data ?? head);
  if (!format) throw new Error(`Failed to find handler for "${args.src}". Make sure the required command to extract the file is installed.`);
  if (format === 'zip') throw new Error(`${args.src}: zip archives are not supported yet (tar, tar.gz, tar.bz2, tar.xz, tar.zst are)`);
  const list = (numeric: boolean) => {
    const argv = [...LIST_OPTIONS, ...(numeric ? ['--numeric-owner'] : []), ...TAR_FLAGS[format], ...listArgs(args), '-f', data ? '-' : file, ...(args.include ?? [])];
    try {
      return childProcess().execFileSync('tar', argv, { input: data, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' }, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`Failed to find handler for "${args.src}": Command "tar" could not handle archive: ${stderr || (error as Error).message} (the controller lists a local archive with its GNU tar)`, { cause: error });
    }
  };
  const archive: LocalArchive = { file, data, format, members: mergeListings(list(false), list(true)) };
  localArchives.set(key, archive);
  return archive;
}

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

function destInfo(stat: Record<string, unknown>): Record<string, unknown> {
  return stat.exists ? { state: 'directory', mode: stat.mode, owner: stat.pw_name, group: stat.gr_name, uid: stat.uid, gid: stat.gid, size: stat.size } : {};
}

export interface UnarchivePlan {
  /** The archive must be unpacked (Ansible: tar --diff found a difference it counts). */
  extract: boolean;
  reasons: string[];
  /** Ansible's files_in_archive: listed names (leading '/' off) not matched by an exclude. */
  files: string[];
  chown?: { owner: string; paths: string[] };
  chmod: Array<{ mode: string; paths: string[] }>;
  /** What the paths under dest (relative) will be. */
  predicted: PathState[];
}

interface PlanInput {
  members: ArchiveMember[];
  disk: Map<string, DiskEntry>;
  users: Map<string, number>;
  groups: Map<string, number>;
}

type PlanArgs = Pick<UnarchiveArgs, 'exclude' | 'mode' | 'owner' | 'group'> & { keep_newer?: boolean };

/**
 * Ansible's decision, from facts: the differences `tar --diff` reports that Ansible counts
 * (modules/unarchive.py TgzArchive.is_unarchived): a member missing ("Cannot stat"), a mode
 * (unless `mode` is given), an owner or group as root (unless given), a regular file's mtime.
 * tar itself reports no more than these for a member of another type, a symlink, a size or
 * content. Then, unpacked or not, the owner, group and mode asked for are set on every listed
 * path and the top folders, as set_fs_attributes_if_different does (links: owner only).
 */
export function planUnarchive(input: PlanInput, args: PlanArgs, as: { root: boolean; user: string }): UnarchivePlan {
  const { members, disk } = input;
  const reasons: string[] = [];
  const countedOwner = as.root && args.owner === undefined;
  const countedGroup = as.root && args.group === undefined;
  for (const member of members) {
    if (member.name.replace(/\/+$/, '') === '') continue; // tar's stat of an empty name (--strip-components) is ignored
    const path = normaliseName(member.name);
    const on = disk.get(path);
    const shown = path || '.';
    if (member.type === 'link') continue; // readlink warnings and "Symlink differs" are not counted
    if (member.type === 'hardlink') {
      if (!on || !disk.has(normaliseName(member.linkTarget ?? ''))) reasons.push(`${shown} is missing`);
      continue;
    }
    if (!on) {
      reasons.push(`${shown} is missing`);
      continue;
    }
    if (member.type === 'directory' ? on.type !== 'directory' : member.type === 'file' ? on.type !== 'file' : on.type === 'directory' || on.type === 'file' || on.type === 'link') continue; // "File type differs": not counted
    if (args.mode === undefined && on.mode !== member.mode) reasons.push(`${shown}: mode ${octal(on.mode)}, archive ${octal(member.mode)}`);
    if (member.type !== 'file') continue;
    if (countedOwner && on.uid !== ownerId(member.uname, member.uid, input.users)) reasons.push(`${shown}: owner ${on.owner}, archive ${member.uname}`);
    if (countedGroup && on.gid !== ownerId(member.gname, member.gid, input.groups)) reasons.push(`${shown}: group ${on.group}, archive ${member.gname}`);
    const sameTime = on.mtime.seconds === member.mtime.seconds && (member.mtime.nanos === undefined || member.mtime.nanos === on.mtime.nanos);
    if (!sameTime) reasons.push(`${shown}: modification time differs`);
  }
  const extract = reasons.length > 0;
  const files = members.map((m) => m.name).filter((name) => !excludes(args as UnarchiveArgs).some((pattern) => fnmatch(name, pattern)));
  // What each listed path is once unpacked (or now, when it is not).
  const after = new Map<string, PathState>();
  const byPath = new Map(members.map((m) => [normaliseName(m.name), m]));
  const stateOf = (name: string): PathState | undefined => {
    const path = normaliseName(name);
    const on = disk.get(path);
    const member = byPath.get(path);
    if (!extract || (on && member && args.keep_newer && member.type === 'file' && on.type === 'file' && on.mtime.seconds > member.mtime.seconds)) {
      return on ? { path, exists: true, type: on.type, mode: octal(on.mode), owner: on.owner, group: on.group, size: on.size } : undefined;
    }
    if (!member) return on ? { path, exists: true, type: on.type, mode: octal(on.mode), owner: on.owner, group: on.group, size: on.size } : { path, exists: true, type: 'directory', mode: '0755', owner: as.user, group: as.user };
    const type = member.type === 'hardlink' ? 'file' : member.type;
    const owner = as.root ? nameOf(member.uname, member.uid, input.users) : as.user;
    const group = as.root ? nameOf(member.gname, member.gid, input.groups) : as.user;
    return { path, exists: true, type, mode: type === 'link' ? '0777' : octal(member.mode), owner, group, size: member.size, mtime: member.mtime.seconds };
  };
  const targets = [...files, ...topFolders(files)];
  const predicted: PathState[] = [];
  const chmod = new Map<string, string[]>();
  const chownPaths: string[] = [];
  const seen = new Set<string>();
  for (const name of targets) {
    const path = normaliseName(name);
    if (seen.has(path)) continue;
    seen.add(path);
    const state = stateOf(name);
    const touched = args.mode !== undefined || args.owner !== undefined || args.group !== undefined;
    if (!state) {
      if (touched) throw new Error(`Unexpected error when accessing exploded file: [Errno 2] No such file or directory: '${name}'`);
      continue;
    }
    const final = { ...state };
    if (args.mode !== undefined && state.type !== 'link') {
      final.mode = resolveMode(args.mode, state.mode!, state.type === 'directory');
      if (final.mode !== state.mode) chmod.set(final.mode, [...(chmod.get(final.mode) ?? []), path || '.']);
    }
    if ((args.owner !== undefined && state.owner !== args.owner) || (args.group !== undefined && state.group !== args.group)) {
      chownPaths.push(path || '.');
      final.owner = args.owner ?? state.owner;
      final.group = args.group ?? state.group;
    }
    predicted.push(final);
  }
  if (!extract) {
    if (chownPaths.length > 0) reasons.push(`owner/group of ${chownPaths.length} path${chownPaths.length === 1 ? '' : 's'}`);
    for (const [mode, paths] of chmod) reasons.push(`mode ${mode} on ${paths.length} path${paths.length === 1 ? '' : 's'}`);
  }
  return {
    extract,
    reasons,
    files,
    chown: chownPaths.length > 0 ? { owner: `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}`, paths: chownPaths } : undefined,
    chmod: [...chmod].map(([mode, paths]) => ({ mode, paths })),
    predicted,
  };
}

/** tar's owner of an unpacked member: the name if the host knows it, else the number. */
function ownerId(name: string, id: number, table: Map<string, number>): number {
  return table.get(name) ?? id;
}

function nameOf(name: string, id: number, table: Map<string, number>): string {
  if (table.has(name)) return name;
  for (const [known, value] of table) if (value === id) return known;
  return String(id);
}

/** Ansible's top folders: the first part of every listed name with a '/' in it. */
function topFolders(files: string[]): string[] {
  return [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]))];
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/**
 * Unpack (a local archive sent on the step's stdin into a temp file, checked, then removed),
 * then owner and modes, the paths read from stdin (no command-line limit).
 */
function applyUnarchive(args: UnarchiveArgs, data: UnarchiveData, ctx: ApplyContext): void {
  const lines: string[] = [];
  const stdin: Array<Buffer | ContentSource> = [];
  if (data.extract) {
    const { format, local } = data.extract;
    const tarArgs = [
      '--extract',
      '-C',
      args.dest,
      ...TAR_FLAGS[format as Exclude<ArchiveFormat, 'zip'>],
      ...(args.extra_opts?.length ? ['--show-transformed-names', ...args.extra_opts] : []),
      ...(args.owner !== undefined ? [`--owner=${args.owner}`] : []),
      ...(args.group !== undefined ? [`--group=${args.group}`] : []),
      ...(args.keep_newer ? ['--keep-newer-files'] : []),
      ...excludes(args).map((e) => `--exclude=${e}`),
    ].map(shellQuote);
    const failed = `{ echo ${shellQuote(`failed to unpack ${args.src} to ${args.dest}`)} >&2; false; }`;
    if (local) {
      const sha = 'sha256' in local && !Buffer.isBuffer(local) ? local.sha256 : undefined;
      const size = Buffer.isBuffer(local) ? local.length : local.size;
      lines.push(
        `t=$(umask 077; mktemp "\${TMPDIR:-/tmp}/.runbook-unarchive.XXXXXX")`,
        `head -c ${size} > "$t"`,
        `{ IFS= read -r w && [ "$w" = ${WRITE_END.toString().trim()} ]; } || { echo "short write of ${args.src.replace(/["\\$`]/g, '')}: connection lost" >&2; false; }`,
        ...(sha ? [`[ "$(sha256sum < "$t" | cut -c1-64)" = ${sha} ] || { echo "${args.src.replace(/["\\$`]/g, '')} changed while it was sent" >&2; false; }`] : []),
        `{ LC_ALL=C tar ${tarArgs.join(' ')} -f "$t" ${(args.include ?? []).map(shellQuote).join(' ')} || ${failed}; }`,
        `rm -f -- "$t"`,
        't=',
      );
      stdin.push(local, WRITE_END);
    } else {
      lines.push(`{ LC_ALL=C tar ${tarArgs.join(' ')} -f ${shellQuote(args.src)} ${(args.include ?? []).map(shellQuote).join(' ')} || ${failed}; }`);
    }
  }
  const pathList = (paths: string[]) => {
    const list = Buffer.from(paths.map((p) => `${p}\0`).join(''));
    stdin.push(list);
    return `head -c ${list.length} | xargs -0r`;
  };
  const absolute = (paths: string[]) => paths.map((p) => posix.join(args.dest, p));
  if (data.chown) lines.push(`${pathList(absolute(data.chown.paths))} chown -h ${shellQuote(data.chown.owner)} --`);
  for (const { mode, paths } of data.chmod) lines.push(`${pathList(absolute(paths))} chmod ${mode} --`);
  ctx.transport.queue({ script: lines.join(' &&\n'), stdin, privilege: ctx.privilege });
}

