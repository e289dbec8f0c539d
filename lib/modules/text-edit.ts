import type { CheckResult, ModuleContext } from './types.js';
import { currentRegularFile, planRegularFile, type FilePlan } from './file-state.js';

/**
 * Shared by the modules that edit a file's text on the host (lineinfile, blockinfile, replace):
 * Python regular expressions in JavaScript, Python's match.expand, and the plan of the edited file.
 */

/**
 * A Python `re` pattern as a JavaScript RegExp: named groups `(?P<n>...)` and `(?P=n)` are
 * rewritten; `\A` and `\Z` become start and end of input. Lines are matched without their
 * newline, which gives Python's `$` (end, or before a final newline) for line-by-line matching.
 */
export function pythonRegExp(pattern: string, flags = ''): RegExp {
  const source = pattern
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^(?<![\\s\\S])')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  try {
    return new RegExp(source, flags.includes('u') ? flags : `${flags}u`);
  } catch {
    try {
      return new RegExp(source, flags.replace('u', ''));
    } catch (error) {
      throw new Error(`invalid regular expression '${pattern}': ${(error as Error).message}`, { cause: error });
    }
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's match.expand / re.sub template: `\1`, `\g<1>`, `\g<name>`, `\n` and friends. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(?:g<([^>]+)>|(\d{1,2})|(.))/gs, (whole, group: string | undefined, digits: string | undefined, other: string | undefined) => {
    if (group !== undefined) return (/^\d+$/.test(group) ? match[Number(group)] : match.groups?.[group]) ?? '';
    if (digits !== undefined) return match[Number(digits)] ?? '';
    return other !== undefined && other in ESCAPES ? ESCAPES[other] : whole;
  });
}

/** Lines as Python's readlines() gives them: each with its '\n', the last maybe without. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A line without its line ending, as Python's `rstrip('\r\n')`. */
export function stripEol(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

/** What the file holds now: undefined when absent; a directory or an unreadable file is an error. */
export async function currentText(path: string, ctx: ModuleContext): Promise<string | undefined> {
  const state = await ctx.facts.path(path);
  if (state.exists && state.type === 'directory') throw new Error(`Path ${path} is a directory !`);
  if (!state.exists) return undefined;
  await currentRegularFile(path, ctx);
  const content = await ctx.facts.content(path);
  if (content === undefined) throw new Error(`cannot read ${path} as ${ctx.user}`);
  return content.toString('utf8');
}

export interface EditedFile {
  path: string;
  /** The text after the edit; undefined leaves the content (and a missing file) alone. */
  after?: string;
  /** Ansible's message for the content change ('line added', '2 replacements made'). */
  msg: string;
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
  /** create: true: a missing parent directory is made (lineinfile and blockinfile: os.makedirs). */
  createParents?: boolean;
}

/**
 * The plan of an edited file: the content change and owner/mode, with Ansible's message
 * (the content's, then 'ownership, perms or SE linux context changed').
 */
export async function planEditedFile(edit: EditedFile, ctx: ModuleContext, exists: boolean): Promise<CheckResult<FilePlan>> {
  if (!exists && edit.after === undefined) return { changed: false, message: edit.msg || undefined, result: { msg: edit.msg } };
  const plan = await planRegularFile({ path: edit.path, content: edit.after === undefined ? undefined : Buffer.from(edit.after), mode: edit.mode, owner: edit.owner, group: edit.group, backup: edit.backup, validate: edit.validate, createParents: edit.createParents }, ctx);
  const contentChanged = plan.data!.writeContent;
  const metaChanged = exists && (plan.message ?? '').split(', ').some((change) => change !== '' && change !== 'content');
  const msg = [contentChanged ? edit.msg : '', metaChanged ? 'ownership, perms or SE linux context changed' : ''].filter(Boolean).join(' and ');
  return { ...plan, message: plan.changed ? `${msg}${plan.message ? ` (${plan.message})` : ''}` : undefined, result: { ...plan.result, msg } };
}
