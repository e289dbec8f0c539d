import { UndefinedVariableError } from '../template/index.js';
import type { ModuleDefinition } from './types.js';

interface DebugArgs {
  msg?: unknown;
  var?: unknown;
  verbosity: number;
}

/** debug: prints a message or a variable's value; never changes anything. */
export const debug: ModuleDefinition<DebugArgs> = {
  name: 'debug',
  description: 'Show a message or the value of a variable.',
  example: `- name: Show the kernel only with -v
  debug:
    var: kernel.stdout
    verbosity: 1
`,
  args: {
    msg: { type: 'raw' },
    var: { type: 'raw' },
    verbosity: { type: 'int', default: 0 },
  },
  mutuallyExclusive: [['msg', 'var']],
  async check(args, ctx) {
    if (args.verbosity > ctx.verbosity) {
      return { changed: false, skipped: true, message: 'Verbosity threshold not met.', result: { skipped_reason: 'Verbosity threshold not met.' } };
    }
    if (args.var !== undefined) {
      const name = typeof args.var === 'string' ? args.var : String(Array.isArray(args.var) ? "<class 'list'>" : "<class 'dict'>");
      const value = typeof args.var === 'string' ? valueOf(args.var, ctx.expression) : args.var;
      return { changed: false, message: `${name}: ${shown(value)}`, result: { [name]: value } };
    }
    const msg = args.msg ?? 'Hello world!';
    return { changed: false, message: shown(msg), result: { msg } };
  },
  async apply() {
    return { changed: false };
  },
};

/** Ansible templates `var` as a bare expression; undefined reads as the text Ansible prints. */
function valueOf(expression: string, evaluate: (expression: string) => unknown): unknown {
  try {
    return evaluate(expression);
  } catch (error) {
    if (error instanceof Error && error.cause instanceof UndefinedVariableError) return 'VARIABLE IS NOT DEFINED!';
    throw error;
  }
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
