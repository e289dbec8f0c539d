import { commandFact, type CommandAnswer } from '../facts/command.js';
import { shellQuote } from '../util/shell.js';
import { runNow } from './file-state.js';
import type { ModuleDefinition } from './types.js';

interface GitArgs {
  repo: string;
  dest: string;
  version: string;
  force: boolean;
  depth?: number;
  clone: boolean;
  update: boolean;
  remote: string;
}

/** What the checkout in dest is, read without changing it. */
interface Checkout {
  state: 'absent' | 'not-a-repo' | 'repo';
  head?: string;
  remoteUrl?: string;
  /** `git status --porcelain` lines of tracked files (untracked files are not modifications, as Ansible). */
  modified: string[];
}

interface GitPlan {
  action: 'clone' | 'update' | 'none';
  target: string;
  kind: 'head' | 'branch' | 'tag' | 'commit';
  remoteUrlChanged: boolean;
  reset: boolean;
}

const NEED_GIT = 'git is required on the host (apt install git)';

/**
 * The checkout: one sh with dest as its argument (argv, never spliced into the text). Ansible
 * looks for `.git/config` to decide whether dest is a repository.
 */
const CHECKOUT_SCRIPT = [
  'command -v git >/dev/null || exit 127',
  '[ -e "$1" ] || { echo absent; exit 0; }',
  '[ -f "$1/.git/config" ] || { echo not-a-repo; exit 0; }',
  'cd -- "$1" || exit 1',
  'echo repo',
  'git rev-parse HEAD || exit 1',
  'git config --get "remote.$2.url" || echo',
  'git status --porcelain --untracked-files=no || exit 1',
].join('\n');

const checkoutFact = (args: GitArgs) => commandFact(['sh', '-c', CHECKOUT_SCRIPT, 'sh', args.dest, args.remote]);
const remoteFact = (args: GitArgs) => commandFact(['git', 'ls-remote', '--', args.repo]);

/** git, as ansible.builtin.git for the common case: clone, update to a branch, tag or commit, with the host's git. */
export const git: ModuleDefinition<GitArgs, GitPlan> = {
  name: 'git',
  description: "A git checkout on the host, cloned or updated to a version with the host's git binary.",
  example: `- name: Application source
  git:
    repo: https://git.example.org/app.git
    dest: /srv/app
    version: v1.2.0
`,
  args: {
    repo: { type: 'str', required: true, aliases: ['name'], description: 'URL or path of the repository, as the host reaches it' },
    dest: { type: 'path', absolute: true, required: true },
    version: { type: 'str', default: 'HEAD', description: "branch, tag or full commit id; HEAD: the repository's default branch" },
    force: { type: 'bool', default: false, description: 'discard local modifications of tracked files (else they fail the task)' },
    depth: { type: 'int', description: 'shallow clone and fetch of this many commits' },
    clone: { type: 'bool', default: true, description: 'false: never clone a missing checkout (reports what it would be)' },
    update: { type: 'bool', default: true, description: 'false: leave an existing checkout as it is' },
    remote: { type: 'str', default: 'origin' },
  },
  validate: (args) => (typeof args.depth === 'number' && args.depth < 1 ? 'depth must be a positive number' : undefined),
  prefetch: (args) => [checkoutFact(args), ...(args.update || args.clone ? [remoteFact(args)] : [])],
  async check(args, ctx) {
    const checkout = parseCheckout(await ctx.facts.get(checkoutFact(args)), args.dest);
    if (checkout.state === 'not-a-repo') {
      if (!args.clone) return unchanged(args, undefined, 'dest exists and is not a git repository');
      throw new Error(`Destination path '${args.dest}' already exists and is not a git repository`);
    }
    if (checkout.state === 'repo' && !args.update) return unchanged(args, checkout.head);
    const remote = resolveVersion(await ctx.facts.get(remoteFact(args)), args);
    if (checkout.state === 'absent') {
      const result = { before: null, after: remote.target, remote_url_changed: false };
      if (!args.clone) return { changed: true, result, data: { action: 'none', ...remote, remoteUrlChanged: false, reset: false } };
      return { changed: true, message: `clone ${args.repo} at ${short(remote.target)}`, result, invalidatesFacts: true, data: { action: 'clone', ...remote, remoteUrlChanged: false, reset: false } };
    }
    if (checkout.modified.length > 0 && !args.force) {
      return { changed: false, failed: true, message: `Local modifications exist in the destination: ${args.dest} (force=no).`, result: { before: checkout.head, msg: `Local modifications exist in the destination: ${args.dest} (force=no).` } };
    }
    const remoteUrlChanged = checkout.remoteUrl !== args.repo;
    const moves = checkout.head !== remote.target;
    const reset = checkout.modified.length > 0;
    const changed = moves || reset || remoteUrlChanged;
    const result = { before: checkout.head, after: remote.target, remote_url_changed: remoteUrlChanged };
    if (!changed) return { changed: false, result, data: { action: 'none', ...remote, remoteUrlChanged, reset } };
    const why = [moves ? `${short(checkout.head!)} → ${short(remote.target)}` : '', reset ? 'local modifications discarded' : '', remoteUrlChanged ? `remote url → ${args.repo}` : ''].filter(Boolean).join(', ');
    return { changed: true, message: why, result, invalidatesFacts: true, data: { action: 'update', ...remote, remoteUrlChanged, reset } };
  },
  async apply(args, check, ctx) {
    const plan = check.data!;
    if (plan.action === 'none') return { changed: check.changed };
    await runNow(ctx, plan.action === 'clone' ? cloneScript(args, plan) : updateScript(args, plan));
    const after = (await runNow(ctx, `git -C ${shellQuote(args.dest)} rev-parse HEAD`)).trim();
    if (after !== plan.target) throw new Error(`${args.dest} is at ${after} after the update, not ${plan.target}`);
    return { changed: true, result: { after } };
  },
};

function unchanged(args: GitArgs, head: string | undefined, msg?: string) {
  return { changed: false, result: { before: head ?? null, after: head ?? null, ...(msg ? { msg } : {}) }, data: { action: 'none' as const, target: head ?? '', kind: 'head' as const, remoteUrlChanged: false, reset: false } };
}

const short = (sha: string) => sha.slice(0, 7);

export function parseCheckout(answer: CommandAnswer, dest: string): Checkout {
  if (answer.code === 127) throw new Error(`git: not found on the host — ${NEED_GIT}`);
  const out = answer.stdout.toString('utf8');
  if (answer.code !== 0) throw new Error(`git: cannot read the checkout in ${dest}: ${answer.stderr.toString('utf8').trim() || `exit ${answer.code}`}`);
  const lines = out.split('\n');
  if (lines[0] === 'absent' || lines[0] === 'not-a-repo') return { state: lines[0], modified: [] };
  if (lines[0] !== 'repo' || !/^[0-9a-f]{40,64}$/.test(lines[1] ?? '')) throw new Error(`git: the checkout in ${dest} does not read as a repository: '${out.slice(0, 200)}'`);
  return { state: 'repo', head: lines[1], remoteUrl: lines[2] || undefined, modified: lines.slice(3).filter((line) => line.trim() !== '') };
}

/**
 * The commit `version` names on the remote, as Ansible's get_remote_head: HEAD, a branch, a tag
 * (an annotated tag's commit), else a full commit id taken as given.
 */
export function resolveVersion(answer: CommandAnswer, args: Pick<GitArgs, 'repo' | 'version'>): { target: string; kind: GitPlan['kind'] } {
  if (answer.code === 127) throw new Error(`git: not found on the host — ${NEED_GIT}`);
  if (answer.code !== 0) throw new Error(`git ls-remote ${args.repo} failed: ${answer.stderr.toString('utf8').trim() || `exit ${answer.code}`}`);
  const refs = new Map<string, string>();
  for (const line of answer.stdout.toString('utf8').split('\n')) {
    const match = /^([0-9a-f]{40,64})\t(.+)$/.exec(line);
    if (match) refs.set(match[2], match[1]);
  }
  const { version } = args;
  if (version === 'HEAD') {
    const head = refs.get('HEAD');
    if (!head) throw new Error(`${args.repo} has no HEAD (an empty repository?)`);
    return { target: head, kind: 'head' };
  }
  const branch = refs.get(`refs/heads/${version}`);
  if (branch) return { target: branch, kind: 'branch' };
  const tag = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
  if (tag) return { target: tag, kind: 'tag' };
  if (/^[0-9a-f]{40}$/.test(version)) return { target: version, kind: 'commit' };
  throw new Error(`Failed to find version '${version}' in ${args.repo}: no such branch or tag (a commit must be given in full)`);
}

function depthFlag(args: GitArgs): string {
  return args.depth !== undefined ? ` --depth ${args.depth}` : '';
}

/** Clone, then the version checked out as Ansible's switch_version leaves it. */
function cloneScript(args: GitArgs, plan: GitPlan): string {
  const dest = shellQuote(args.dest);
  const branch = plan.kind === 'branch' || plan.kind === 'tag' ? ` --branch ${shellQuote(args.version)}` : '';
  const clone = `git clone --origin ${shellQuote(args.remote)}${depthFlag(args)}${branch} -- ${shellQuote(args.repo)} ${dest}`;
  return plan.kind === 'commit' ? `${clone} && git -C ${dest} checkout --force -q ${plan.target}` : clone;
}

/** Fetch, then a branch reset to the remote's, a tag or commit checked out (detached), HEAD's branch moved. */
function updateScript(args: GitArgs, plan: GitPlan): string {
  const git = `git -C ${shellQuote(args.dest)}`;
  const remote = shellQuote(args.remote);
  const steps = [
    ...(plan.remoteUrlChanged ? [`${git} remote set-url ${remote} ${shellQuote(args.repo)}`] : []),
    `${git} fetch -q${depthFlag(args)} --tags ${remote}`,
  ];
  if (plan.kind === 'branch') steps.push(`${git} checkout --force -q -B ${shellQuote(args.version)} ${plan.target}`);
  else if (plan.kind === 'head') steps.push(`${git} reset -q --hard ${plan.target}`);
  else steps.push(`${git} checkout --force -q ${plan.target}`);
  return steps.join(' && ');
}

