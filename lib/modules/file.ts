import { posix } from 'node:path';
import { shellQuote } from '../util/shell.js';
import { pathFact } from '../facts/path.js';
import { treeFact } from '../facts/tree.js';
import { applyRegularFile, describeChanges, modeAfter, planRegularFile, queueChange, setMetadata, snapshot, fileMetadataArgs } from './file-state.js';
import type { CheckResult, ModuleContext, ModuleDefinition, PathState } from './types.js';

interface FileArgs {
  path: string;
  state?: 'directory' | 'file' | 'absent' | 'link' | 'touch';
  mode?: string;
  owner?: string;
  group?: string;
  src?: string;
  recurse: boolean;
}

type FileAction = 'none' | 'mkdir' | 'touch' | 'remove' | 'link' | 'metadata';

interface FileData {
  action: FileAction;
  args: FileArgs;
  isLink: boolean;
  /** mkdir: the directories to make, outermost first (the path and its missing parents). */
  created?: string[];
  /** recurse: some path below the directory needs its owner, group or mode set. */
  recurseTree?: boolean;
  /** The mode to set on the path (args.mode resolved against its current mode), and on each directory made. */
  mode?: string;
  /** recurse with a mode that depends on each path (symbolic): the paths below, by the mode each gets. */
  modesBelow?: Array<{ mode: string; paths: string[] }>;
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
    recurse: { type: 'bool', default: false, description: 'state=directory: set owner, group and mode on everything below the path too (links: owner and group only, never followed)' },
  },
  validate: (args) =>
    args.state === 'link' && !args.src
      ? "state=link needs 'src'"
      : args.recurse === true && args.state !== undefined && args.state !== 'directory' && !/\{\{/.test(String(args.state))
        ? "recurse option requires state to be 'directory'"
        : undefined,
  prefetch: (args) => [
    pathFact(args.path),
    pathFact(posix.dirname(args.path)),
    // A directory is made with its missing parents, each getting the mode and owner (Ansible's ensure_directory).
    ...(args.state === 'directory' || args.recurse ? ancestors(args.path).map(pathFact) : []),
    ...(args.recurse ? [treeFact(args.path)] : []),
  ],
  async check(args, ctx) {
    const current = await ctx.facts.path(args.path);
    const state = args.state ?? (args.recurse ? 'directory' : current.exists && current.type === 'directory' ? 'directory' : 'file');
    switch (state) {
      case 'absent':
        return current.exists
          ? { changed: true, message: `remove ${current.type}`, predicted: [{ path: args.path, exists: false }], diff: ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: { exists: false } }] : [], data: { action: 'remove', args, isLink: false } }
          : { changed: false, data: { action: 'none', args, isLink: false } };
      case 'file':
        if (!current.exists) throw new Error(`${args.path} does not exist (use state=touch to create it)`);
        return planRegularFile({ path: args.path, mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: 'metadata', args, isLink: false, mode: modeAfter(args.mode, current.mode, false) } }));
      case 'touch':
        if (current.exists) return planMetadata(current, args, ctx, current.type === 'link');
        return planRegularFile({ path: args.path, content: Buffer.alloc(0), mode: args.mode, owner: args.owner, group: args.group }, ctx).then((plan) => ({ ...plan, data: { action: 'touch', args, isLink: false, mode: plan.predicted?.[0]?.mode } }));
      case 'directory':
        if (current.exists && current.type !== 'directory') throw new Error(`${args.path} exists and is a ${current.type}, not a directory`);
        if (current.exists) return args.recurse ? planRecursive(current, args, ctx) : planMetadata(current, args, ctx, false);
        return planDirectories(current, args, ctx);
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
        // Each directory made gets the owner and mode, as Ansible's loop over the path's parts;
        // one made meanwhile by someone else is left as it is.
        for (const dir of check.data!.created ?? [args.path]) {
          const mode = check.data!.mode;
          const made = [`mkdir -- ${shellQuote(dir)}`, ...ownership(dir, args), ...(mode !== undefined ? [`chmod ${mode} -- ${shellQuote(dir)}`] : [])];
          queueChange(ctx, `[ -d ${shellQuote(dir)} ] || { ${made.join(' && ')}; }`);
        }
        break;
      case 'link': {
        // A link made beside the target and renamed over it: no moment without one.
        const temp = shellQuote(`${args.path}.runbook-link`);
        queueChange(ctx, `ln -sfn -- ${shellQuote(args.src!)} ${temp} && mv -fT -- ${temp} ${path}`);
        setMetadata(args.path, { owner: args.owner, group: args.group }, ctx, true);
        break;
      }
      case 'touch':
        applyRegularFile({ desired: { path: args.path, content: Buffer.alloc(0), mode: check.data!.mode, owner: args.owner, group: args.group }, writeContent: true, contents: new Map() }, ctx);
        break;
      case 'metadata':
        if (check.data!.recurseTree) {
          // The directory and everything below: chown -R never follows links (-P is its default),
          // chmod -R skips them. Ansible's walk, minus following links (see README). A mode that
          // depends on each path is set path by path, resolved as Ansible resolves it.
          // The paths come on stdin, NUL-separated: no command-line limit however big the tree.
          const below = check.data!.modesBelow ?? [];
          const lists = below.map(({ paths }) => Buffer.from(paths.map((p) => `${p}\0`).join('')));
          const chmod = args.mode === undefined ? [] : check.data!.modesBelow ? [`chmod ${check.data!.mode} -- ${path}`, ...below.map(({ mode }, i) => `head -c ${lists[i].length} | xargs -0r chmod ${mode} --`)] : [`chmod -R ${args.mode} -- ${path}`];
          ctx.transport.queue({ script: [...ownership(args.path, args, '-R'), ...chmod].join(' && '), ...(lists.length > 0 ? { stdin: lists } : {}), privilege: ctx.privilege });
        } else setMetadata(args.path, { mode: check.data!.mode, owner: args.owner, group: args.group }, ctx, isLink);
        break;
    }
    return { changed: true };
  },
};

function planMetadata(current: PathState, args: FileArgs, ctx: ModuleContext, isLink: boolean): CheckResult<FileData> {
  const after: PathState = { ...current, mode: isLink ? current.mode : modeAfter(args.mode, current.mode, current.type === 'directory'), owner: args.owner ?? current.owner, group: args.group ?? current.group };
  const changes = describeChanges(current, after, false);
  return {
    changed: changes.length > 0,
    message: changes.join(', ') || undefined,
    predicted: changes.length > 0 ? [after] : undefined,
    diff: changes.length > 0 && ctx.diff ? [{ path: args.path, secret: true, before: snapshot(current), after: snapshot(after) }] : [],
    result: { path: args.path, state: current.type, mode: after.mode, owner: after.owner, group: after.group },
    data: { action: changes.length > 0 ? 'metadata' : 'none', args, isLink, mode: isLink ? undefined : args.mode === undefined ? undefined : after.mode },
  };
}

/** The directories above a path, outermost first ('/a/b/c' → '/a', '/a/b'). */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

function ownership(path: string, args: FileArgs, flags = ''): string[] {
  if (args.owner === undefined && args.group === undefined) return [];
  return [`chown -h${flags ? ` ${flags}` : ''} ${shellQuote(`${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}`)} -- ${shellQuote(path)}`];
}

/** A new directory and every missing parent, each with the task's mode and owner (made under the umask otherwise). */
async function planDirectories(current: PathState, args: FileArgs, ctx: ModuleContext): Promise<CheckResult<FileData>> {
  const missing: string[] = [];
  for (const dir of ancestors(args.path)) {
    const state = await ctx.facts.path(dir);
    if (state.exists && state.type !== 'directory' && !(state.type === 'link')) throw new Error(`There was an issue creating ${dir} as requested: ${dir} exists and is a ${state.type}`);
    if (!state.exists) missing.push(dir);
  }
  const created = [...missing, args.path];
  const mode = modeAfter(args.mode, undefined, true);
  const made = (path: string): PathState => ({ path, exists: true, type: 'directory', mode: mode ?? '0755', owner: args.owner ?? ctx.user, group: args.group ?? ctx.user });
  const plan = planCreation(current, made(args.path), 'mkdir', args);
  return {
    ...plan,
    message: missing.length > 0 ? `${plan.message} with parents ${missing.join(', ')}` : plan.message,
    predicted: created.map(made),
    data: { ...plan.data!, created, mode },
  };
}

/** recurse: the directory's own metadata, then everything below it (links: owner and group only). */
async function planRecursive(current: PathState, args: FileArgs, ctx: ModuleContext): Promise<CheckResult<FileData>> {
  const top = planMetadata(current, args, ctx, false);
  const tree = await ctx.facts.get(treeFact(args.path));
  const modeOf = (entry: { type: string; mode: string }) => (args.mode === undefined || entry.type === 'link' ? entry.mode : modeAfter(args.mode, entry.mode, entry.type === 'directory')!);
  const differs = tree.entries.filter((entry) => (args.owner !== undefined && entry.owner !== args.owner) || (args.group !== undefined && entry.group !== args.group) || modeOf(entry) !== entry.mode);
  // A symbolic mode gives each path its own result: those that change, by the mode they get.
  const modesBelow = new Map<string, string[]>();
  if (args.mode !== undefined && !/^[0-7]{4}$/.test(args.mode)) for (const entry of differs) if (modeOf(entry) !== entry.mode) modesBelow.set(modeOf(entry), [...(modesBelow.get(modeOf(entry)) ?? []), entry.path]);
  if (differs.length === 0) return top;
  const below = `${differs.length} path${differs.length === 1 ? '' : 's'} below: ${describeTreeChange(args)}`;
  return {
    ...top,
    changed: true,
    message: [top.message, below].filter(Boolean).join(', '),
    // The tree's own fact is forgotten once the directory changes; entries keep no prediction (their checksums are not known here).
    predicted: top.predicted ?? [{ ...current }],
    data: { action: 'metadata', args, isLink: false, recurseTree: true, mode: modeAfter(args.mode, current.mode, true), modesBelow: args.mode !== undefined && !/^[0-7]{4}$/.test(args.mode) ? [...modesBelow].map(([mode, paths]) => ({ mode, paths })) : undefined },
  };
}

function describeTreeChange(args: FileArgs): string {
  return [args.owner !== undefined || args.group !== undefined ? `owner ${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}` : '', args.mode !== undefined ? `mode ${args.mode}` : ''].filter(Boolean).join(', ');
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

