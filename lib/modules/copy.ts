import { readFileSync } from 'node:fs';
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
    return planRegularFile({ path: args.dest, content: sourceContent(args, ctx.baseDir), mode: args.mode, owner: args.owner, group: args.group }, ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

function sourceContent(args: CopyArgs, baseDir: string): Buffer {
  if (args.content !== undefined) return Buffer.from(args.content);
  const file = resolveSourceFile(baseDir, 'copy', args.src!);
  if (!file) throw new Error(`src file '${args.src}' not found in ${baseDir}/files or ${baseDir}`);
  return readFileSync(file);
}
