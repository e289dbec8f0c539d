import { posix } from 'node:path';
import { fileContentFact, pathFact } from '../facts/index.js';
import { applyRegularFile, fileMetadataArgs, validateArgError, writeSafetyArgs, type FilePlan } from './file-state.js';
import { currentText, expandTemplate, planEditedFile, pythonRegExp, splitLines, stripEol } from './text-edit.js';
import type { ModuleDefinition } from './types.js';

interface LineInFileArgs {
  path: string;
  state: 'present' | 'absent';
  regexp?: string;
  search_string?: string;
  line?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  create: boolean;
  firstmatch: boolean;
  mode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

/** lineinfile, as ansible.builtin.lineinfile: one line present (replaced where regexp matches) or absent. */
export const lineinfile: ModuleDefinition<LineInFileArgs, FilePlan> = {
  name: 'lineinfile',
  description: 'A line present in, or absent from, a text file.',
  example: `- name: Listen on 8080
  lineinfile:
    path: /etc/app.conf
    regexp: '^port='
    line: port=8080`,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    line: { type: 'str', aliases: ['value'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    backrefs: { type: 'bool', default: false },
    create: { type: 'bool', default: false },
    firstmatch: { type: 'bool', default: false },
    ...fileMetadataArgs(),
    ...writeSafetyArgs(),
  },
  mutuallyExclusive: [['insertbefore', 'insertafter'], ['regexp', 'search_string'], ['backrefs', 'search_string']],
  validate(args) {
    const validateError = validateArgError(args.validate);
    if (validateError) return validateError;
    if (args.state === 'absent') return args.regexp === undefined && args.search_string === undefined && args.line === undefined ? 'one of line, search_string, or regexp is required with state=absent' : undefined;
    if (args.backrefs === true && args.regexp === undefined) return 'regexp is required with backrefs=true';
    return args.line === undefined ? 'line is required with state=present' : undefined;
  },
  // create: true may need to make the parent directory: ask about it in the same probe.
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path), ...(args.create ? [pathFact(posix.dirname(args.path))] : [])],
  async check(args, ctx) {
    const before = await currentText(args.path, ctx);
    if (before === undefined && args.state === 'present' && !args.create) {
      return { changed: false, failed: true, message: `Destination ${args.path} does not exist !`, result: { rc: 257, msg: `Destination ${args.path} does not exist !` } };
    }
    if (before === undefined && args.state === 'absent') return { changed: false, message: 'file not present', result: { msg: 'file not present' } };
    const edit = args.state === 'present' ? present(splitLines(before ?? ''), args) : absent(splitLines(before!), args);
    const plan = await planEditedFile({ path: args.path, after: edit.changed ? edit.lines.join('') : undefined, msg: edit.msg, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate, createParents: args.create }, ctx, before !== undefined);
    return { ...plan, result: { ...plan.result, ...(args.state === 'absent' ? { found: edit.found } : {}), backup: '' } };
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

interface Edit {
  lines: string[];
  changed: boolean;
  msg: string;
  found?: number;
}

/** Ansible's present(): the same decisions in the same order (see lineinfile.py). */
function present(lines: string[], args: LineInFileArgs): Edit {
  const line = args.line!;
  const insertafter = args.insertbefore === undefined && args.insertafter === undefined ? 'EOF' : args.insertafter;
  const insertbefore = args.insertbefore;
  const regexp = args.regexp !== undefined ? pythonRegExp(args.regexp) : undefined;
  const insertRe = insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF' ? pythonRegExp(insertafter) : insertbefore !== undefined && insertbefore !== 'BOF' ? pythonRegExp(insertbefore) : undefined;
  let found = -1;
  let insertAt = -1;
  let match: RegExpExecArray | boolean | undefined;
  let exactLineMatch = false;
  if (regexp) {
    for (const [i, current] of lines.entries()) {
      const m = regexp.exec(stripEol(current));
      if (m) {
        found = i;
        match = m;
        if (args.firstmatch) break;
      }
    }
  }
  if (args.search_string !== undefined) {
    for (const [i, current] of lines.entries()) {
      if (current.includes(args.search_string)) {
        found = i;
        match = true;
        if (args.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (const [i, current] of lines.entries()) {
      if (line === stripEol(current)) {
        found = i;
        exactLineMatch = true;
      } else if (insertRe && insertRe.test(stripEol(current))) {
        if (insertafter !== undefined) {
          insertAt = i + 1;
          if (args.firstmatch) break;
        }
        if (insertbefore !== undefined) {
          insertAt = i;
          if (args.firstmatch) break;
        }
      }
    }
  }
  const added = (edit: () => void): Edit => {
    edit();
    return { lines, changed: true, msg: 'line added' };
  };
  const unchanged: Edit = { lines, changed: false, msg: '' };
  if (found !== -1) {
    let newLine = args.backrefs && match && typeof match !== 'boolean' ? expandTemplate(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (args.regexp === undefined && args.search_string === undefined && !match && !exactLineMatch) {
      // Unreachable in practice (found implies a match or the exact line), kept as Ansible has it.
      return unchanged;
    }
    if (lines[found] !== newLine) {
      lines[found] = newLine;
      return { lines, changed: true, msg: 'line replaced' };
    }
    return unchanged;
  }
  if (args.backrefs) return unchanged;
  if (insertbefore === 'BOF' || insertafter === 'BOF') return added(() => lines.unshift(`${line}\n`));
  if (insertafter === 'EOF' || insertAt === -1) {
    return added(() => {
      if (lines.length > 0 && !/[\n\r]$/.test(lines[lines.length - 1])) lines.push('\n');
      lines.push(`${line}\n`);
    });
  }
  if (insertafter !== undefined) {
    if (lines.length === insertAt) return stripEol(lines[insertAt - 1]) !== line ? added(() => lines.push(`${line}\n`)) : unchanged;
    return line !== stripEol(lines[insertAt]) ? added(() => lines.splice(insertAt, 0, `${line}\n`)) : unchanged;
  }
  return added(() => lines.splice(insertAt, 0, `${line}\n`));
}

/** Ansible's absent(): every line the regexp, search_string or exact line matches goes. */
function absent(lines: string[], args: LineInFileArgs): Edit {
  const regexp = args.regexp !== undefined ? pythonRegExp(args.regexp) : undefined;
  const matches = (current: string) =>
    regexp ? regexp.test(stripEol(current)) : args.search_string !== undefined ? current.includes(args.search_string) : args.line === stripEol(current);
  const kept = lines.filter((current) => !matches(current));
  const found = lines.length - kept.length;
  return { lines: kept, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}
