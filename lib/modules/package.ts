import { gatheredFact } from '../facts/gathered.js';
import { aptArgs, aptPrefetch, applyApt, checkApt, type AptArgs, type AptPlan } from './apt.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface PackageArgs extends AptArgs {
  use: string;
}

/**
 * The host's package manager as Ansible's package action finds it: `use`, else the gathered
 * `ansible_pkg_mgr`, else a minimal gathering of its own (Ansible runs setup with that filter).
 */
export async function packageManager(use: string, ctx: ModuleContext): Promise<string> {
  if (use !== 'auto') return use;
  const facts = ctx.vars.ansible_facts as Record<string, unknown> | undefined;
  const gathered = facts?.pkg_mgr ?? ctx.vars.ansible_pkg_mgr;
  if (typeof gathered === 'string') return gathered;
  const probed = (await ctx.facts.get(gatheredFact(['!all']))).ansible_pkg_mgr;
  return typeof probed === 'string' ? probed : 'unknown';
}

function requireApt(manager: string, host: string): void {
  if (manager !== 'apt') throw new Error(`package: ${host}'s package manager is '${manager}'; runbook's package module supports apt (Debian family) only`);
}

/** Ansible's generic package module: dispatched to apt on Debian hosts, refused clearly elsewhere. */
export const packageModule: ModuleDefinition<PackageArgs, AptPlan> = {
  name: 'package',
  description: "Packages present or absent through the host's package manager (apt on the Debian family; others are refused).",
  example: `- name: Web server present
  package:
    name: [nginx-light]
    state: present
`,
  args: {
    ...aptArgs,
    name: { ...aptArgs.name, required: true },
    use: { type: 'str', default: 'auto', description: "the package manager: 'auto' (the gathered ansible_pkg_mgr) or 'apt'" },
  },
  prefetch: (args) => aptPrefetch(args),
  async check(args, ctx) {
    requireApt(await packageManager(args.use, ctx), ctx.host);
    return checkApt(args, ctx);
  },
  apply: (args, check, ctx) => applyApt(args, check, ctx),
};
