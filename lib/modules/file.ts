import { posix } from 'node:path';
import { shellQuote } from '../util/shell.js';
import { pathFact } from '../facts/path.js';
import { applyRegularFile, describeChanges, planRegularFile, queueChange, setMetadata, snapshot, fileMetadataArgs } from './file-state.js';
import type { CheckResult, ModuleContext, ModuleDefinition, PathState } from './types.js';

interface FileArgs {
  path: string;
  state?: 'directory' | 'file' | 'absent' | 'link' | 'touch';
  mode?: string;
  owner?: string;
  group?: string;
  src?: string;
}

type FileAction = 'none' | 'mkdir' | 'touch' | 'remove' | 'link' | 'metadata';

interface FileData {
  action: FileAction;
  args: FileArgs;
  isLink: boolean;
}

export const file: ModuleDefinition<FileArgs, FileData> = {
  name: 'file',
  description: 'Directories, empty files, links, absence; owner and mode of any path.',
  example: `- name: Application directory
  file:
    path: /srv/app
    state: directory
    mode: '0755'
`,
  args: {
    path: { type: 'path', absolute: true, required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['directory', 'file', 'absent', 'link', 'touch'] },
    ...fileMetadataArgs(),
    src: { type: 'path' },
  },
  validate: (args) => (args.state === 'link' && !args.src ? "state=link needs 'src'" : undefined),
  prefetch: (args) => [pathFact(args.path), pathFact(posix.dirname(args.path))],
  async check(args, ctx) {
    const current = await ctx.facts.path(args.path);
    const state = args.state ?? (current.exists && current.type === 'directory' ? 'directory' : 'file');
    switch (state) {
      case 'absent':
        return current.exists
          ? { changed: true, message: `remove ${current.type}`, predicted: [{ path: args.path, exists: false }], diff: ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: { exists: false } }] : [], data: { action: 'remove', args, isLink: false } }
          : { changed: false, data: { action: 'none', args, isLink: false } };
      case 'file':
        if (!current.exists) throw new Error(`${args.path} does not exist (use state=touch to create it)`);
        return planRegularFile({ path: args.path, mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: 'metadata', args, isLink: false } }));
      case 'touch':
        if (current.exists) return planMetadata(current, args, ctx, current.type === 'link');
        return planRegularFile({ path: args.path, content: Buffer.alloc(0), mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: 'touch', args, isLink: false } }));
      case 'directory':
        if (current.exists && current.type !== 'directory') throw new Error(`${args.path} exists and is a ${current.type}, not a directory`);
        if (current.exists) return planMetadata(current, args, ctx, false);
        return planCreation(current, { path: args.path, exists: true, type: 'directory', mode: args.mode ?? '0755', owner: args.owner ?? ctx.user, group: args.group ?? ctx.user }, 'mkdir', args);
      case 'link': {
        if (current.exists && current.type === 'link' && current.linkTarget === args.src) return planMetadata(current, args, ctx, true);
        if (current.exists && current.type === 'directory') throw new Error(`${args.path} is a directory; refusing to replace it with a link`);
        return planCreation(current, { path: args.path, exists: true, type: 'link', linkTarget: args.src, mode: '0777', owner: args.owner ?? ctx.user, group: args.group ?? ctx.user }, 'link', args);
      }
    }
  },
  async apply(_args, check, ctx) {
    const { action, args, isLink } = check.data!;
    const path = shellQuote(args.path);
    switch (action) {
      case 'remove':
        queueChange(ctx, `rm -rf -- ${path}`);
        break;
      case 'mkdir':
        queueChange(ctx, `mkdir -p -- ${path}`);
        setMetadata(args.path, { mode: args.mode ?? '0755', owner: args.owner, group: args.group }, ctx, false);
        break;
      case 'link': {
        // A link made beside the target and renamed over it: no moment without one.
        const temp = shellQuote(`${args.path}.runbook-link`);
        queueChange(ctx, `ln -sfn -- ${shellQuote(args.src!)} ${temp} && mv -fT -- ${temp} ${path}`);
        setMetadata(args.path, { owner: args.owner, group: args.group }, ctx, true);
        break;
      }
      case 'touch':
        applyRegularFile({ desired: { path: args.path, content: Buffer.alloc(0), mode: args.mode, owner: args.owner, group: args.group }, writeContent: true, contents: new Map() }, ctx);
        break;
      case 'metadata':
        setMetadata(args.path, args, ctx, isLink);
        break;
    }
    return { changed: true };
  },
};

function planMetadata(current: PathState, args: FileArgs, ctx: ModuleContext, isLink: boolean): CheckResult<FileData> {
  const after: PathState = { ...current, mode: isLink ? current.mode : (args.mode ?? current.mode), owner: args.owner ?? current.owner, group: args.group ?? current.group };
  const changes = describeChanges(current, after, false);
  return {
    changed: changes.length > 0,
    message: changes.join(', ') || undefined,
    predicted: changes.length > 0 ? [after] : undefined,
    diff: changes.length > 0 && ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: snapshot(after) }] : [],
    result: { path: args.path, state: current.type, mode: after.mode, owner: after.owner, group: after.group },
    data: { action: changes.length > 0 ? 'metadata' : 'none', args, isLink },
  };
}

function planCreation(current: PathState, after: PathState, action: FileAction, args: FileArgs): CheckResult<FileData> {
  return {
    changed: true,
    message: describeChanges(current, after, false).join(', ') + (after.linkTarget ? ` → ${after.linkTarget}` : ''),
    predicted: [after],
    result: { path: args.path, state: after.type, mode: after.mode },
    data: { action, args, isLink: action === 'link' },
  };
}

