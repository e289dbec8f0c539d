import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest, type SectionOutput } from './kind.js';

/** What the stat module asks: a path, whether to follow a link, and the checksum to compute. */
export interface StatParam {
  path: string;
  follow: boolean;
  /** md5, sha1, sha224, sha256, sha384, sha512; undefined: no checksum. */
  checksum?: string;
}

/** Ansible's stat result for the fields runbook reports (see lib/modules/stat.ts). */
export type StatValue = Record<string, unknown> & { exists: boolean };

const ABSENT = /^stat: cannot stat(?:x)? .*: (?:No such file or directory|Not a directory)$/;
const FIELDS = ['rawmode', 'uid', 'gid', 'pw_name', 'gr_name', 'size', 'inode', 'dev', 'nlink', 'atime', 'mtime', 'ctime', 'blocks', 'block_size', 'major', 'minor'] as const;

/**
 * The full stat of one path as Ansible's stat module reports it: GNU `stat` for the inode, the
 * access the probing user has (`test -r/-w/-x`), readlink/realpath for links, and a checksum of
 * a regular file read from stdin (so no file name needs escaping). Default: `{ exists: false }`,
 * only when stat itself says the path is not there. A task that writes the path drops the
 * cached answer (it is probed again when asked).
 */
export const statKind: FactKind<StatParam, StatValue> = {
  name: 'stat',
  key: (param) => JSON.stringify([param.path, param.follow, param.checksum ?? '']),
  sections: (params) =>
    params.map(({ path, follow, checksum }) => {
      const p = shellQuote(path);
      const lines = [
        `stat ${follow ? '-L ' : ''}--printf '%f\\0%u\\0%g\\0%U\\0%G\\0%s\\0%i\\0%d\\0%h\\0%.9X\\0%.9Y\\0%.9Z\\0%b\\0%o\\0%t\\0%T\\0' -- ${p} || return`,
        `a=; [ -r ${p} ] && a=r; [ -w ${p} ] && a=\${a}w; [ -x ${p} ] && a=\${a}x; printf '%s\\0' "$a"`,
        `if [ -L ${p} ]; then t=$(readlink -- ${p}) || return 1; printf '%s\\0%s\\0' "$t" "$(realpath -- ${p} 2>/dev/null)"; else printf '\\0\\0'; fi`,
      ];
      if (checksum) {
        const test = follow ? `[ -f ${p} ]` : `[ -f ${p} ] && [ ! -L ${p} ]`;
        lines.push(`if ${test} && [ -r ${p} ]; then s=$(${checksum}sum < ${p}) || return 1; printf '%s\\0' "\${s%% *}"; else printf '\\0'; fi`);
      }
      return { tool: 'stat', script: lines.join('\n') };
    }),
  parse: (outputs, params) => params.map((param, i) => parseOne(outputs[i], param)),
  // A task wrote this path: forget the answer, so the next check sees the host again.
  forgetOnPathChanged: (param, path) => param.path === path,
};

export function statFact(param: StatParam): FactRequest<StatValue> {
  return { kind: statKind, param };
}

function parseOne(output: SectionOutput, param: StatParam): StatValue {
  const missing = missingTool(output, 'GNU coreutils stat is required');
  if (missing) throw missing;
  if (output.code !== 0) {
    const lines = stderrLines(output);
    if (lines.length === 1 && ABSENT.test(lines[0]) && output.stdout.length === 0) return { exists: false };
    throw new FactError('stat', `${param.path}: ${excerpt(output)}`);
  }
  const fields = output.stdout.toString('utf8').split('\0');
  const expected = FIELDS.length + 3 + (param.checksum ? 1 : 0) + 1;
  if (fields.length !== expected || fields[fields.length - 1] !== '' || !/^[0-9a-f]+$/.test(fields[0])) {
    throw new FactError('stat', `output for ${param.path} does not parse — GNU coreutils stat is required: '${output.stdout.subarray(0, 120).toString('utf8').replace(/\0/g, '␀')}'`);
  }
  const raw = Object.fromEntries(FIELDS.map((name, i) => [name, fields[i]])) as Record<(typeof FIELDS)[number], string>;
  const [access, linkTarget, linkSource] = fields.slice(FIELDS.length, FIELDS.length + 3);
  const checksum = param.checksum ? fields[FIELDS.length + 3] : '';
  const mode = parseInt(raw.rawmode, 16);
  const type = mode & 0o170000;
  const perm = mode & 0o7777;
  const bit = (b: number) => (perm & b) !== 0;
  const value: StatValue = {
    exists: true,
    path: param.path,
    mode: perm.toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: type === 0o120000,
    issock: type === 0o140000,
    uid: Number(raw.uid),
    gid: Number(raw.gid),
    size: Number(raw.size),
    inode: Number(raw.inode),
    dev: Number(raw.dev),
    nlink: Number(raw.nlink),
    atime: Number(raw.atime),
    mtime: Number(raw.mtime),
    ctime: Number(raw.ctime),
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: Number(raw.blocks),
    block_size: Number(raw.block_size),
    device_type: parseInt(raw.major, 16) * 256 + parseInt(raw.minor, 16),
    readable: access.includes('r'),
    writeable: access.includes('w'),
    executable: access.includes('x'),
  };
  if (raw.pw_name !== 'UNKNOWN') value.pw_name = raw.pw_name;
  if (raw.gr_name !== 'UNKNOWN') value.gr_name = raw.gr_name;
  if (value.islnk) {
    value.lnk_target = linkTarget;
    value.lnk_source = linkSource;
  }
  if (checksum) {
    if (!/^[0-9a-f]{32,128}$/.test(checksum)) throw new FactError(`${param.checksum}sum`, `output for ${param.path} does not parse: '${checksum.slice(0, 80)}'`);
    value.checksum = checksum;
  }
  return value;
}
