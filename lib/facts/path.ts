import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest, type SectionOutput, type SectionScript } from './kind.js';

export type FileType = 'file' | 'directory' | 'link' | 'other';

/** What a host's filesystem says about one path (a fact), or what a task predicts it will say. */
export interface PathState {
  path: string;
  exists: boolean;
  type?: FileType;
  mode?: string; // four octal digits, '0644'
  owner?: string;
  group?: string;
  size?: number;
  sha256?: string; // regular files the probing user may read
  linkTarget?: string; // links only
  /** Modification time in seconds, only in a prediction that knows it (a file unpacked from an archive). */
  mtime?: number;
}

const TYPES: Record<string, FileType> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'link',
};

/** What stat and sha256sum say when the path is simply not there (C locale). */
const ABSENT = /^stat: cannot stat(?:x)? .*: (?:No such file or directory|Not a directory)$/;
const UNREADABLE = /^sha256sum: .*: Permission denied$/;

function setPaths(paths: string[]): string {
  return `set -- ${paths.map(shellQuote).join(' ')}`;
}

/**
 * What stat prints per path. Records are NUL-separated so any path survives the trip. %N is the
 * name, and for a link `name -> target`: under QUOTING_STYLE=literal both as they are, so the
 * target is what follows the name we asked for (no readlink per link; coreutils 8.26 or later).
 * Then the file's identity (device, inode, modification and change times to the nanosecond, as
 * %y and %z print them in every coreutils) and its change time in seconds.
 */
const STAT_FORMAT = 'S\\0%n\\0%F\\0%a\\0%U\\0%G\\0%s\\0%N\\0%d:%i:%y:%z\\0%Z\\0';
const FIELDS = 10;
/**
 * stat'ed last, after the paths: the stat process's own /proc directory, made when it is first
 * looked up, so its change time is the host's clock now (no `date` process for it).
 */
const CLOCK = '/proc/self/';

function statSection(paths: string[]): SectionScript {
  return { tool: 'stat', script: [setPaths(paths), `QUOTING_STYLE=literal stat --printf '${STAT_FORMAT}' -- "$@" ${CLOCK}`].join('\n') };
}

function hashSection(paths: string[]): SectionScript {
  // The regular files (not links) chosen by the shell's own tests into its argument list: one process.
  return { tool: 'sha256sum', script: [setPaths(paths), 'for p do shift; [ -f "$p" ] && [ ! -L "$p" ] && set -- "$@" "$p"; done', '[ $# -eq 0 ] || sha256sum -z -- "$@"'].join('\n') };
}

/**
 * A path's state as observed, with what tells whether a regular file changed since (FileRecord):
 * `identity` (device, inode, size, modification and change times) and `settled`, true when its last
 * change is at least SETTLED_SECONDS older than the host's clock at the probe. A write in the same
 * clock tick as the last change could leave the identity as it was (git's "racy" entries): only a
 * settled file's identity vouches for its content.
 */
export interface ObservedPath {
  state: PathState;
  identity?: string;
  settled: boolean;
}
export const SETTLED_SECONDS = 2;

/**
 * A path's type, mode, owner, group, size, link target, and the sha256 of a regular file.
 * Default: `{ exists: false }`, only for paths stat itself reports as missing. GNU coreutils
 * (`stat --printf`, `sha256sum -z`) is required; any other answer is refused (see README).
 */
export const pathKind: FactKind<string, PathState> = {
  name: 'path',
  key: (path) => path,
  sections: (paths) => [statSection(paths), hashSection(paths)],
  parse: ([stat, hashes], paths) => observe(stat, hashes, paths).map((observed) => observed.state),
};

export function pathFact(path: string): FactRequest<PathState> {
  return { kind: pathKind, param: path };
}

/**
 * pathKind's question, answered with each regular file's identity too (for the engine's file
 * records), and hashed only where `hash` (a file whose content a record vouches for while its
 * identity holds is stat'ed alone). One stat over every path either way.
 */
export interface ObservedPathParam {
  path: string;
  hash: boolean;
}
export const observedPathKind: FactKind<ObservedPathParam, ObservedPath> = {
  name: 'path+identity',
  key: ({ path, hash }) => (hash ? `#${path}` : path),
  sections: (params) => {
    const hashed = params.filter((p) => p.hash).map((p) => p.path);
    return [statSection(params.map((p) => p.path)), ...(hashed.length > 0 ? [hashSection(hashed)] : [])];
  },
  parse: ([stat, hashes], params) => observe(stat, hashes, params.map((p) => p.path), new Set(params.filter((p) => p.hash).map((p) => p.path))),
};

/** `hashed`: the paths the hash section was given (default: all). */
function observe(stat: SectionOutput, hashes: SectionOutput | undefined, paths: string[], hashed?: Set<string>): ObservedPath[] {
  const { states, identities, now } = parseStat(stat, paths);
  if (hashes) {
    const given = hashed ? new Map([...states].filter(([path]) => hashed.has(path))) : states;
    for (const [path, sha256] of parseHashes(hashes, given)) states.get(path)!.sha256 = sha256;
  }
  return paths.map((path) => {
    const state = states.get(path)!;
    const identity = identities.get(path);
    return { state, identity: identity?.id, settled: identity !== undefined && now !== undefined && identity.changed <= now - SETTLED_SECONDS };
  });
}

function parseStat(output: SectionOutput, paths: string[]): { states: Map<string, PathState>; identities: Map<string, { id: string; changed: number }>; now?: number } {
  const gnuRequired = ' — GNU coreutils stat is required';
  const missing = missingTool(output, 'GNU coreutils stat is required');
  if (missing) throw missing;
  const wanted = new Set(paths);
  const states = new Map<string, PathState>();
  const identities = new Map<string, { id: string; changed: number }>();
  // Anything on stderr but "not there" is an error, whatever the records say (a link stat could
  // not read ends its record early): the tool's own words first. A host without /proc has no
  // clock record: its files are never settled.
  const lines = stderrLines(output).filter((line) => !line.includes(`'${CLOCK}'`) && !line.includes(` ${CLOCK}:`));
  const unexplained = lines.filter((line) => !ABSENT.test(line));
  if (unexplained.length > 0) {
    const refusedOption = unexplained.some((line) => /unrecognized option|invalid option|unknown option|illegal option/.test(line));
    throw new FactError('stat', `${unexplained.slice(0, 2).join(' / ').replace(/^stat: /, '')}${refusedOption ? gnuRequired : ''}`);
  }
  const fields = output.stdout.toString('utf8').split('\0');
  const garbled = (what: string) => new FactError('stat', `output does not parse (${what})${gnuRequired}: '${output.stdout.subarray(0, 120).toString('utf8').replace(/\0/g, '␀')}'`);
  if (fields[fields.length - 1] !== '') throw garbled('truncated');
  let now: number | undefined;
  // The clock's record is the last, and only when stat could read it.
  const last = fields.length - 1 - FIELDS;
  if (last >= 0 && fields[last] === 'S' && fields[last + 1] === CLOCK) {
    if (!/^\d+$/.test(fields[last + 9])) throw garbled('the clock record');
    now = Number(fields[last + 9]);
    fields.splice(last, FIELDS);
  }
  let i = 0;
  for (; i < fields.length - 1; ) {
    const tag = fields[i];
    if (tag !== 'S') throw garbled(`unexpected '${tag.slice(0, 40)}'`);
    const [path, type, mode, owner, group, size, quoted, id, changed] = fields.slice(i + 1, i + FIELDS);
    if (i + FIELDS > fields.length - 1 || !wanted.has(path) || !/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(size) || !owner || !group || !/^\d+$/.test(changed) || !id) throw garbled(`record for ${JSON.stringify(path)}`);
    const state: PathState = { path, exists: true, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
    // %N: the name as asked, then ' -> target' for a link; anything else is a stat quoting names.
    const arrow = `${path} -> `;
    if (state.type === 'link' ? !quoted.startsWith(arrow) : quoted !== path) throw garbled(`%N of ${JSON.stringify(path)} is ${JSON.stringify(quoted.slice(0, 80))}: QUOTING_STYLE=literal not honoured (coreutils 8.26 or later)`);
    if (state.type === 'link') state.linkTarget = quoted.slice(arrow.length);
    if (state.type === 'file') identities.set(path, { id: `${id}:${size}`, changed: Number(changed) });
    states.set(path, state);
    i += FIELDS;
  }
  // Paths not reported must be ones stat says are not there, one message each: anything else
  // (a parent directory we may not search, an option it does not know) is not "absent".
  const absent = paths.filter((path) => !states.has(path));
  if (lines.length !== absent.length || (output.code !== 0 && absent.length === 0 && now !== undefined)) throw new FactError('stat', excerpt(output));
  for (const path of absent) states.set(path, { path, exists: false });
  return { states, identities, now };
}

function parseHashes(output: SectionOutput, states: Map<string, PathState>): Map<string, string> {
  const missing = missingTool(output, 'GNU coreutils sha256sum is required');
  if (missing) throw missing;
  const hashes = new Map<string, string>();
  const records = output.stdout.toString('utf8').split('\0');
  if (records.pop() !== '') throw new FactError('sha256sum', `output does not parse (truncated): '${output.stdout.subarray(0, 120).toString('utf8')}'`);
  for (const record of records) {
    const match = /^([0-9a-f]{64}) [ *](.*)$/s.exec(record);
    const state = match ? states.get(match[2]) : undefined;
    if (!match || !state || state.type !== 'file') throw new FactError('sha256sum', `output does not parse: '${record.slice(0, 120)}' — GNU coreutils sha256sum is required`);
    hashes.set(match[2], match[1]);
  }
  // A file the probing user may not read has no checksum; any other failure is an error.
  const lines = stderrLines(output);
  const unexplained = lines.filter((line) => !UNREADABLE.test(line));
  if (unexplained.length > 0 || (output.code !== 0 && lines.length === 0)) throw new FactError('sha256sum', excerpt({ ...output, stderr: Buffer.from(unexplained.join('\n')) }));
  const unhashed = [...states.values()].filter((s) => s.type === 'file' && !hashes.has(s.path));
  if (unhashed.length > lines.length) throw new FactError('sha256sum', `no checksum for ${unhashed[0].path}`);
  return hashes;
}
