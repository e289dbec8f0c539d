import type { ModuleDefinition } from './types.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * set_fact: variables of the host from here on, in the layer of registered results (above play
 * and task vars, below extra vars), as Ansible. `cacheable` is accepted and ignored: runbook has
 * no fact cache between runs.
 */
export const setFact: ModuleDefinition<Record<string, unknown>> = {
  name: 'set_fact',
  description: 'Set variables of the host for the tasks after this one.',
  example: `- name: Derive the advertise address
  set_fact:
    advertise_address: "{{ ansible_host }}"
`,
  anyArgs: true,
  factsAs: 'set',
  args: { cacheable: { type: 'bool', default: false } },
  validate(args) {
    const names = Object.keys(args).filter((name) => name !== 'cacheable');
    if (names.length === 0) return 'No key/value pairs provided, at least one is required for this action to succeed';
    const bad = names.find((name) => !IDENTIFIER.test(name) && !name.includes('{{'));
    return bad === undefined ? undefined : `The variable name '${bad}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`;
  },
  async check(args) {
    const facts: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args)) {
      if (name === 'cacheable' || name.startsWith('_')) continue;
      if (!IDENTIFIER.test(name)) throw new Error(`The variable name '${name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      facts[name] = ansibleStringBoolean(value);
    }
    return { changed: false, result: { ansible_facts: facts } };
  },
  async apply() {
    return { changed: false };
  },
};

/** Ansible's set_fact turns the strings true/false/yes/no (any case) into booleans. */
function ansibleStringBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.toLowerCase();
  return word === 'true' || word === 'yes' ? true : word === 'false' || word === 'no' ? false : value;
}
