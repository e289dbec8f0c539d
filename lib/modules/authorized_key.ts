import { posix } from 'node:path';
import { fileContentFact, groupFact, pathFact, userFact, type UserState } from '../facts/index.js';
import { shellQuote } from '../util/shell.js';
import { applyRegularFile, planRegularFile, queueChange, type FilePlan } from './file-state.js';
import { currentText } from './text-edit.js';
import type { ModuleContext, ModuleDefinition, PathState } from './types.js';

export interface AuthorizedKeyArgs {
  user: string;
  key: string;
  path?: string;
  manage_dir: boolean;
  state: 'present' | 'absent';
  key_options?: string;
  exclusive: boolean;
  comment?: string;
  validate_certs: boolean;
  follow: boolean;
}

/** The key types ansible.posix.authorized_key recognises in a line (1.5). */
const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
]);

/** Options in the order written; a name may repeat (the module's `keydict`). */
type KeyOptions = Array<[string, string | null]>;

/** One line of the file: a key (identified by its base64 blob), or a line kept as it is. */
interface KeyLine {
  id: string;
  type: string | 'skipped';
  options: KeyOptions;
  comment: string;
  rank: number;
}

/** `a,b="x,y",c=1`: commas inside quotes do not split (the module's parseoptions). */
export function parseKeyOptions(text: string | undefined): KeyOptions {
  if (!text) return [];
  const parts = text.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  const options: KeyOptions = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals >= 0) options.push([part.slice(0, equals), part.slice(equals + 1)]);
    else if (part !== ',') options.push([part, null]);
  }
  return options;
}

/** A line as the module's parsekey reads it; undefined when it holds no known key type. */
function parseKeyLine(raw: string, rank: number): KeyLine | undefined {
  const line = raw.replaceAll('\\#', '#');
  const parts = line.split(/[ \t\r\n]+/).filter((part) => part !== '');
  if (parts[0] === '#') return { id: line, type: 'skipped', options: [], comment: '', rank };
  const typeIndex = parts.findIndex((part) => KEY_TYPES.has(part));
  if (typeIndex < 0) return undefined;
  if (typeIndex + 1 >= parts.length) throw new Error(`invalid key specified: ${raw.trim()} (no key after its type)`);
  return { id: parts[typeIndex + 1], type: parts[typeIndex], options: parseKeyOptions(parts.slice(0, typeIndex).join(' ')), comment: parts.slice(typeIndex + 2).join(' '), rank };
}

/** Python's str.splitlines(keepends=True) for the line breaks a key file has. */
function linesWithEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

function sameOptions(a: KeyOptions, b: KeyOptions): boolean {
  // The module compares its keydicts as dicts: each name with its values in order, names in any order.
  const byName = (options: KeyOptions) => {
    const map = new Map<string, Array<string | null>>();
    for (const [name, value] of options) map.set(name, [...(map.get(name) ?? []), value]);
    return map;
  };
  const left = byName(a);
  const right = byName(b);
  return left.size === right.size && [...left].every(([name, values]) => JSON.stringify(values) === JSON.stringify(right.get(name)));
}

function serialize(keys: Map<string, KeyLine>): string {
  return [...keys.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((key) => {
      if (key.type === 'skipped') return key.id;
      const options = key.options.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join(',');
      return `${options ? `${options} ` : ''}${key.type} ${key.id} ${key.comment}\n`;
    })
    .join('');
}

/**
 * The file's text after the task, as ansible.posix.authorized_key 1.5 computes it (enforce_state):
 * every valid line is rewritten `options type key comment`, other lines are kept as they are,
 * lines are ordered by their first appearance and new keys go after the existing ones. Undefined
 * when nothing is to be written.
 */
export function editAuthorizedKeys(existing: string, args: Pick<AuthorizedKeyArgs, 'key' | 'state' | 'key_options' | 'exclusive' | 'comment'>): string | undefined {
  const keys = new Map<string, KeyLine>();
  linesWithEnds(existing).forEach((line, rank) => {
    const parsed = parseKeyLine(line, rank) ?? { id: line, type: 'skipped', options: [], comment: '', rank };
    // A dict assignment: a repeated key keeps its place and takes the later line's values.
    keys.set(parsed.id, parsed);
  });
  const newKeys = args.key.split(/\r\n|\r|\n/).filter((line) => line !== '' && !line.startsWith('#'));
  const existingCount = keys.size;
  const keep: string[] = [];
  let write = false;
  newKeys.forEach((text, rank) => {
    const parsed = parseKeyLine(text, rank);
    if (!parsed) throw new Error(`invalid key specified: ${text}`);
    if (args.key_options !== undefined) parsed.options = parseKeyOptions(args.key_options);
    if (args.comment !== undefined) parsed.comment = args.comment;
    const current = keys.get(parsed.id);
    const differs = current !== undefined && (current.type !== parsed.type || !sameOptions(current.options, parsed.options) || current.comment !== parsed.comment);
    const matched = current !== undefined && !(differs && args.state === 'present');
    if (args.state === 'present') {
      keep.push(parsed.id);
      if (current !== undefined && differs) keys.delete(parsed.id);
      if (!matched) {
        keys.set(parsed.id, { ...parsed, rank: existingCount + parsed.rank });
        write = true;
      }
    } else if (matched) {
      keys.delete(parsed.id);
      write = true;
    }
  });
  if (args.state === 'present' && args.exclusive) {
    for (const id of [...keys.keys()]) {
      if (!keep.includes(id)) {
        keys.delete(id);
        write = true;
      }
    }
  }
  return write ? serialize(keys) : undefined;
}

interface AuthorizedKeyPlan extends FilePlan {
  /** manage_dir: the key file's directory made (mode 0700) and owned by the user, before the write. */
  directory?: { path: string; create: boolean; owner: string; group: string };
}

/** Where the keys most likely are, asked in the play's probe; the user's real home decides. */
function likelyKeyFile(args: AuthorizedKeyArgs): string {
  return args.path ?? posix.join(args.user === 'root' ? '/root' : `/home/${args.user}`, '.ssh', 'authorized_keys');
}

function keyFileFacts(keyFile: string) {
  return [pathFact(keyFile), fileContentFact(keyFile), pathFact(posix.dirname(keyFile))];
}

/** The name of the user's primary group (the group named as the user is asked in advance). */
async function primaryGroup(account: UserState, ctx: ModuleContext): Promise<string> {
  const sameName = await ctx.facts.get(groupFact(account.name));
  if (sameName.exists && sameName.gid === account.gid) return sameName.name;
  const byId = await ctx.facts.get(groupFact(String(account.gid)));
  return byId.exists ? byId.name : String(account.gid);
}

/** ansible.posix.authorized_key: SSH public keys in a user's authorized_keys file. */
export const authorizedKey: ModuleDefinition<AuthorizedKeyArgs, AuthorizedKeyPlan> = {
  name: 'authorized_key',
  aliases: ['ansible.posix.authorized_key'],
  description: "SSH public keys present in (or absent from) a user's authorized_keys, with options and comments, as ansible.posix.authorized_key.",
  example: `- name: Deploy key
  authorized_key:
    user: deploy
    key: "{{ lookup('file', 'files/deploy.pub') }}"
    key_options: 'from="10.0.0.0/8",no-agent-forwarding'
`,
  args: {
    user: { type: 'str', required: true },
    key: { type: 'str', required: true },
    path: { type: 'path', absolute: true },
    manage_dir: { type: 'bool', default: true },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    key_options: { type: 'str' },
    exclusive: { type: 'bool', default: false },
    comment: { type: 'str' },
    validate_certs: { type: 'bool', default: true },
    follow: { type: 'bool', default: false },
  },
  validate: (args) =>
    typeof args.key === 'string' && /^http/.test(args.key) ? 'authorized_key: a key fetched from a URL is not supported yet: give the key text (e.g. with lookup(\'file\', ...))' : undefined,
  prefetch: (args) => [userFact(args.user), groupFact(args.user), ...keyFileFacts(likelyKeyFile(args))],
  async check(args, ctx) {
    if (args.key.startsWith('http')) throw new Error('a key fetched from a URL is not supported yet: give the key text');
    const account = await ctx.facts.get(userFact(args.user));
    if (!account.exists && !(ctx.dryRun && args.path !== undefined)) {
      const message = ctx.dryRun ? 'Either user must exist or you must provide full path to key file in check mode' : `Failed to lookup user ${args.user}: "getpwnam(): name not found: '${args.user}'"`;
      return { changed: false, failed: true, message, result: { msg: message } };
    }
    const keyFile = args.path ?? posix.join(account.home ?? '', '.ssh', 'authorized_keys');
    const state = await ctx.facts.path(keyFile);
    if (args.follow && state.exists && state.type === 'link') throw new Error(`${keyFile} is a symbolic link: follow: true is not supported yet`);
    const existing = (await currentText(keyFile, ctx)) ?? '';
    const after = editAuthorizedKeys(existing, args);
    const result: Record<string, unknown> = { user: args.user, key: args.key, path: args.path ?? null, manage_dir: args.manage_dir, state: args.state, key_options: args.key_options ?? null, exclusive: args.exclusive, comment: args.comment ?? null, validate_certs: args.validate_certs, follow: args.follow, keyfile: keyFile };
    if (after === undefined) return { changed: false, result };
    // Only a write sets ownership and modes: the user's uid and primary group, 0600, and 0700 on the directory.
    const owner = args.user;
    const group = account.exists ? await primaryGroup(account, ctx) : args.user;
    const sshDir = posix.dirname(keyFile);
    const dirState = await ctx.facts.path(sshDir);
    const directory = args.manage_dir && account.exists ? { path: sshDir, create: !dirState.exists, owner, group } : undefined;
    const dirChanged = directory !== undefined && (directory.create || dirState.mode !== '0700' || dirState.owner !== owner || dirState.group !== group);
    if (dirState.exists && dirState.type !== 'directory') throw new Error(`${sshDir} exists and is a ${dirState.type}, not a directory`);
    const facts = directory?.create ? withDirectory(ctx, sshDir) : ctx.facts;
    const plan = await planRegularFile({ path: keyFile, content: Buffer.from(after), mode: '0600', owner: account.exists ? owner : undefined, group: account.exists ? group : undefined, createParents: true }, { ...ctx, facts });
    const dirAfter: PathState = { path: sshDir, exists: true, type: 'directory', mode: '0700', owner, group };
    return {
      ...plan,
      changed: true,
      message: [dirChanged ? (directory!.create ? `create ${sshDir} (0700)` : `${sshDir} 0700 ${owner}:${group}`) : '', args.state === 'absent' ? 'remove key' : 'add key', plan.message ?? ''].filter(Boolean).join(', '),
      predicted: [...(directory ? [dirAfter] : []), ...(plan.predicted ?? [])],
      result: { ...result, changed: true },
      data: { ...plan.data!, directory },
    };
  },
  async apply(_args, check, ctx) {
    const { directory } = check.data!;
    if (directory) {
      // os.mkdir (not makedirs): a missing home is an error, as in the module.
      const made = directory.create ? `mkdir -m 0700 -- ${shellQuote(directory.path)} && ` : '';
      queueChange(ctx, `${made}chown ${shellQuote(`${directory.owner}:${directory.group}`)} -- ${shellQuote(directory.path)} && chmod 0700 -- ${shellQuote(directory.path)}`);
    }
    applyRegularFile({ ...check.data!, makeParent: directory?.create ? undefined : check.data!.makeParent }, ctx);
    return { changed: true, result: check.result };
  },
};

/** Facts as they will be once manage_dir made the directory: the key file's write is planned against it. */
function withDirectory(ctx: ModuleContext, directory: string): ModuleContext['facts'] {
  return {
    get: (request) => ctx.facts.get(request),
    want: (requests) => ctx.facts.want(requests),
    content: (path) => ctx.facts.content(path),
    path: async (path) => (path === directory ? { path, exists: true, type: 'directory', mode: '0700' } : ctx.facts.path(path)),
  };
}
