import { shellCommand, shellQuote } from '../util/shell.js';
import { pathFact } from '../facts/path.js';
import { splitWords } from '../util/words.js';
import type { ApplyContext, CheckResult, ModuleContext, ModuleDefinition } from './types.js';

interface CommandArgs {
  _raw_params?: string;
  cmd?: string;
  argv?: string[];
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  executable?: string;
}

const commandArgs = {
  cmd: { type: 'str' },
  argv: { type: 'list', elements: 'str' },
  creates: { type: 'path' },
  removes: { type: 'path' },
  chdir: { type: 'path' },
  stdin: { type: 'str' },
} as const;

/**
 * command runs a program without a shell (no pipes or redirections, as in Ansible);
 * shell runs the text through /bin/sh.
 */
function commandModule(name: 'command' | 'shell', toShell: (args: CommandArgs) => string): ModuleDefinition<CommandArgs> {
  return {
    name,
    description: name === 'shell' ? 'A shell command line, guarded by creates/removes.' : 'A program with arguments (no shell), guarded by creates/removes.',
    example:
      name === 'shell'
        ? `- name: Initialise the data directory once\n  shell: ./init.sh > init.log 2>&1\n  args:\n    chdir: /srv/app\n    creates: /srv/app/data/initialised\n`
        : `- name: Kernel version (read-only)\n  command: uname -r\n  register: kernel\n  changed_when: false\n`,
    freeForm: true,
    args: name === 'shell' ? { cmd: commandArgs.cmd, creates: commandArgs.creates, removes: commandArgs.removes, chdir: commandArgs.chdir, stdin: commandArgs.stdin, executable: { type: 'path' } } : commandArgs,
    validate: (args) => {
      const given = [args._raw_params, args.cmd, args.argv].filter((v) => v !== undefined && v !== '').length;
      return given === 0 ? `${name} needs a command` : given > 1 ? `${name} takes one of the free-form text, 'cmd' or 'argv'` : undefined;
    },
    prefetch: (args) => [args.creates, args.removes].filter((p): p is string => p !== undefined).map((p) => pathFact(guardPath(p, args.chdir))),
    check: (args, ctx) => checkGuards(args, ctx, toShell(args)),
    async apply(args, _check, ctx: ApplyContext) {
      const line = toShell(args);
      const outcome = await runReported(ctx, line, { cwd: args.chdir, stdin: args.stdin });
      return { ...outcome, result: { cmd: line, ...outcome.result } };
    },
  };
}

/** Run a command line on the host and report it as command, shell and raw do: rc, output, lines, always changed. */
async function runReported(ctx: ApplyContext, line: string, options: { cwd?: string; stdin?: string }) {
  const result = await ctx.transport.exec(line, { ...ctx.privilege, ...options, maxOutput: MAX_KEPT_OUTPUT });
  const stdout = result.stdout.toString().replace(/\n$/, '');
  const stderr = result.stderr.toString().replace(/\n$/, '');
  const failed = result.code !== 0;
  const truncated = result.dropped ? `output truncated: ${describeDropped(result.dropped)} past ${MAX_KEPT_OUTPUT / MIB} MiB per stream not kept` : undefined;
  const message = [failed ? `exit ${result.code}: ${stderr || stdout}`.slice(0, 2000) : undefined, truncated].filter(Boolean).join('; ');
  return {
    changed: true,
    failed,
    message: message || undefined,
    result: {
      rc: result.code, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), msg: failed ? 'non-zero return code' : '',
      ...(result.dropped ? { truncated: true, stdout_dropped_bytes: result.dropped.stdout, stderr_dropped_bytes: result.dropped.stderr } : {}),
    },
  };
}

const MIB = 1024 * 1024;
/** Command output kept in memory per stream; the rest is counted and reported, never held. */
export const MAX_KEPT_OUTPUT = 10 * MIB;

function describeDropped(dropped: { stdout: number; stderr: number }): string {
  return (['stdout', 'stderr'] as const).filter((s) => dropped[s] > 0).map((s) => `${dropped[s]} bytes of ${s}`).join(' and ');
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

function guardPath(path: string, chdir?: string): string {
  return path.startsWith('/') || !chdir ? path : `${chdir.replace(/\/$/, '')}/${path}`;
}

async function checkGuards(args: CommandArgs, ctx: ModuleContext, line: string): Promise<CheckResult> {
  if (args.creates !== undefined && (await ctx.facts.path(guardPath(args.creates, args.chdir))).exists) {
    return { changed: false, message: `skipped, since ${args.creates} exists`, result: { rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], cmd: line } };
  }
  if (args.removes !== undefined && !(await ctx.facts.path(guardPath(args.removes, args.chdir))).exists) {
    return { changed: false, message: `skipped, since ${args.removes} does not exist`, result: { rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], cmd: line } };
  }
  return {
    changed: true,
    message: ctx.dryRun ? `would run: ${line}` : undefined,
    invalidatesFacts: true,
    result: { cmd: line },
  };
}

export const command = commandModule('command', (args) => (args.argv ? shellCommand(args.argv) : shellCommand(splitWords(args.cmd ?? args._raw_params ?? ''))));
/** shell: the text through /bin/sh, or through `executable` (`/bin/bash`) as Ansible runs it: `executable -c text`. */
export const shell = commandModule('shell', (args) => {
  const text = args.cmd ?? args._raw_params ?? '';
  return args.executable ? `${shellQuote(args.executable)} -c ${shellQuote(text)}` : text;
});

/**
 * raw: the text as it is, through the login shell (or `executable -c`), as Ansible's raw action:
 * no module, no guards, always changed, and skipped in check mode (Ansible cannot know its effect).
 */
export const raw: ModuleDefinition<{ _raw_params?: string; executable?: string }> = {
  name: 'raw',
  description: 'A command line sent as it is (no module on the host); skipped in a dry-run, as in Ansible check mode.',
  example: `- name: Python for the modules that need it
  raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3-minimal)
`,
  freeForm: true,
  args: { executable: { type: 'path' } },
  validate: (args) => (args._raw_params === undefined || args._raw_params === '' ? 'raw needs a command' : undefined),
  check: async (_args, ctx) =>
    ctx.dryRun ? { changed: false, skipped: true, message: 'skipped: raw does not run in a dry-run (as Ansible check mode)', result: { skipped: true, changed: false } } : { changed: true, invalidatesFacts: true, result: {} },
  apply: (args, _check, ctx) => runReported(ctx, args.executable ? `${shellQuote(args.executable)} -c ${shellQuote(args._raw_params!)}` : args._raw_params!, {}),
};
