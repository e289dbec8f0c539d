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
