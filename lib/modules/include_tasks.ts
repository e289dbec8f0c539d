import type { ModuleDefinition } from './types.js';

/**
 * `include_tasks: file.yml` (or `file:`, with `apply:`): a dynamic include. Declared here so its
 * arguments are checked and rendered like any task's; the engine loads the file when a host
 * reaches the task, and runs its tasks next.
 */
export const includeTasks: ModuleDefinition<{ _raw_params?: string; file?: string; apply?: Record<string, unknown> }> = {
  name: 'include_tasks',
  aliases: ['include'],
  description: 'The tasks of a file, loaded when a host reaches this task (per loop item), run next.',
  example: `- name: One user's accounts and keys, per user
  include_tasks: user.yml
  loop: "{{ users | default([]) }}"
  loop_control:
    loop_var: user
`,
  freeForm: true,
  args: {
    file: { type: 'str' },
    apply: { type: 'dict' },
  },
  validate: (args) => {
    const given = [args._raw_params, args.file].filter((v) => v !== undefined && v !== '').length;
    return given === 0 ? 'include_tasks needs a file' : given > 1 ? "include_tasks takes the file once, free-form or as 'file'" : undefined;
  },
  async check() {
    throw new Error('include_tasks is carried out by the engine');
  },
  async apply() {
    throw new Error('include_tasks is carried out by the engine');
  },
};
