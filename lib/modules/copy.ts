import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ContentSource } from '../transport/types.js';
import { readMaybeVaultFile } from '../vault/secrets.js';
import { isVaultText } from '../vault/envelope.js';
import { resolveSourceFile } from '../playbook/files.js';
import { applyRegularFile, writeFacts, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
import type { ModuleDefinition } from './types.js';

interface CopyArgs {
  dest: string;
  content?: string;
  src?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

export const copy: ModuleDefinition<CopyArgs, FilePlan> = {
  name: 'copy',
  description: 'A file with the given content (inline or from files/), owner and mode.',
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
  },
  validate: (args) =>
    args.content === undefined && args.src === undefined
      ? "copy needs 'content' or 'src'"
      : args.content !== undefined && args.src !== undefined
        ? "copy takes 'content' or 'src', not both"
        : undefined,
  prefetch: (args) => writeFacts(args.dest, args),
  preflight(args, ctx) {
    if (args.content === undefined) sourceFile(args, ctx.baseDir);
  },
  async check(args, ctx) {
    const source = await sourceContent(args, ctx.baseDir);
    const given = 'stream' in source ? { source: source.stream } : { content: source.data };
    // A vault-encrypted src is decrypted in memory (Ansible's decrypt: yes) and stays a secret.
    return planRegularFile({ path: args.dest, ...given, mode: args.mode, owner: args.owner, group: args.group }, 'vaulted' in source && source.vaulted ? { ...ctx, noLog: true } : ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

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
function streamedFile(file: string): Promise<ContentSource> {
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
