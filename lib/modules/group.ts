import { groupFact, type GroupState } from '../facts/index.js';
import { shellCommand } from '../util/shell.js';
import { runNow } from './file-state.js';
import type { CheckResult, ModuleDefinition } from './types.js';

export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  local: boolean;
  non_unique: boolean;
}

interface GroupPlan {
  argv?: string[];
}

/**
 * The decision alone, for tests (facts in, command out), as Ansible's group module decides it
 * on Linux: groupadd (-g, -o, -r) when absent, groupmod -g when the gid differs, groupdel when
 * asked absent. The system flag matters only when the group is created.
 */
export function planGroup(args: GroupArgs, current: GroupState): CheckResult<GroupPlan> {
  let argv: string[] | undefined;
  let after: GroupState = current;
  if (args.state === 'absent') {
    if (current.exists) {
      argv = ['groupdel', args.name];
      after = { name: args.name, exists: false };
    }
  } else if (!current.exists) {
    argv = ['groupadd', ...(args.gid !== undefined ? ['-g', String(args.gid), ...(args.non_unique ? ['-o'] : [])] : []), ...(args.system ? ['-r'] : []), args.name];
    after = { name: args.name, exists: true, gid: args.gid, members: [] };
  } else if (args.gid !== undefined && current.gid !== args.gid) {
    argv = ['groupmod', '-g', String(args.gid), ...(args.non_unique ? ['-o'] : []), args.name];
    after = { ...current, gid: args.gid };
  }
  const result: Record<string, unknown> = { name: args.name, state: args.state };
  if (after.exists) Object.assign(result, { system: args.system, gid: after.gid ?? null });
  return {
    changed: argv !== undefined,
    message: argv === undefined ? undefined : args.state === 'absent' ? 'remove group' : current.exists ? `gid ${current.gid} → ${args.gid}` : `create group${args.gid !== undefined ? ` (gid ${args.gid})` : ''}`,
    // Later tasks (a user in this group, a file owned by it) plan against the group as it will be.
    facts: argv === undefined ? undefined : [{ request: groupFact(args.name), value: after }],
    // A real run reads the group back (the gid groupadd picked) when a later task asks.
    invalidatesFacts: argv !== undefined,
    result,
    data: { argv },
  };
}

export const group: ModuleDefinition<GroupArgs, GroupPlan> = {
  name: 'group',
  description: 'A group present (with a gid) or absent, through groupadd/groupmod/groupdel.',
  example: `- name: The deploy group
  group:
    name: deployers
    gid: 2001
    state: present
`,
  args: {
    name: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    gid: { type: 'int' },
    system: { type: 'bool', default: false },
    local: { type: 'bool', default: false, description: 'not supported: lgroupadd (libuser) is not used' },
    non_unique: { type: 'bool', default: false },
  },
  requiredIf: [['non_unique', true, ['gid']]],
  validate: (args) => (args.local === true ? "group: 'local: true' (libuser's lgroupadd) is not supported" : undefined),
  prefetch: (args) => [groupFact(args.name)],
  async check(args, ctx) {
    return planGroup(args, await ctx.facts.get(groupFact(args.name)));
  },
  async apply(args, check, ctx) {
    const argv = check.data!.argv!;
    if (args.state === 'absent') {
      await runNow(ctx, shellCommand(argv));
      return { changed: true };
    }
    // The gid groupadd picked, for the registered result.
    const entry = await runNow(ctx, `${shellCommand(argv)} && getent group ${shellCommand([args.name])}`);
    const gid = Number(entry.split(':')[2]);
    return { changed: true, result: Number.isInteger(gid) ? { gid } : {} };
  },
};
