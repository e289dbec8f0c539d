import { packageFact, type PackageState } from '../facts/index.js';
import type { CheckResult, ModuleDefinition } from './types.js';

type Selection = 'install' | 'hold' | 'deinstall' | 'purge';

interface DpkgSelectionsArgs {
  name: string;
  selection: Selection;
}

/** dpkg's wanted state, the first letter of db:Status-Abbrev, as `dpkg --get-selections` names it. */
const SELECTION_BY_WANT: Record<string, Selection> = { i: 'install', h: 'hold', r: 'deinstall', p: 'purge' };
const WANT_BY_SELECTION: Record<Selection, string> = { install: 'i', hold: 'h', deinstall: 'r', purge: 'p' };

/**
 * The selection now: 'not present' for a package dpkg has no selection for (never heard of, or
 * wanted state unknown), which `dpkg --get-selections NAME` does not list.
 */
export function currentSelection(state: PackageState): Selection | 'not present' {
  return SELECTION_BY_WANT[state.status[0] ?? ''] ?? 'not present';
}

/** The decision alone (facts in, change out), as ansible.builtin.dpkg_selections makes it. */
export function planSelection(args: DpkgSelectionsArgs, state: PackageState): CheckResult {
  const before = currentSelection(state);
  const changed = before !== args.selection;
  // dpkg keeps no selection for a package it does not know: later tasks still see none.
  const after: PackageState | undefined = changed && state.status !== '' ? { ...state, status: `${WANT_BY_SELECTION[args.selection]}${state.status.slice(1)}` } : undefined;
  return {
    changed,
    message: changed ? `selection ${before} → ${args.selection}` : undefined,
    facts: after ? [{ request: packageFact(args.name), value: after }] : undefined,
    result: { before, after: args.selection },
  };
}

export const dpkgSelections: ModuleDefinition<DpkgSelectionsArgs> = {
  name: 'dpkg_selections',
  description: "A Debian package's dpkg selection (install, hold, deinstall, purge), as `dpkg --set-selections`.",
  example: `- name: Keep kubelet at its version
  dpkg_selections:
    name: kubelet
    selection: hold
`,
  args: {
    name: { type: 'str', required: true },
    selection: { type: 'str', required: true, choices: ['install', 'hold', 'deinstall', 'purge'] },
  },
  prefetch: (args) => [packageFact(args.name)],
  async check(args, ctx) {
    return planSelection(args, await ctx.facts.get(packageFact(args.name)));
  },
  async apply(args, check, ctx) {
    // The line goes on stdin, as the module sends it; the name is data, never shell text.
    const line = `${args.name} ${args.selection}\n`;
    const result = await ctx.transport.exec('dpkg --set-selections', { ...ctx.privilege, stdin: line });
    if (result.code !== 0) throw new Error(`dpkg --set-selections: ${result.stderr.toString().trim() || `exit ${result.code}`}`);
    return { changed: true, result: check.result };
  },
};
