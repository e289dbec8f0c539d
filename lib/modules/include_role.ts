import type { ModuleDefinition } from './types.js';

/**
 * `include_role: {name: x, tasks_from: y, vars: {...}, apply: {...}}`: a role loaded when a
 * host reaches this task (per loop item). Declared here so its arguments are checked and
 * rendered like any task's; the engine loads the role and runs its tasks next.
 */
export const includeRole: ModuleDefinition<{ name?: string; tasks_from?: string }> = {
  name: 'include_role',
  description: 'A role loaded when a host reaches this task (per loop item), its tasks run next.',
  example: `- name: The web server's TLS part only, where TLS is wanted
  include_role:
    name: webserver
    tasks_from: tls
  when: tls_enabled | default(false)
`,
  args: {
    name: { type: 'str', required: true },
    tasks_from: { type: 'str' },
    vars_from: { type: 'str' },
    defaults_from: { type: 'str' },
    handlers_from: { type: 'str' },
    vars: { type: 'dict' },
    apply: { type: 'dict' },
    public: { type: 'bool' },
    allow_duplicates: { type: 'bool' },
    rolespec_validate: { type: 'bool' },
  },
  async check() {
    throw new Error('include_role is carried out by the engine');
  },
  async apply() {
    throw new Error('include_role is carried out by the engine');
  },
};
