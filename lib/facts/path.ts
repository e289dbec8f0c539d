import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest, type SectionOutput } from './kind.js';

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
 * A path's type, mode, owner, group, size, link target, and the sha256 of a regular file.
 * Default: `{ exists: false }`, only for paths stat itself reports as missing. GNU coreutils
 * (`stat --printf`, `sha256sum -z`) is required; any other answer is refused (see README).
 */
export const pathKind: FactKind<string, PathState> = {
  name: 'path',
  key: (path) => path,
  sections: (paths) => [
    {
      tool: 'stat',
      // Records are NUL-separated so any path survives the trip. %N is the name, and for a link
      // `name -> target`: under QUOTING_STYLE=literal both as they are, so the target is what
      // follows the name we asked for (no readlink per link; coreutils 8.26 or later).
      script: [setPaths(paths), `QUOTING_STYLE=literal stat --printf 'S\\0%n\\0%F\\0%a\\0%U\\0%G\\0%s\\0%N\\0' -- "$@"`].join('\n'),
    },
    {
      tool: 'sha256sum',
      // The regular files (not links) chosen by the shell's own tests into its argument list: one process.
      script: [setPaths(paths), 'for p do shift; [ -f "$p" ] && [ ! -L "$p" ] && set -- "$@" "$p"; done', '[ $# -eq 0 ] || sha256sum -z -- "$@"'].join('\n'),
    },
  ],
  parse([stat, hashes], paths) {
    const states = parseStat(stat, paths);
    for (const [path, sha256] of parseHashes(hashes, states)) states.get(path)!.sha256 = sha256;
    return paths.map((path) => states.get(path)!);
  },
};

export function pathFact(path: string): FactRequest<PathState> {
  return { kind: pathKind, param: path };
}

function parseStat(output: SectionOutput, paths: string[]): Map<string, PathState> {
  const gnuRequired = ' — GNU coreutils stat is required';
  const missing = missingTool(output, 'GNU coreutils stat is required');
  if (missing) throw missing;
  const wanted = new Set(paths);
  const states = new Map<string, PathState>();
  // Anything on stderr but "not there" is an error, whatever the records say (a link stat could
  // not read ends its record early): the tool's own words first.
  const lines = stderrLines(output);
  const unexplained = lines.filter((line) => !ABSENT.test(line));
  if (unexplained.length > 0) {
    const refusedOption = unexplained.some((line) => /unrecognized option|invalid option|unknown option|illegal option/.test(line));
    throw new FactError('stat', `${unexplained.slice(0, 2).join(' / ').replace(/^stat: /, '')}${refusedOption ? gnuRequired : ''}`);
  }
  const fields = output.stdout.toString('utf8').split('\0');
  const garbled = (what: string) => new FactError('stat', `output does not parse (${what})${gnuRequired}: '${output.stdout.subarray(0, 120).toString('utf8').replace(/\0/g, '␀')}'`);
  let i = 0;
  for (; i < fields.length - 1; ) {
    const tag = fields[i];
    if (tag !== 'S') throw garbled(`unexpected '${tag.slice(0, 40)}'`);
    const [path, type, mode, owner, group, size, quoted] = fields.slice(i + 1, i + 8);
    if (i + 8 > fields.length - 1 || !wanted.has(path) || !/^[0-7]{1,4}$/.test(mode) || !/^\d+$/.test(size) || !owner || !group) throw garbled(`record for ${JSON.stringify(path)}`);
    const state: PathState = { path, exists: true, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
    // %N: the name as asked, then ' -> target' for a link; anything else is a stat quoting names.
    const arrow = `${path} -> `;
    if (state.type === 'link' ? !quoted.startsWith(arrow) : quoted !== path) throw garbled(`%N of ${JSON.stringify(path)} is ${JSON.stringify(quoted.slice(0, 80))}: QUOTING_STYLE=literal not honoured (coreutils 8.26 or later)`);
    if (state.type === 'link') state.linkTarget = quoted.slice(arrow.length);
    states.set(path, state);
    i += 8;
  }
  if (fields[fields.length - 1] !== '') throw garbled('truncated');
  // Paths not reported must be ones stat says are not there, one message each: anything else
  // (a parent directory we may not search, an option it does not know) is not "absent".
  const absent = paths.filter((path) => !states.has(path));
  if (lines.length !== absent.length || (output.code !== 0 && absent.length === 0)) throw new FactError('stat', excerpt(output));
  for (const path of absent) states.set(path, { path, exists: false });
  return states;
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
