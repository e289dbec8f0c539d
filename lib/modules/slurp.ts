import { fileContentFact, pathFact } from '../facts/index.js';
import type { ModuleDefinition } from './types.js';

/** slurp, as ansible.builtin.slurp: a file's bytes, base64, in the registered result. Never changes anything. */
export const slurp: ModuleDefinition<{ src: string }> = {
  name: 'slurp',
  description: "A file's content (base64) to register.",
  example: `- name: Read the token
  slurp:
    src: /etc/app/token
  register: token`,
  args: { src: { type: 'path', required: true, aliases: ['path'] } },
  prefetch: (args) => [pathFact(args.src), fileContentFact(args.src)],
  async check(args, ctx) {
    const state = await ctx.facts.path(args.src);
    const fail = (msg: string) => ({ changed: false, failed: true, message: msg, result: { msg } });
    if (!state.exists) return fail(`file not found: ${args.src}`);
    if (state.type === 'directory') return fail(`source is a directory and must be a file: ${args.src}`);
    const content = await ctx.facts.content(args.src);
    if (content === undefined) return fail(`file is not readable: ${args.src}`);
    return { changed: false, result: { content: content.toString('base64'), encoding: 'base64', source: args.src } };
  },
  async apply() {
    return { changed: false };
  },
};
