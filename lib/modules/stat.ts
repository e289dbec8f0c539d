import { createHash } from 'node:crypto';
import { statFact, type StatValue } from '../facts/index.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface StatArgs {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  checksum_algorithm: string;
  get_mime: boolean;
  get_attributes: boolean;
}

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/**
 * stat, as ansible.builtin.stat: `register` it and read `.stat.exists`, `.stat.isdir`,
 * `.stat.checksum` (sha1 by default), `.stat.mode`, `.stat.pw_name`... Never changes anything.
 * mimetype/charset and attributes are not reported (get_mime/get_attributes are accepted).
 */
export const stat: ModuleDefinition<StatArgs> = {
  name: 'stat',
  description: 'Facts about a path, to register and test.',
  example: `- name: Is there a config?
  stat:
    path: /etc/app.conf
  register: conf`,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: true },
    checksum_algorithm: { type: 'str', default: 'sha1', choices: ALGORITHMS, aliases: ['checksum', 'checksum_algo'] },
    get_mime: { type: 'bool', default: true, aliases: ['mime', 'mime_type', 'mime-type'] },
    get_attributes: { type: 'bool', default: true, aliases: ['attr', 'attributes'] },
  },
  prefetch: (args) => [statFact(param(args))],
  async check(args, ctx) {
    const observed = await ctx.facts.get(statFact(param(args)));
    const value = ctx.dryRun && ctx.changedPaths().includes(args.path) ? await predicted(observed, args, ctx) : observed;
    return { changed: false, result: { stat: value } };
  },
  async apply() {
    return { changed: false };
  },
};

function param(args: StatArgs) {
  return { path: args.path, follow: args.follow, checksum: args.get_checksum ? args.checksum_algorithm : undefined };
}

/** In a dry-run, a path an earlier task would have written reads as that task leaves it. */
async function predicted(observed: StatValue, args: StatArgs, ctx: ModuleContext): Promise<StatValue> {
  const state = await ctx.facts.path(args.path);
  if (!state.exists) return { exists: false };
  const mode = parseInt(state.mode ?? '0', 8);
  const value: StatValue = {
    ...observed,
    exists: true,
    path: args.path,
    mode: state.mode,
    isdir: state.type === 'directory',
    isreg: state.type === 'file',
    islnk: state.type === 'link',
    pw_name: state.owner,
    gr_name: state.group,
    ...(state.size !== undefined ? { size: state.size } : {}),
    wusr: (mode & 0o200) !== 0,
    rusr: (mode & 0o400) !== 0,
    xusr: (mode & 0o100) !== 0,
    wgrp: (mode & 0o020) !== 0,
    rgrp: (mode & 0o040) !== 0,
    xgrp: (mode & 0o010) !== 0,
    woth: (mode & 0o002) !== 0,
    roth: (mode & 0o004) !== 0,
    xoth: (mode & 0o001) !== 0,
  };
  if (state.type === 'link') value.lnk_target = state.linkTarget;
  const content = state.type === 'file' && args.get_checksum ? await ctx.facts.content(args.path) : undefined;
  if (content) value.checksum = createHash(args.checksum_algorithm).update(content).digest('hex');
  else delete value.checksum;
  return value;
}
