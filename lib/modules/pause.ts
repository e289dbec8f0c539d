import type { ModuleDefinition } from './types.js';

interface PauseArgs {
  seconds?: number;
  minutes?: number;
  prompt?: string;
}

/**
 * pause for a number of seconds or minutes (minutes win when both are given, as Ansible). Waiting
 * for a keypress (no seconds or minutes) is not supported: a run must not need a terminal.
 * A wait changes nothing, so a dry-run waits too, as Ansible's check mode does.
 */
export const pause: ModuleDefinition<PauseArgs> = {
  name: 'pause',
  description: 'Wait a number of seconds or minutes.',
  example: `- name: Let the API server settle
  pause:
    seconds: 5
`,
  args: {
    seconds: { type: 'int' },
    minutes: { type: 'int' },
    prompt: { type: 'str' },
  },
  requiredOneOf: [['seconds', 'minutes']],
  runsOnce: true,
  async check(args, ctx) {
    const seconds = args.minutes !== undefined ? args.minutes * 60 : args.seconds!;
    const start = new Date();
    ctx.progress(`${args.prompt ? `${args.prompt}: ` : ''}pausing for ${seconds} s`);
    if (seconds > 0) await new Promise((done) => setTimeout(done, seconds * 1000));
    const stop = new Date();
    return {
      changed: false,
      message: `Paused for ${seconds} seconds`,
      result: { start: pythonTime(start), stop: pythonTime(stop), delta: seconds, echo: true, rc: 0, stderr: '', stdout: `Paused for ${seconds} seconds`, user_input: '' },
    };
  },
  async apply() {
    return { changed: false };
  },
};

/** `2024-01-01 12:00:00.123456`, as Ansible's pause reports start and stop. */
function pythonTime(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
}
