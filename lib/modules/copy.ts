import { readMaybeVaultFile } from '../vault/secrets.js';
import { pathFact } from '../facts/path.js';
import { resolveSourceFile } from '../playbook/files.js';
import { applyRegularFile, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
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
  args: {
    dest: { type: 'path', required: true },
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
  prefetch: (args) => [pathFact(args.dest)],
  preflight(args, ctx) {
    sourceContent(args, ctx.baseDir);
  },
  async check(args, ctx) {
    const source = sourceContent(args, ctx.baseDir);
    // A vault-encrypted src is decrypted in memory (Ansible's decrypt: yes) and stays a secret.
    return planRegularFile({ path: args.dest, content: source.data, mode: args.mode, owner: args.owner, group: args.group }, source.vaulted ? { ...ctx, noLog: true } : ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

function sourceContent(args: CopyArgs, baseDir: string): { data: Buffer; vaulted: boolean } {
  if (args.content !== undefined) return { data: Buffer.from(args.content), vaulted: false };
  const file = resolveSourceFile(baseDir, 'copy', args.src!);
  if (!file) throw new Error(`src file '${args.src}' not found in ${baseDir}/files or ${baseDir}`);
  return readMaybeVaultFile(file);
}
