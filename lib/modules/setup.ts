import { gatheredFact, subsetParts } from '../facts/gathered.js';
import type { ModuleDefinition } from './types.js';

interface SetupArgs {
  gather_subset: string[];
  filter: string[];
  gather_timeout: number;
}

/** Ansible's filter: shell-style globs over the fact names (with or without the ansible_ prefix). */
function globMatcher(patterns: string[]): (name: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexps = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => regexps.some((r) => r.test(name) || r.test(name.replace(/^ansible_/, '')));
}

/**
 * Ansible's setup: the host's facts, from the same probe as every other fact (lib/facts/gathered.ts).
 * Its result's `ansible_facts` become the host's variables. Read-only: never changed.
 */
export const setup: ModuleDefinition<SetupArgs> = {
  name: 'setup',
  aliases: ['ansible.builtin.setup', 'gather_facts', 'ansible.builtin.gather_facts'],
  description: "The host's facts (Ansible's names and shapes, common subset) as variables.",
  example: `- name: Facts again after the kernel upgrade\n  setup:\n`,
  args: {
    gather_subset: { type: 'list', elements: 'str', default: ['all'] },
    filter: { type: 'list', elements: 'str', default: [] },
    gather_timeout: { type: 'int', default: 10 },
    fact_path: { type: 'path', description: 'accepted; local facts (facts.d) are not read' },
  },
  validate: (args) => {
    if (!Array.isArray(args.gather_subset) || args.gather_subset.some((s) => typeof s !== 'string' || s.includes('{{'))) return undefined;
    try {
      subsetParts(args.gather_subset);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  prefetch: (args) => [gatheredFact(args.gather_subset)],
  async check(args, ctx) {
    const facts = await ctx.facts.get(gatheredFact(args.gather_subset));
    const keep = globMatcher(args.filter);
    return { changed: false, result: { ansible_facts: Object.fromEntries(Object.entries(facts).filter(([name]) => keep(name))) } };
  },
  async apply() {
    return { changed: false };
  },
};
