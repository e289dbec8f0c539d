import { readFileSync } from 'node:fs';
import { resolveSourceFile } from '../playbook/files.js';
import { applyRegularFile, writeFacts, planRegularFile, type FilePlan, fileMetadataArgs, validateArgError, writeSafetyArgs } from './file-state.js';
import type { ModuleDefinition } from './types.js';

interface TemplateArgs {
  src: string;
  dest: string;
  mode?: string;
  owner?: string;
  group?: string;
  force: boolean;
  backup: boolean;
  validate?: string;
}

export const template: ModuleDefinition<TemplateArgs, FilePlan> = {
  name: 'template',
  description: 'A file rendered from a Jinja2 template in templates/, with owner and mode.',
  example: `- name: Application config
  template:
    src: app.conf.j2
    dest: /etc/app.conf
    mode: '0640'
`,
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', absolute: true, required: true },
    ...fileMetadataArgs(),
    force: { type: 'bool', default: true, description: 'false: write only when dest does not exist yet' },
    ...writeSafetyArgs(),
  },
  validate: (args) => validateArgError(args.validate),
  prefetch: (args) => writeFacts(args.dest, args),
  preflight(args, ctx) {
    ctx.render(readTemplate(args.src, ctx.baseDir), `template ${args.src}`);
  },
  async check(args, ctx) {
    if (!args.force && (await ctx.facts.path(args.dest)).exists) return { changed: false, result: { msg: 'file already exists', dest: args.dest, changed: false } };
    const content = Buffer.from(ctx.render(readTemplate(args.src, ctx.baseDir), `template ${args.src}`));
    return planRegularFile({ path: args.dest, content, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate }, ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

function readTemplate(src: string, baseDir: string): string {
  const file = resolveSourceFile(baseDir, 'template', src);
  if (!file) throw new Error(`template '${src}' not found in ${baseDir}/templates or ${baseDir}`);
  return readFileSync(file, 'utf8');
}
