import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, type FactKind, type FactRequest, type SectionOutput } from './kind.js';

export interface UserState {
  name: string;
  exists: boolean;
  uid?: number;
  gid?: number;
  comment?: string;
  home?: string;
  shell?: string;
}

export interface GroupState {
  name: string;
  exists: boolean;
  gid?: number;
  members?: string[];
}

/** getent: exit 0 all found, 2 some not found; anything else is an error. */
function entries(output: SectionOutput, database: string, fieldCount: number): string[][] {
  const missing = missingTool(output, 'getent is required for user and group facts');
  if (missing) throw missing;
  if (output.code !== 0 && output.code !== 2) throw new FactError('getent', `${database}: ${excerpt(output)}`);
  return output.stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split(':');
      if (fields.length !== fieldCount || !/^\d+$/.test(fields[2])) throw new FactError('getent', `${database} output does not parse: '${line.slice(0, 120)}'`);
      return fields;
    });
}

function find(rows: string[][], key: string): string[] | undefined {
  return rows.find((row) => row[0] === key) ?? (/^\d+$/.test(key) ? rows.find((row) => row[2] === key) : undefined);
}

/** A user account (`getent passwd`, so LDAP and the like count). Default: `{ exists: false }`. */
export const userKind: FactKind<string, UserState> = {
  name: 'user',
  key: (name) => name,
  sections: (names) => [{ tool: 'getent', script: `getent passwd ${names.map(shellQuote).join(' ')}` }],
  parse([output], names) {
    const rows = entries(output, 'passwd', 7);
    return names.map((name) => {
      const row = find(rows, name);
      if (!row) return { name, exists: false };
      return { name: row[0], exists: true, uid: Number(row[2]), gid: Number(row[3]), comment: row[4], home: row[5], shell: row[6] };
    });
  },
};

/** A group (`getent group`). Default: `{ exists: false }`. */
export const groupKind: FactKind<string, GroupState> = {
  name: 'group',
  key: (name) => name,
  sections: (names) => [{ tool: 'getent', script: `getent group ${names.map(shellQuote).join(' ')}` }],
  parse([output], names) {
    const rows = entries(output, 'group', 4);
    return names.map((name) => {
      const row = find(rows, name);
      if (!row) return { name, exists: false };
      return { name: row[0], exists: true, gid: Number(row[2]), members: row[3] === '' ? [] : row[3].split(',') };
    });
  },
};

export function userFact(name: string): FactRequest<UserState> {
  return { kind: userKind, param: name };
}

export function groupFact(name: string): FactRequest<GroupState> {
  return { kind: groupKind, param: name };
}

/** What a user module needs to know of an account: its passwd entry, its groups, its home, and (when asked) a digest of its password. */
export interface AccountState extends UserState {
  /** Groups whose member list names the user (`getent group`), the primary group only when it lists the user too. */
  groups: string[];
  /** The primary group's name, when a group has the account's gid. */
  primaryGroup?: string;
  /** The account's home directory exists. */
  homeExists: boolean;
  /**
   * The shadow entry's password, as a digest: `sha256` of the hash without its leading '!'s, and
   * whether it is locked. The hash itself never leaves the host. Undefined when there is no
   * shadow entry the probing user may read (reading /etc/shadow needs root): the user module
   * refuses to decide on a password it cannot see.
   */
  password?: { locked: boolean; sha256: string };
}

/**
 * One section printing, per user, the digest of its shadow password: `entry <locked> <sha256>`,
 * or `absent`. The hash is digested on the host: it is a secret and never crosses the wire.
 */
function shadowScript(names: string[]): string {
  return `for u in ${names.map(shellQuote).join(' ')}; do
printf '\\036%s\\n' "$u"
if e=$(getent shadow "$u"); then
p=\${e#*:}; p=\${p%%:*}; l=0
case $p in '!'*) l=1;; esac
while [ "\${p#!}" != "$p" ]; do p=\${p#!}; done
printf 'entry %s ' "$l"; printf %s "$p" | sha256sum | cut -c1-64
else r=$?; [ $r -eq 2 ] && echo absent || return $r
fi
done`;
}

/**
 * A user account as the user module sees it (`getent passwd`, `getent group`, a test of the
 * home, `getent shadow` digested on the host). Default: `{ exists: false }`. A shadow entry
 * missing for an account that exists is an error (reading /etc/shadow needs root), never "no
 * password".
 */
export const accountKind: FactKind<string, AccountState> = {
  name: 'account',
  key: (name) => name,
  sections(names) {
    const quoted = names.map(shellQuote).join(' ');
    return [
      { tool: 'getent', script: `getent passwd ${quoted}` },
      { tool: 'getent', script: 'getent group' },
      { tool: 'test', script: `getent passwd ${quoted} | while IFS=: read -r n _ _ _ _ h _; do if [ -e "$h" ]; then printf '%s\\n' "$n"; fi; done` },
      { tool: 'getent', script: shadowScript(names) },
    ];
  },
  parse([passwd, group, homes, shadow], names) {
    const users = entries(passwd, 'passwd', 7);
    const groups = entries(group, 'group', 4);
    if (homes.code !== 0) throw new FactError('test', `home directories: ${excerpt(homes)}`);
    const withHome = new Set(homes.stdout.toString('utf8').split('\n').filter((l) => l !== ''));
    const digests = parseShadow(shadow);
    return names.map((name) => {
      const row = users.find((r) => r[0] === name);
      if (!row) return { name, exists: false, groups: [], homeExists: false };
      const gid = Number(row[3]);
      const state: AccountState = {
        name,
        exists: true,
        uid: Number(row[2]),
        gid,
        comment: row[4],
        home: row[5],
        shell: row[6],
        groups: groups.filter((g) => g[3] !== '' && g[3].split(',').includes(name)).map((g) => g[0]),
        primaryGroup: groups.find((g) => Number(g[2]) === gid)?.[0],
        homeExists: withHome.has(name),
      };
      const digest = digests.get(name);
      if (digest) state.password = digest;
      return state;
    });
  },
};

function parseShadow(output: SectionOutput): Map<string, AccountState['password'] | null> {
  const missing = missingTool(output, 'getent is required for user facts');
  if (missing) throw missing;
  if (output.code !== 0) throw new FactError('getent', `shadow: ${excerpt(output)}`);
  const digests = new Map<string, AccountState['password'] | null>();
  for (const block of output.stdout.toString('utf8').split('\x1e').slice(1)) {
    const [name, answer] = block.split('\n');
    const match = /^entry ([01]) ([0-9a-f]{64})$/.exec(answer ?? '');
    if (answer === 'absent') digests.set(name, null);
    else if (match) digests.set(name, { locked: match[1] === '1', sha256: match[2] });
    else throw new FactError('getent', `shadow output does not parse for ${name}`);
  }
  return digests;
}

export function accountFact(name: string): FactRequest<AccountState> {
  return { kind: accountKind, param: name };
}
