import { fileContentFact, sysctlFact, type SysctlState } from '../facts/index.js';
import { shellCommand } from '../util/shell.js';
import { applyRegularFile, planRegularFile, writeFacts, type FilePlan } from './file-state.js';
import type { CheckResult, ModuleDefinition } from './types.js';

export interface SysctlArgs {
  name: string;
  value?: string;
  state: 'present' | 'absent';
  reload: boolean;
  sysctl_set: boolean;
  ignoreerrors: boolean;
  sysctl_file: string;
}

const TRUE_WORDS = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE_WORDS = ['n', 'no', 'off', '0', 'false', 'f'];

/** The value as ansible.posix.sysctl reads it: booleans as 1/0, other text stripped. */
export function sysctlValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = String(value);
  if (TRUE_WORDS.includes(text.toLowerCase())) return '1';
  if (FALSE_WORDS.includes(text.toLowerCase())) return '0';
  return text.trim();
}

/** Whitespace-separated values equal, as the module's _values_is_equal. */
function sameValue(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const [x, y] = [a.split(/\s+/).filter(Boolean), b.split(/\s+/).filter(Boolean)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export interface SysctlDecision {
  changed: boolean;
  /** The file's new text, when it must be written. */
  fileText?: string;
  /** sysctl -w name=value now. */
  setProc: boolean;
  /** sysctl -p sysctl_file after. */
  reload: boolean;
}

/**
 * The decision alone (facts in, actions out), line for line ansible.posix.sysctl on Linux: the
 * file's lines are stripped and each key's first `k=v` kept (later duplicates dropped), the key
 * replaced, removed or appended; the kernel's value is compared only when reload or sysctl_set.
 */
export function planSysctl(args: SysctlArgs, fileText: string | undefined, proc: SysctlState): SysctlDecision {
  const name = args.name.trim();
  const value = sysctlValue(args.value);
  const lines = (fileText ?? '').split(/(?<=\n)/).filter((l) => l !== '').map((l) => l.trim());
  const values = new Map<string, string>();
  for (const line of lines) {
    if (!line || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const fixed: string[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.trim() || line.trim().startsWith('#') || line.trim().startsWith(';') || !line.includes('=')) {
      fixed.push(line);
      continue;
    }
    const at = line.indexOf('=');
    const [k, v] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    if (seen.has(k)) continue;
    seen.add(k);
    if (k === name) {
      if (args.state === 'present') fixed.push(`${k}=${value}`);
    } else fixed.push(`${k}=${v}`);
  }
  if (!seen.has(name) && args.state === 'present') fixed.push(`${name}=${value}`);
  const inFile = values.get(name);
  // `sysctl -e -n` prints nothing for an unknown key (exit 0): the module then compares ''.
  const procValue = proc.exists ? proc.value : '';
  let changed = false;
  let writeFile = false;
  let setProc = false;
  if (inFile === undefined && args.state === 'present') changed = writeFile = true;
  else if (inFile === undefined) changed = false;
  else if (inFile !== '' && args.state === 'absent') changed = writeFile = true;
  else if (inFile !== value) changed = writeFile = true;
  else if (args.reload && !sameValue(procValue, value)) changed = true;
  if (args.sysctl_set && args.state === 'present' && !sameValue(procValue, value)) {
    changed = true;
    setProc = true;
  }
  return { changed, fileText: writeFile ? fixed.map((l) => `${l.trim()}\n`).join('') : undefined, setProc, reload: changed && args.reload };
}

interface SysctlPlan {
  decision: SysctlDecision;
  file?: FilePlan;
  /** The file's new bytes: the fact cache predicts them for the next task on the same file. */
  contents?: Map<string, Buffer>;
}

/** sysctl, as ansible.posix.sysctl: a kernel parameter in a sysctl file, and in the running kernel when asked. */
export const sysctl: ModuleDefinition<SysctlArgs, SysctlPlan> = {
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl'],
  description: 'A kernel parameter in a sysctl file (atomically written), set in the kernel with sysctl_set, the file reloaded with reload.',
  example: `- name: Forward IPv4, in the file only
  sysctl:
    name: net.ipv4.ip_forward
    value: "1"
    sysctl_file: /srv/m/sysctl.conf
    sysctl_set: false
    reload: false
`,
  args: {
    name: { type: 'str', required: true, aliases: ['key'] },
    value: { type: 'str', aliases: ['val'] },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    reload: { type: 'bool', default: true },
    sysctl_set: { type: 'bool', default: false },
    ignoreerrors: { type: 'bool', default: false },
    sysctl_file: { type: 'path', default: '/etc/sysctl.conf', absolute: true },
  },
  requiredIf: [['state', 'present', ['value']]],
  prefetch: (args) => [sysctlFact(args.name.trim()), fileContentFact(args.sysctl_file), ...writeFacts(args.sysctl_file, {})],
  async check(args, ctx): Promise<CheckResult<SysctlPlan>> {
    if (args.name.trim() === '') throw new Error('name cannot be blank');
    if (args.state === 'present' && sysctlValue(args.value) === '') throw new Error('value cannot be blank');
    const proc = await ctx.facts.get(sysctlFact(args.name.trim()));
    const state = await ctx.facts.path(args.sysctl_file);
    const text = state.exists && state.type === 'file' ? (await ctx.facts.content(args.sysctl_file))?.toString('utf8') : undefined;
    if (state.exists && state.type === 'file' && text === undefined) throw new Error(`Failed to open ${args.sysctl_file}: not readable`);
    const decision = planSysctl(args, text, proc);
    const file = decision.fileText !== undefined ? await planRegularFile({ path: args.sysctl_file, content: Buffer.from(decision.fileText) }, ctx) : undefined;
    const value = sysctlValue(args.value);
    const actions = [file?.changed ? `${args.sysctl_file}: ${file.message}` : undefined, decision.setProc ? `set ${args.name.trim()}=${value}` : undefined, decision.reload ? `reload ${args.sysctl_file}` : undefined].filter(Boolean);
    return {
      changed: decision.changed,
      message: decision.changed ? actions.join(', ') || 'would set' : undefined,
      diff: file?.diff,
      predicted: file?.predicted,
      // The kernel's value once set or reloaded (a reload sets every key of the file).
      facts: decision.changed && (decision.setProc || decision.reload) && args.state === 'present' ? [{ request: sysctlFact(args.name.trim()), value: { key: args.name.trim(), exists: true, value } }] : undefined,
      data: { decision, file: file?.data, contents: file?.data?.contents },
    };
  },
  async apply(args, check, ctx) {
    const { decision, file } = check.data!;
    const value = sysctlValue(args.value);
    if (decision.setProc) {
      const out = await ctx.transport.exec(shellCommand(['sysctl', ...(args.ignoreerrors ? ['-e'] : []), '-w', `${args.name.trim()}=${value}`]), ctx.privilege);
      const said = `${out.stdout.toString()}${out.stderr.toString()}`;
      if (out.code !== 0 || /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(said)) throw new Error(`setting ${args.name.trim()} failed: ${said.trim()}`);
    }
    if (file) applyRegularFile(file, ctx);
    if (decision.reload) {
      const out = await ctx.transport.exec(shellCommand(['sysctl', ...(args.ignoreerrors ? ['-e'] : []), '-p', args.sysctl_file]), ctx.privilege);
      const said = `${out.stdout.toString()}${out.stderr.toString()}`;
      if (out.code !== 0 || /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(said)) throw new Error(`Failed to reload sysctl: ${said.trim()}`);
    }
    return { changed: true };
  },
};
