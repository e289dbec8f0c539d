import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { statFact, type StatValue } from '../facts/index.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface FetchArgs {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

interface FetchPlan {
  dest: string;
  remoteChecksum: string;
  /** The source denies others read: a secret. */
  secret: boolean;
  sourceMode?: string;
}

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/**
 * Where the file lands on the controller, as Ansible's fetch action: `dest/<inventory_hostname>/<src>`,
 * or with `flat` `dest` itself (`dest/` + the source's base name when dest ends with a slash);
 * a relative dest is relative to the playbook's folder.
 */
export function fetchDestination(args: Pick<FetchArgs, 'src' | 'dest' | 'flat'>, host: string, baseDir: string): string {
  const dwim = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  if (args.flat) {
    let dest = args.dest;
    if (dest.endsWith(sep)) dest = join(dest, basename(args.src));
    else if (existsSync(dwim(dest)) && statSync(dwim(dest)).isDirectory()) {
      throw new Error('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
    }
    return normalize(dwim(dest));
  }
  return normalize(`${dwim(args.dest)}/${host}/${args.src}`);
}

function localFile(path: string): Buffer | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written as runbook writes hosts' files: a temp file in the same folder, created 0600 (never
 * readable by others, not even for a moment), synced, given its mode, renamed over the target.
 */
export function writeAtomically(path: string, data: Buffer, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.runbook.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The mode Ansible's fetch leaves (sftp creates the local file with the source's mode plus u+w,
 * under the controller's umask); a secret is 0600 whatever its mode and the umask.
 */
export function controllerMode(sourceMode: string | undefined, secret: boolean): number {
  if (secret) return 0o600;
  const mode = sourceMode !== undefined ? parseInt(sourceMode, 8) & 0o777 : 0o644;
  return (mode | 0o200) & ~process.umask();
}

/**
 * The source as the host has it, or in a dry-run as an earlier task would leave it (the stat fact
 * is forgotten when a task writes the path; the path fact and its predicted bytes are not).
 */
async function remoteState(src: string, ctx: ModuleContext): Promise<StatValue> {
  if (ctx.dryRun && ctx.changedPaths().includes(src)) {
    const state = await ctx.facts.path(src);
    if (!state.exists) return { exists: false };
    const content = state.type === 'file' ? await ctx.facts.content(src) : undefined;
    // Bytes not known (a streamed copy): a checksum no local file has, so it is fetched.
    return { exists: true, isdir: state.type === 'directory', mode: state.mode, checksum: content ? sha1(content) : `predicted:${state.sha256 ?? ''}` };
  }
  return ctx.facts.get(statFact({ path: src, follow: true, checksum: 'sha1' }));
}

/**
 * fetch, as Ansible's action: a file from the host to the controller, compared by sha1 first,
 * read over the connection, checked against the host's checksum, written atomically. A source
 * that others may not read is a secret: it lands 0600 on the controller whatever the umask, its
 * bytes are never shown (no diff content, checksums only), as every secret runbook handles.
 * Unlike Ansible's check mode (which skips fetch), a dry-run says whether the file would be fetched.
 */
export const fetch: ModuleDefinition<FetchArgs, FetchPlan> = {
  name: 'fetch',
  description: "A file from the host to the controller (dest/<inventory_hostname>/<src>, or flat), written atomically; secrets land 0600.",
  example: `- name: Bring back the host's CA certificate
  fetch:
    src: /etc/kubernetes/pki/ca.crt
    dest: fetched/
`,
  args: {
    src: { type: 'str', required: true },
    dest: { type: 'str', required: true },
    flat: { type: 'bool', default: false },
    fail_on_missing: { type: 'bool', default: true, aliases: ['fail_when_missing'] },
    validate_checksum: { type: 'bool', default: true, aliases: ['validate_md5'] },
  },
  prefetch: (args) => (typeof args.src === 'string' ? [statFact({ path: args.src, follow: true, checksum: 'sha1' })] : []),
  async check(args, ctx) {
    const remote = await remoteState(args.src, ctx);
    const fail = (msg: string, extra: Record<string, unknown> = {}) =>
      args.fail_on_missing
        ? { changed: false, failed: true, message: msg, result: { msg, file: args.src, ...extra } }
        : { changed: false, message: `${msg}, not transferring, ignored`, result: { msg: `${msg}, not transferring, ignored`, file: args.src, ...extra } };
    if (!remote.exists) {
      // Ansible's wording for a missing source, failed or not.
      const msg = 'the remote file does not exist, not transferring, ignored';
      return args.fail_on_missing ? { changed: false, failed: true, message: msg, result: { msg, file: args.src } } : { changed: false, message: msg, result: { msg, file: args.src } };
    }
    if (remote.isdir) return fail('remote file is a directory, fetch cannot work on directories');
    if (typeof remote.checksum !== 'string' || remote.checksum === '') return fail(`file is not readable: ${args.src}`);
    const dest = fetchDestination(args, ctx.host, ctx.baseDir);
    const secret = ctx.noLog || (typeof remote.mode === 'string' && (parseInt(remote.mode, 8) & 0o004) === 0);
    const local = localFile(dest);
    const localSum = local ? sha1(local) : undefined;
    const data: FetchPlan = { dest, remoteChecksum: remote.checksum, secret, sourceMode: typeof remote.mode === 'string' ? remote.mode : undefined };
    if (localSum === remote.checksum) {
      return { changed: false, result: { changed: false, md5sum: local ? md5(local) : null, file: args.src, dest, checksum: localSum }, data };
    }
    return {
      changed: true,
      message: `${local ? 'update' : 'fetch to'} ${dest}${secret ? ' (a secret: mode 0600)' : ''}`,
      result: { dest, checksum: remote.checksum, remote_checksum: remote.checksum, remote_md5sum: null },
      data,
    };
  },
  async apply(args, check, ctx) {
    const { dest, remoteChecksum, secret, sourceMode } = check.data!;
    const bytes = await ctx.transport.readFile(args.src, ctx.privilege);
    const checksum = sha1(bytes);
    if (args.validate_checksum && checksum !== remoteChecksum) {
      return { changed: false, failed: true, message: 'checksum mismatch', result: { msg: 'checksum mismatch', file: args.src, dest, checksum, remote_checksum: remoteChecksum, remote_md5sum: null } };
    }
    writeAtomically(dest, bytes, controllerMode(sourceMode, secret));
    return { changed: true, result: { dest, md5sum: md5(bytes), checksum, remote_checksum: remoteChecksum, remote_md5sum: null } };
  },
};
