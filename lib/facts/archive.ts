import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest, type SectionOutput, type SectionScript } from './kind.js';
import type { FileType } from './path.js';

/**
 * What unarchive decides from: an archive's members (as GNU tar lists them) and what is on disk
 * under dest where they would land. Ansible runs `tar --diff` on the host; runbook reads the same
 * things in the play's one probe and compares them itself (lib/modules/unarchive.ts).
 */

/** Archive formats, by their content (Ansible tries its handlers in this order). */
export type ArchiveFormat = 'zip' | 'tgz' | 'tar' | 'tbz' | 'txz' | 'tzst';

/** GNU tar's decompression option for each tar format. */
export const TAR_FLAGS: Record<Exclude<ArchiveFormat, 'zip'>, string[]> = { tgz: ['-z'], tar: [], tbz: ['-j'], txz: ['-J'], tzst: ['--use-compress-program=zstd'] };

/** Ansible's handler class names, reported as `handler`. */
export const HANDLERS: Record<ArchiveFormat, string> = { zip: 'ZipArchive', tgz: 'TgzArchive', tar: 'TarArchive', tbz: 'TarBzipArchive', txz: 'TarXzArchive', tzst: 'TarZstdArchive' };

/** The format from an archive's first bytes (262 are enough for the tar magic). */
export function formatFromMagic(head: Buffer): ArchiveFormat | undefined {
  const hex = head.subarray(0, 6).toString('hex');
  if (hex.startsWith('504b0304') || hex.startsWith('504b0506')) return 'zip';
  if (hex.startsWith('1f8b')) return 'tgz';
  if (hex.startsWith('425a68')) return 'tbz';
  if (hex === 'fd377a585a00') return 'txz';
  if (hex.startsWith('28b52ffd')) return 'tzst';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** One member of an archive, as `tar --list --verbose` shows it. */
export interface ArchiveMember {
  /** As tar lists it (transformed by extra_opts), leading '/' removed, as Ansible's files_in_archive. */
  name: string;
  type: FileType | 'hardlink';
  /** Permission bits with setuid/setgid/sticky. */
  mode: number;
  uname: string;
  gname: string;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch; nanoseconds when the archive stores them (pax). */
  mtime: { seconds: number; nanos?: number };
  linkTarget?: string;
}

/** What is at one path under dest (find's view, links not followed). */
export interface DiskEntry {
  type: FileType;
  mode: number;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  size: number;
  mtime: { seconds: number; nanos: number };
  linkTarget?: string;
}

export interface ArchiveState {
  /** dest is a directory the probe could enter; nothing else is read when it is not. */
  destIsDir: boolean;
  /** The archive's members (remote_src: listed on the host; a local src is listed on the controller). */
  members?: ArchiveMember[];
  format?: ArchiveFormat;
  /** remote_src: no such file on the host (yet). */
  srcMissing?: boolean;
  /** remote_src: tar could not list it (its message). */
  listError?: string;
  /** By path relative to dest, normalised (no leading './', no trailing '/'; dest itself is ''). */
  disk: Map<string, DiskEntry>;
  /** The host's user and group names (for tar's name-before-number ownership). */
  users: Map<string, number>;
  groups: Map<string, number>;
}

/**
 * The question: dest, and either the top-level names of a local archive (listed on the
 * controller) or a remote archive to list on the host with these tar options.
 */
export interface ArchiveParam {
  dest: string;
  /** A local archive's top-level names (normalised): the subtrees of dest to read. */
  tops?: string[];
  /** remote_src: the archive on the host and the tar options of Ansible's listing (exclude, extra_opts, include). */
  remote?: { src: string; listArgs: string[]; members: string[] };
}

/** find's view of a path: type, mode, names and numbers, size, mtime, link target, path; NUL-separated. */
const FIND_FORMAT = `'%y\\0%m\\0%u\\0%g\\0%U\\0%G\\0%s\\0%T@\\0%l\\0%p\\0'`;
const FIND_FIELDS = 10;
const FIND_ABSENT = /^find: .*: (?:No such file or directory|Not a directory)$/;
const TYPES: Record<string, FileType> = { f: 'file', d: 'directory', l: 'link' };
/** The listing's options shared by controller and host: exact names (C quoting), full UTC times. */
export const LIST_OPTIONS = ['--list', '--verbose', '--full-time', '--utc', '--quoting-style=c'];

/** Normalised relative name: './a/b/' and 'a/b' are the same path under dest. */
export function normaliseName(name: string): string {
  let out = name.replace(/^\/+/, '');
  while (out.startsWith('./')) out = out.slice(2).replace(/^\/+/, '');
  if (out === '.') out = '';
  return out.replace(/\/+$/, '');
}

export const archiveKind: FactKind<ArchiveParam, ArchiveState> = {
  name: 'archive',
  key: (param) => JSON.stringify(param),
  sections: (params) => params.flatMap(sectionsFor),
  parse: (outputs, params) => params.map((param, i) => parseArchive(outputs.slice(i * 4, i * 4 + 4), param)),
  forgetOnPathChanged: (param, path) => path === param.dest || path.startsWith(`${param.dest.replace(/\/+$/, '')}/`) || (param.remote !== undefined && path === param.remote.src),
};

export function archiveFact(param: ArchiveParam): FactRequest<ArchiveState> {
  return { kind: archiveKind, param };
}

/** Four sections: the listing by names, by numbers (remote only), dest's entries, the host's users and groups. */
function sectionsFor(param: ArchiveParam): SectionScript[] {
  const dest = shellQuote(param.dest);
  const remote = param.remote;
  let list = (_numeric: boolean) => ':';
  let tops = param.tops && param.tops.length > 0 ? `find ${param.tops.map((top) => shellQuote(`./${top}`)).join(' ')} -printf ${FIND_FORMAT}` : ':';
  if (remote) {
    const src = shellQuote(remote.src);
    const tail = `$z ${remote.listArgs.map(shellQuote).join(' ')} -f ${src} ${remote.members.map(shellQuote).join(' ')}`;
    // The format from the archive's first bytes on the host ('-': no such file yet, '': no archive runbook knows).
    const detect = [
      `if [ ! -e ${src} ]; then f=-; else`,
      `h=$(od -An -tx1 -N6 -- ${src} | tr -d ' \\n') || return 1`,
      `m=$(dd if=${src} bs=1 skip=257 count=5 2>/dev/null)`,
      `case "$h" in 504b0304*|504b0506*) f=zip;; 1f8b*) f=tgz;; 425a68*) f=tbz;; fd377a585a00) f=txz;; 28b52ffd*) f=tzst;; *) if [ "$m" = ustar ]; then f=tar; else f=; fi;; esac; fi`,
      `case "$f" in tgz) z=-z;; tbz) z=-j;; txz) z=-J;; tzst) z=--use-compress-program=zstd;; *) z=;; esac`,
    ].join('\n');
    const isTar = `case "$f" in ''|-|zip) return 0;; esac`;
    list = (numeric) => `${detect}\nprintf 'F%s\\n' "$f"\n${isTar}\ntar ${LIST_OPTIONS.join(' ')}${numeric ? ' --numeric-owner' : ''} ${tail}`;
    // The subtrees of dest the members fall in, from the plain listing (a failed listing is reported by the sections above).
    tops = `${detect}\n${isTar}\n{ tar --list --quoting-style=literal ${tail} 2>/dev/null || true; } | sed -e 's|^/*||' -e 's|^\\(\\./\\)*||' -e 's|/.*||' -e '/^\\.*$/d' | sort -u | sed 's|^|./|' | tr '\\n' '\\0' | xargs -0r ${findThroughXargs()}`;
  }
  return [
    { tool: 'tar', script: list(false) },
    { tool: 'tar', script: list(true) },
    // In a subshell of its own: its `cd` must not move the sections after it.
    { tool: 'find', script: `(\ncd -- ${dest} 2>/dev/null || { printf 'NODEST'; exit 0; }\nfind . -maxdepth 0 -printf ${FIND_FORMAT} || exit 1\n${tops}\n)` },
    { tool: 'getent', script: `getent passwd | cut -d: -f1,3 || return 1\necho\ngetent group | cut -d: -f1,3` },
  ];
}

/** find over the paths xargs appends: they must come before the expression, so through sh -c. */
function findThroughXargs(): string {
  return `sh -c 'find "$@" -printf ${FIND_FORMAT.replace(/'/g, `'\\''`)}' find`;
}

function parseArchive([names, numbers, disk, ids]: SectionOutput[], param: ArchiveParam): ArchiveState {
  const missing = missingTool(disk, 'GNU findutils find is required') ?? missingTool(ids, 'getent is required');
  if (missing) throw missing;
  const noDest = disk.stdout.toString('utf8') === 'NODEST' && disk.code === 0;
  const state: ArchiveState = { destIsDir: !noDest, disk: noDest ? new Map() : parseFind(disk), ...parseIds(ids) };
  return param.remote ? { ...state, ...parseListingOutput(names, numbers) } : state;
}

function parseListingOutput(names: SectionOutput, numbers: SectionOutput): Pick<ArchiveState, 'format' | 'members' | 'srcMissing' | 'listError'> {
  const split = (output: SectionOutput) => {
    const text = output.stdout.toString('utf8');
    const newline = text.indexOf('\n');
    if (!text.startsWith('F') || newline < 0) throw new FactError('tar', `output does not parse (no format line): '${text.slice(0, 120)}'`);
    return { format: text.slice(1, newline), listing: text.slice(newline + 1) };
  };
  const byName = split(names);
  const byNumber = split(numbers);
  if (byName.format === '-') return { srcMissing: true };
  if (byName.format === '') return {};
  if (byName.format === 'zip') return { format: 'zip' };
  const format = byName.format as ArchiveFormat;
  // The archive is the module's to judge: an unreadable or broken one fails the unarchive task, not the probe.
  for (const output of [names, numbers]) {
    if (output.code === 127) return { format, listError: `${excerpt(output)} (GNU tar is required)` };
    if (output.code !== 0) return { format, listError: excerpt(output) + (/unrecognized option|invalid option/.test(output.stderr.toString()) ? ' — GNU tar is required' : '') };
  }
  return { format, members: mergeListings(byName.listing, byNumber.listing) };
}

/** The two listings (names, numbers) of the same archive, as members. */
export function mergeListings(byName: string, byNumber: string): ArchiveMember[] {
  const named = parseTarListing(byName);
  const numbered = parseTarListing(byNumber);
  if (named.length !== numbered.length) throw new FactError('tar', 'the two listings of the archive differ in length');
  return named.map((member, i) => {
    const numeric = numbered[i];
    const uid = Number(numeric.uname);
    const gid = Number(numeric.gname);
    if (numeric.name !== member.name || !Number.isInteger(uid) || !Number.isInteger(gid)) throw new FactError('tar', `the two listings of the archive differ at ${JSON.stringify(member.name)}`);
    return { ...member, uid, gid };
  });
}

const LISTING_LINE = /^([-dlhcbpCSMVND])([-rwxsStT]{9}) (\S+?)\/(\S+) +(\d+|\d+,\s*\d+) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))? ("(?:[^"\\]|\\.)*")(\/?)(?: -> ("(?:[^"\\]|\\.)*")| link to ("(?:[^"\\]|\\.)*"))?$/;

/** `tar --list --verbose --full-time --utc --quoting-style=c` output, one member per line. */
export function parseTarListing(text: string): ArchiveMember[] {
  const members: ArchiveMember[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = LISTING_LINE.exec(line);
    if (!match) throw new FactError('tar', `listing does not parse — GNU tar is required: ${JSON.stringify(line.slice(0, 160))}`);
    const [, typeChar, perms, uname, gname, size, time, fraction, quoted, slash, symlink, hardlink] = match;
    const name = unquoteC(quoted) + slash;
    const seconds = Date.parse(`${time.replace(' ', 'T')}Z`) / 1000;
    members.push({
      name: name.replace(/^\/+/, ''),
      type: typeChar === 'd' || name.endsWith('/') ? 'directory' : typeChar === 'l' ? 'link' : typeChar === 'h' ? 'hardlink' : '-CS'.includes(typeChar) ? 'file' : 'other',
      mode: modeFromString(perms),
      uname,
      gname,
      uid: -1,
      gid: -1,
      size: /^\d+$/.test(size) ? Number(size) : 0,
      mtime: fraction === undefined ? { seconds } : { seconds, nanos: Number(fraction.padEnd(9, '0').slice(0, 9)) },
      linkTarget: symlink !== undefined ? unquoteC(symlink) : hardlink !== undefined ? unquoteC(hardlink) : undefined,
    });
  }
  return members;
}

/** 'rwsr-x--T' → 0o4750 | sticky. */
export function modeFromString(perms: string): number {
  let mode = 0;
  for (let i = 0; i < 9; i++) if (perms[i] !== '-' && perms[i] !== 'S' && perms[i] !== 'T') mode |= 1 << (8 - i);
  if ('sS'.includes(perms[2])) mode |= 0o4000;
  if ('sS'.includes(perms[5])) mode |= 0o2000;
  if ('tT'.includes(perms[8])) mode |= 0o1000;
  return mode;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, '?': 63 };

/** A C-quoted string as tar prints it ("a\\nb", octal escapes for other bytes) → its text. */
export function unquoteC(quoted: string): string {
  const bytes: number[] = [];
  const body = quoted.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** find's records: relative paths normalised, dest itself as ''. */
export function parseFind(output: SectionOutput): Map<string, DiskEntry> {
  const lines = stderrLines(output);
  const unexplained = lines.filter((line) => !FIND_ABSENT.test(line));
  if (unexplained.length > 0 || (output.code !== 0 && lines.length === 0)) throw new FactError('find', excerpt({ ...output, stderr: Buffer.from(unexplained.join('\n') || output.stderr) }));
  const fields = output.stdout.toString('utf8').split('\0');
  if (fields.pop() !== '' || fields.length % FIND_FIELDS !== 0) throw new FactError('find', `output does not parse (truncated) — GNU findutils find is required: '${output.stdout.subarray(0, 120).toString('utf8').replace(/\0/g, '␀')}'`);
  const entries = new Map<string, DiskEntry>();
  for (let i = 0; i < fields.length; i += FIND_FIELDS) {
    const [type, mode, owner, group, uid, gid, size, mtime, link, path] = fields.slice(i, i + FIND_FIELDS);
    const time = /^(\d+)(?:\.(\d+))?$/.exec(mtime);
    if (!/^[a-zA-Z]$/.test(type) || !/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !/^\d+$/.test(size) || !time || !(path === '.' || path.startsWith('./'))) {
      throw new FactError('find', `output does not parse at ${JSON.stringify(path)} — GNU findutils find is required`);
    }
    entries.set(normaliseName(path), {
      type: TYPES[type] ?? 'other',
      mode: parseInt(mode, 8),
      owner,
      group,
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      mtime: { seconds: Number(time[1]), nanos: Number((time[2] ?? '').padEnd(9, '0').slice(0, 9)) },
      ...(type === 'l' ? { linkTarget: link } : {}),
    });
  }
  return entries;
}

function parseIds(output: SectionOutput): { users: Map<string, number>; groups: Map<string, number> } {
  if (output.code !== 0) throw new FactError('getent', excerpt(output));
  const [passwd, group] = output.stdout.toString('utf8').split('\n\n');
  const table = (text: string | undefined) => {
    const map = new Map<string, number>();
    for (const line of (text ?? '').split('\n')) {
      const colon = line.lastIndexOf(':');
      if (colon > 0 && /^\d+$/.test(line.slice(colon + 1))) map.set(line.slice(0, colon), Number(line.slice(colon + 1)));
    }
    return map;
  };
  if (group === undefined) throw new FactError('getent', 'output does not parse (no group table)');
  return { users: table(passwd), groups: table(group) };
}
