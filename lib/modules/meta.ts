import type { ModuleDefinition } from './types.js';

/** The meta actions runbook knows; the engine carries them out (they act on the play, not on a host). */
export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'noop'] as const;
export type MetaAction = (typeof META_ACTIONS)[number];

/**
 * `meta: flush_handlers | end_play | end_host | noop`, as Ansible's meta tasks: no host state
 * of its own and no recap count. The engine acts on it before any module would run.
 */
export const meta: ModuleDefinition<{ _raw_params?: string }> = {
  name: 'meta',
  description: 'Play control: run notified handlers now, end the play or this host\'s play, or nothing.',
  example: `- name: Restart services changed so far, before the checks below
  meta: flush_handlers
`,
  freeForm: true,
  args: {},
  validate: (args) => {
    const action = args._raw_params;
    if (action === undefined || action === '') return `meta needs an action (${META_ACTIONS.join(', ')})`;
    if (!(META_ACTIONS as readonly string[]).includes(action)) return `meta '${action}' is not supported (supported: ${META_ACTIONS.join(', ')})`;
    return undefined;
  },
  async check() {
    throw new Error('meta tasks are carried out by the engine');
  },
  async apply() {
    throw new Error('meta tasks are carried out by the engine');
  },
};
