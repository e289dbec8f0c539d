import { readFileSync } from 'node:fs';
import { resolveSourceFile } from '../playbook/files.js';
import { applyRegularFile, planRegularFile, type FilePlan } from './file-state.js';
import type { ModuleDefinition } from './types.js';

interface TemplateArgs {
  src: string;
  dest: string;
  mode?: string;
  owner?: string;
  group?: string;
}

export const template: ModuleDefinition<TemplateArgs, FilePlan> = {
  name: 'template',
  description: 'A file rendered from a Jinja2 template in templates/, with owner and mode.',
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    mode: { type: 'mode' },
    owner: { type: 'str' },
    group: { type: 'str' },
  },
  prefetch: (args) => [args.dest],
  writes: (args) => [args.dest],
  async check(args, ctx) {
    const file = resolveSourceFile(ctx.baseDir, 'template', args.src);
    if (!file) throw new Error(`template '${args.src}' not found in ${ctx.baseDir}/templates or ${ctx.baseDir}`);
    const content = Buffer.from(ctx.render(readFileSync(file, 'utf8'), `template ${args.src}`));
    return planRegularFile({ path: args.dest, content, mode: args.mode, owner: args.owner, group: args.group }, ctx);
  },
  async apply(_args, check, ctx) {
    await applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};
