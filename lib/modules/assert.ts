import type { ModuleDefinition } from './types.js';

interface AssertArgs {
  that: unknown[];
  fail_msg?: unknown;
  success_msg?: unknown;
  quiet: boolean;
}

/** assert: every condition of `that` must hold (evaluated as `when`), else the task fails with fail_msg. */
export const assert: ModuleDefinition<AssertArgs> = {
  name: 'assert',
  description: 'Fail unless every condition holds.',
  example: `- name: The cluster has an odd number of masters
  assert:
    that:
      - groups['masters'] | length is odd
    fail_msg: etcd needs an odd number of members
`,
  args: {
    that: { type: 'list', required: true },
    fail_msg: { type: 'raw', aliases: ['msg'] },
    success_msg: { type: 'raw' },
    quiet: { type: 'bool', default: false },
  },
  async check(args, ctx) {
    for (const that of args.that) {
      const holds = typeof that === 'boolean' ? that : ctx.evaluate(String(that));
      if (!holds) {
        const msg = args.fail_msg ?? 'Assertion failed';
        return { changed: false, failed: true, message: messageText(msg), result: { assertion: that, evaluated_to: false, msg } };
      }
    }
    const msg = args.success_msg ?? 'All assertions passed';
    return { changed: false, message: args.quiet ? undefined : messageText(msg), result: { msg } };
  },
  async apply() {
    return { changed: false };
  },
};

/** fail: the task fails with `msg`. */
export const fail: ModuleDefinition<{ msg: unknown }> = {
  name: 'fail',
  description: 'Fail the host with a message.',
  example: `- name: Refuse unsupported releases
  fail:
    msg: "release {{ release }} is not supported"
  when: release is version('1.2', '<')
`,
  args: { msg: { type: 'raw', default: 'Failed as requested from task' } },
  async check(args) {
    return { changed: false, failed: true, message: messageText(args.msg), result: { msg: args.msg } };
  },
  async apply() {
    return { changed: false };
  },
};

function messageText(msg: unknown): string {
  return Array.isArray(msg) ? msg.map(String).join('\n') : typeof msg === 'string' ? msg : JSON.stringify(msg);
}
