import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { accountFact, fileContentFact, groupFact, pathFact, userFact, type AccountState, type FactValue, type GroupState, type PathState } from '../facts/index.js';
import { shellCommand, shellQuote } from '../util/shell.js';
import { runNow } from './file-state.js';
import type { CheckResult, ModuleDefinition } from './types.js';

export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  non_unique: boolean;
  group?: string;
  groups?: string[];
  append: boolean;
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  password_lock?: boolean;
  update_password: 'always' | 'on_create';
  create_home: boolean;
  move_home: boolean;
  skeleton?: string;
  umask?: string;
  system: boolean;
  remove: boolean;
  force: boolean;
  local: boolean;
}

/** What the decision needs from the host. */
export interface UserFacts {
  account: AccountState;
  /** Every group the task names (group, groups), as the host (or an earlier task) has it. */
  groups: Map<string, GroupState>;
  /** The parent of `home` is a directory (only asked when creating with a home). */
  homeParentIsDir?: boolean;
  /** The path `home` names exists (only asked when `home` is given). */
  homeExists?: boolean;
  /** useradd's defaults (/etc/default/useradd): what a new account gets, for the dry-run's prediction. */
  defaults?: { shell?: string; home?: string };
}

export interface UserPlan {
  /** Shell commands in order; the password hash goes on stdin, never in a command line. */
  commands: string[];
  stdin?: string;
}

/** The password's digest as the account fact reports it: sha256 of the hash without its leading '!'s. */
export function passwordDigest(hash: string): string {
  return createHash('sha256').update(hash.replace(/^!+/, '')).digest('hex');
}

const PASSWORD_FROM_STDIN = '"$(cat)"';

function groupExists(facts: UserFacts, name: string): GroupState {
  const group = facts.groups.get(name);
  if (!group?.exists) throw new Error(`Group ${name} does not exist`);
  return group;
}

/**
 * The decision alone (facts in, commands out), line for line Ansible 2.14's user module on
 * Linux: useradd / usermod / userdel with the same options, a missing home made from the
 * skeleton. Throws Ansible's message when a named group does not exist.
 */
export function planUser(args: UserArgs, facts: UserFacts): CheckResult<UserPlan> & { after: AccountState } {
  const current = facts.account;
  const commands: string[] = [];
  let stdin: string | undefined;
  const changes: string[] = [];
  let after: AccountState = { ...current };
  const result: Record<string, unknown> = { name: args.name, state: args.state };

  if (args.state === 'absent') {
    if (current.exists) {
      commands.push(shellCommand(['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), args.name]));
      changes.push('remove user');
      after = { name: args.name, exists: false, groups: [], homeExists: false };
      Object.assign(result, { force: args.force, remove: args.remove });
    }
  } else if (!current.exists) {
    const argv = ['useradd'];
    if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
    let primaryGroup = args.name;
    if (args.group !== undefined) {
      groupExists(facts, args.group);
      argv.push('-g', args.group);
      primaryGroup = args.group;
    } else if (facts.groups.get(args.name)?.exists) {
      // As Ansible: a group of the user's name exists, so useradd must not try to create it.
      argv.push('-N');
      primaryGroup = 'users';
    }
    const groups = (args.groups ?? []).map((g) => g.trim()).filter((g) => g !== '');
    for (const g of groups) groupExists(facts, g);
    if (groups.length > 0) argv.push('-G', [...new Set(groups)].join(','));
    if (args.comment !== undefined) argv.push('-c', args.comment);
    if (args.home !== undefined) {
      // useradd cannot make the home's parents: Ansible makes them first.
      if (args.create_home && !facts.homeParentIsDir) commands.push(shellCommand(['mkdir', '-p', '--', posix.dirname(args.home)]));
      argv.push('-d', args.home);
    }
    if (args.shell !== undefined) argv.push('-s', args.shell);
    const passwordArgs = args.password !== undefined ? ['-p', PASSWORD_FROM_STDIN] : [];
    if (args.password !== undefined) stdin = `${args.password_lock ? '!' : ''}${args.password}`;
    if (args.create_home) {
      argv.push('-m');
      if (args.skeleton !== undefined) argv.push('-k', args.skeleton);
      if (args.umask !== undefined) argv.push('-K', `UMASK=${args.umask}`);
    } else argv.push('-M');
    if (args.system) argv.push('-r');
    commands.push(`${shellCommand(argv)}${passwordArgs.length ? ` -p ${PASSWORD_FROM_STDIN}` : ''} -- ${shellQuote(args.name)}`);
    changes.push(`create user${args.uid !== undefined ? ` (uid ${args.uid})` : ''}`);
    const home = args.home ?? `${facts.defaults?.home ?? '/home'}/${args.name}`;
    after = {
      name: args.name,
      exists: true,
      uid: args.uid,
      gid: args.group !== undefined ? facts.groups.get(args.group)?.gid : undefined,
      comment: args.comment ?? '',
      home,
      shell: args.shell ?? facts.defaults?.shell,
      groups,
      primaryGroup,
      homeExists: args.create_home,
    };
    Object.assign(result, { system: args.system, create_home: args.create_home });
  } else {
    const argv: string[] = [];
    if (args.uid !== undefined && current.uid !== args.uid) {
      argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
      changes.push(`uid ${current.uid} → ${args.uid}`);
      after.uid = args.uid;
    }
    if (args.group !== undefined) {
      const group = groupExists(facts, args.group);
      if (group.gid === undefined || current.gid !== group.gid) {
        argv.push('-g', group.gid !== undefined ? String(group.gid) : args.group);
        changes.push(`group ${current.primaryGroup ?? current.gid} → ${args.group}`);
        after = { ...after, gid: group.gid, primaryGroup: args.group };
      }
    }
    if (args.groups !== undefined) {
      const wanted = [...new Set(args.groups.map((g) => g.trim()).filter((g) => g !== ''))];
      for (const g of wanted) groupExists(facts, g);
      const currentGroups = current.groups;
      let modify = false;
      if (wanted.length === 0) modify = currentGroups.length > 0 && !args.append;
      else {
        const diff = [...currentGroups.filter((g) => !wanted.includes(g)), ...wanted.filter((g) => !currentGroups.includes(g))];
        if (diff.length > 0) {
          if (args.append) {
            if (wanted.some((g) => diff.includes(g))) {
              argv.push('-a');
              modify = true;
            }
          } else modify = true;
        }
      }
      if (modify) {
        argv.push('-G', wanted.join(','));
        const groups = args.append ? [...new Set([...currentGroups, ...wanted])] : wanted;
        changes.push(`groups ${currentGroups.join(',') || '(none)'} → ${groups.join(',') || '(none)'}`);
        after.groups = groups;
      }
    }
    if (args.comment !== undefined && current.comment !== args.comment) {
      argv.push('-c', args.comment);
      changes.push('comment');
      after.comment = args.comment;
    }
    if (args.home !== undefined && current.home !== args.home) {
      argv.push('-d', args.home, ...(args.move_home ? ['-m'] : []));
      changes.push(`home ${current.home} → ${args.home}`);
      after.home = args.home;
    }
    if (args.shell !== undefined && current.shell !== args.shell) {
      argv.push('-s', args.shell);
      changes.push(`shell ${current.shell} → ${args.shell}`);
      after.shell = args.shell;
    }
    const locked = current.password?.locked ?? false;
    let lockFlag: string | undefined;
    if (args.password_lock === true && !locked) lockFlag = '-L';
    else if (args.password_lock === false && locked) lockFlag = '-U';
    let setsPassword = false;
    if (args.update_password === 'always' && args.password !== undefined && current.password?.sha256 !== passwordDigest(args.password)) {
      // -p replaces -L/-U, as Ansible: the lock goes into the hash itself.
      setsPassword = true;
      lockFlag = undefined;
      stdin = `${args.password_lock ? '!' : ''}${args.password}`;
      changes.push('password');
    }
    if (lockFlag) {
      argv.push(lockFlag);
      changes.push(lockFlag === '-L' ? 'lock password' : 'unlock password');
    }
    if (argv.length > 0 || setsPassword) {
      commands.push(`${shellCommand(['usermod', ...argv])}${setsPassword ? ` -p ${PASSWORD_FROM_STDIN}` : ''} -- ${shellQuote(args.name)}`);
    }
    Object.assign(result, { append: args.append, move_home: args.move_home });
    // As Ansible: a home that is missing (after usermod) is made from the skeleton, owned by the user.
    const home = after.home ?? `/home/${args.name}`;
    const moved = args.home !== undefined && args.home !== current.home;
    const homeExists = moved ? facts.homeExists === true || (args.move_home && current.homeExists) : current.homeExists;
    after.homeExists = homeExists;
    if (args.create_home && !homeExists) {
      commands.push(makeHome(home, args.skeleton ?? '/etc/skel', args.name));
      changes.push(`create home ${home}`);
      after.homeExists = true;
    }
  }
  if (args.password !== undefined && args.state === 'present') result.password = 'NOT_LOGGING_PASSWORD';
  if (after.exists) {
    Object.assign(result, { uid: after.uid ?? null, group: after.gid ?? null, comment: after.comment, home: after.home, shell: after.shell ?? null });
    if (args.groups !== undefined) result.groups = args.groups.join(',');
  }
  const changed = commands.length > 0;
  const predictions: FactValue[] = [];
  if (changed) {
    predictions.push({ request: userFact(args.name), value: { name: args.name, exists: after.exists, uid: after.uid, gid: after.gid, comment: after.comment, home: after.home, shell: after.shell } });
    // A new account without a password gets '!' (locked, empty) from useradd.
    const password = args.password !== undefined ? { locked: args.password_lock ?? false, sha256: passwordDigest(args.password) } : !current.exists ? { locked: true, sha256: passwordDigest('') } : after.password;
    predictions.push({ request: accountFact(args.name), value: password ? { ...after, password } : after });
    // useradd made the user's own group (Debian's USERGROUPS_ENAB): later tasks may use it.
    if (!current.exists && after.exists && after.primaryGroup === args.name && args.group === undefined) {
      predictions.push({ request: groupFact(args.name), value: { name: args.name, exists: true, gid: undefined, members: [] } });
    }
  }
  const predicted: PathState[] = changed && after.exists && after.homeExists && !current.homeExists && after.home
    ? [{ path: after.home, exists: true, type: 'directory', mode: '0755', owner: args.name, group: after.primaryGroup ?? args.name }]
    : [];
  return {
    changed,
    message: changes.join(', ') || undefined,
    facts: predictions.length > 0 ? predictions : undefined,
    predicted: predicted.length > 0 ? predicted : undefined,
    // A real run reads the account back (the uid useradd picked) when a later task asks.
    invalidatesFacts: changed,
    result,
    data: { commands, stdin },
    after,
  };
}

const USERADD_DEFAULTS = '/etc/default/useradd';

/** SHELL= and HOME= of /etc/default/useradd (useradd's own defaults when absent: no shell, /home). */
export function useraddDefaults(file: { readable: boolean; content?: Buffer }): { shell?: string; home?: string } {
  const text = file.readable && file.content ? file.content.toString('utf8') : '';
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1].trim();
  return { shell: value('SHELL'), home: value('HOME') ?? '/home' };
}

/** Ansible's create_homedir: a copy of the skeleton, mode from login.defs' UMASK (0755), owned by the user. */
function makeHome(home: string, skeleton: string, user: string): string {
  const [h, s, u] = [home, skeleton, user].map(shellQuote);
  return `if [ -d ${s} ]; then cp -a -- ${s} ${h}; else mkdir -p -- ${h}; fi && chmod 0755 -- ${h} && chown -R -- ${u}: ${h}`;
}

export const user: ModuleDefinition<UserArgs, UserPlan> = {
  name: 'user',
  description: 'A user account present (uid, groups, shell, home, password hash) or absent, through useradd/usermod/userdel.',
  example: `- name: The deploy user
  user:
    name: deploy
    uid: 2001
    groups: [sudo]
    append: true
    shell: /bin/bash
    password: "$6$rounds=4096$salt$hashhashhash"   # a crypt(3) hash; never shown
`,
  args: {
    name: { type: 'str', required: true, aliases: ['user'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    uid: { type: 'int' },
    non_unique: { type: 'bool', default: false },
    group: { type: 'str' },
    groups: { type: 'list', elements: 'str' },
    append: { type: 'bool', default: false },
    comment: { type: 'str' },
    home: { type: 'path', absolute: true },
    shell: { type: 'str' },
    password: { type: 'str', noLog: true, description: 'a crypt(3) hash, as Ansible: never the clear password' },
    password_lock: { type: 'bool' },
    update_password: { type: 'str', default: 'always', choices: ['always', 'on_create'] },
    create_home: { type: 'bool', default: true, aliases: ['createhome'] },
    move_home: { type: 'bool', default: false },
    skeleton: { type: 'str' },
    umask: { type: 'str' },
    system: { type: 'bool', default: false },
    remove: { type: 'bool', default: false },
    force: { type: 'bool', default: false },
    local: { type: 'bool', default: false, description: "not supported: libuser's luseradd is not used" },
  },
  validate: (args) => (args.local === true ? "user: 'local: true' (libuser's luseradd) is not supported" : undefined),
  prefetch: (args) => [
    accountFact(args.name),
    ...[args.name, ...(args.group !== undefined ? [args.group] : []), ...(Array.isArray(args.groups) ? args.groups : [])].filter((g) => typeof g === 'string').map((g) => groupFact(g.trim())),
    ...(typeof args.home === 'string' ? [pathFact(args.home), pathFact(posix.dirname(args.home))] : []),
    fileContentFact(USERADD_DEFAULTS),
  ],
  async check(args, ctx) {
    const account = await ctx.facts.get(accountFact(args.name));
    const decidesPassword = args.state === 'present' && account.exists && ((args.password !== undefined && args.update_password === 'always') || args.password_lock !== undefined);
    if (decidesPassword && account.password === undefined) throw new Error(`cannot read the shadow entry of ${args.name}: reading /etc/shadow needs root (use become)`);
    const names = [args.name, ...(args.group !== undefined ? [args.group] : []), ...(args.groups ?? []).map((g) => g.trim()).filter((g) => g !== '')];
    const groups = new Map<string, GroupState>();
    for (const name of names) groups.set(name, await ctx.facts.get(groupFact(name)));
    const homeParentIsDir = args.home !== undefined ? (await ctx.facts.path(posix.dirname(args.home))).type === 'directory' : undefined;
    const homeExists = args.home !== undefined ? (await ctx.facts.path(args.home)).exists : undefined;
    const defaults = account.exists || args.state === 'absent' ? undefined : useraddDefaults(await ctx.facts.get(fileContentFact(USERADD_DEFAULTS)));
    const { after: _after, ...plan } = planUser(args, { account, groups, homeParentIsDir, homeExists, defaults });
    return plan;
  },
  async apply(args, check, ctx) {
    const { commands, stdin } = check.data!;
    for (const command of commands) {
      const result = await ctx.transport.exec(command, { ...ctx.privilege, ...(command.includes(PASSWORD_FROM_STDIN) && stdin !== undefined ? { stdin } : {}) });
      if (result.code !== 0) throw new Error(`${command.split(' ')[0]}: ${result.stderr.toString().trim() || `exit ${result.code}`}`);
    }
    if (args.state === 'absent') return { changed: true };
    // The ids useradd picked, for the registered result.
    const entry = (await runNow(ctx, `getent passwd ${shellQuote(args.name)}`)).trim().split(':');
    return { changed: true, result: entry.length === 7 ? { uid: Number(entry[2]), group: Number(entry[3]), home: entry[5], shell: entry[6], comment: entry[4] } : {} };
  },
};
