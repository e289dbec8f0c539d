import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ContentSource } from '../transport/types.js';
import { readMaybeVaultFile } from '../vault/secrets.js';
import { isVaultText } from '../vault/envelope.js';
import { resolveSourceFile } from '../playbook/files.js';
import { pathFact } from '../facts/index.js';
import { applyRegularFile, writeFacts, planRegularFile, type FilePlan, fileMetadataArgs, validateArgError, writeSafetyArgs } from './file-state.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface CopyArgs {
  dest: string;
  content?: string;
  src?: string;
  mode?: string;
  owner?: string;
  group?: string;
  remote_src: boolean;
  force: boolean;
  backup: boolean;
  validate?: string;
}

export const copy: ModuleDefinition<CopyArgs, FilePlan> = {
  name: 'copy',
  description: 'A file with the given content (inline, from files/, or a file already on the host with remote_src), owner and mode.',
  example: `- name: Greeting file
  copy:
    dest: /etc/motd
    content: "Welcome to {{ inventory_hostname }}\\n"
    owner: root
    group: root
    mode: '0644'
`,
  args: {
    dest: { type: 'path', absolute: true, required: true },
    content: { type: 'str', noLog: false },
    src: { type: 'path' },
    ...fileMetadataArgs(),
    remote_src: { type: 'bool', default: false, description: 'src is a file on the host, not on the controller' },
    force: { type: 'bool', default: true, aliases: ['thirsty'], description: 'false: write only when dest does not exist yet (an existing file is left as it is, metadata too)' },
    ...writeSafetyArgs(),
  },
  validate: (args) =>
    args.content === undefined && args.src === undefined
      ? "copy needs 'content' or 'src'"
      : args.content !== undefined && args.src !== undefined
        ? "copy takes 'content' or 'src', not both"
        : args.remote_src === true && args.content !== undefined
          ? 'remote_src needs src, a file on the host'
          : validateArgError(args.validate),
  prefetch: (args) => [...writeFacts(args.dest, args), ...(args.remote_src && args.src ? [pathFact(args.src)] : [])],
  preflight(args, ctx) {
    if (args.content === undefined && !args.remote_src) sourceFile(args, ctx.baseDir);
  },
  async check(args, ctx) {
    if (!args.force) {
      const existing = await ctx.facts.path(args.dest);
      if (existing.exists) return { changed: false, result: { msg: 'file already exists', dest: args.dest, changed: false } };
    }
    const safety = { backup: args.backup, validate: args.validate };
    if (args.remote_src) {
      const hostSource = await hostSourceFile(args.src!, ctx);
      return planRegularFile({ path: args.dest, hostSource, mode: args.mode, owner: args.owner, group: args.group, ...safety }, ctx);
    }
    const source = await sourceContent(args, ctx.baseDir);
    const given = 'stream' in source ? { source: source.stream } : { content: source.data };
    // A vault-encrypted src is decrypted in memory (Ansible's decrypt: yes) and stays a secret.
    return planRegularFile({ path: args.dest, ...given, mode: args.mode, owner: args.owner, group: args.group, ...safety }, 'vaulted' in source && source.vaulted ? { ...ctx, noLog: true } : ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

/**
 * The remote_src file as the probe saw it: a regular file (a link is followed to it) the
 * probing user may read. Directories are not supported yet (Ansible copies them recursively).
 */
async function hostSourceFile(src: string, ctx: ModuleContext): Promise<{ path: string; size: number; sha256: string }> {
  if (!src.startsWith('/')) throw new Error(`remote_src needs an absolute src path on the host, got '${src}'`);
  const state = await ctx.facts.path(src);
  if (!state.exists) throw new Error(`Source ${src} not found`);
  if (state.type === 'link') throw new Error(`Source ${src} is a symbolic link: give the path of the file itself (following links with remote_src is not supported yet)`);
  if (state.type === 'directory') throw new Error(`Source ${src} is a directory: copying directories with remote_src is not supported yet`);
  if (state.type !== 'file') throw new Error(`Source ${src} is not a regular file`);
  if (state.sha256 === undefined || state.size === undefined) throw new Error(`Source ${src} not readable as ${ctx.user}`);
  return { path: src, size: state.size, sha256: state.sha256 };
}

/** Files up to this size are read into memory (diffs can show them); bigger ones are streamed. */
export const STREAM_THRESHOLD = 1024 * 1024;

async function sourceContent(args: CopyArgs, baseDir: string): Promise<{ data: Buffer; vaulted: boolean } | { stream: ContentSource }> {
  if (args.content !== undefined) return { data: Buffer.from(args.content), vaulted: false };
  const file = sourceFile(args, baseDir);
  // A vault file is decrypted whole, in memory; any other big file is streamed.
  if (statSync(file).size <= STREAM_THRESHOLD || isVaultText(head(file))) return readMaybeVaultFile(file);
  return { stream: await streamedFile(file) };
}

function head(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64);
    return buffer.subarray(0, readSync(fd, buffer, 0, 64, 0));
  } finally {
    closeSync(fd);
  }
}

function sourceFile(args: CopyArgs, baseDir: string): string {
  const file = resolveSourceFile(baseDir, 'copy', args.src!);
  if (!file) throw new Error(`src file '${args.src}' not found in ${baseDir}/files or ${baseDir}`);
  return file;
}

/**
 * A big local file as a stream source: its checksum is computed once, streaming, and shared
 * by every host of the run (keyed by path, size and mtime); each host streams it again.
 */
const streamedFiles = new Map<string, Promise<ContentSource>>();
export function streamedFile(file: string): Promise<ContentSource> {
  const { size, mtimeMs } = statSync(file);
  const key = `${file}\0${size}\0${mtimeMs}`;
  let source = streamedFiles.get(key);
  if (!source) {
    source = new Promise<ContentSource>((resolve, reject) => {
      const hash = createHash('sha256');
      let seen = 0;
      createReadStream(file)
        .on('data', (chunk) => {
          hash.update(chunk);
          seen += chunk.length;
        })
        .on('error', reject)
        .on('end', () => resolve({ size: seen, sha256: hash.digest('hex'), open: () => createReadStream(file) }));
    });
    streamedFiles.set(key, source);
  }
  return source;
}
