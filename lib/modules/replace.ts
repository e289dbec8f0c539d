import { fileContentFact, pathFact } from '../facts/index.js';
import { applyRegularFile, fileMetadataArgs, validateArgError, writeSafetyArgs, type FilePlan } from './file-state.js';
import { currentText, expandTemplate, planEditedFile, pythonRegExp } from './text-edit.js';
import type { ModuleDefinition } from './types.js';

interface ReplaceArgs {
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  mode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

/** replace, as ansible.builtin.replace: every match of a multiline regexp replaced, optionally between after and before. */
export const replace: ModuleDefinition<ReplaceArgs, FilePlan> = {
  name: 'replace',
  description: 'Replace every match of a regular expression in a text file.',
  example: `- name: New host name everywhere
  replace:
    path: /etc/app.conf
    regexp: 'old\\.example'
    replace: new.example`,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'str', required: true },
    replace: { type: 'str', default: '' },
    after: { type: 'str' },
    before: { type: 'str' },
    ...fileMetadataArgs(),
    ...writeSafetyArgs(),
  },
  validate: (args) => validateArgError(args.validate),
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path)],
  async check(args, ctx) {
    const contents = await currentText(args.path, ctx);
    if (contents === undefined) return { changed: false, failed: true, message: `Path ${args.path} does not exist !`, result: { rc: 257, msg: `Path ${args.path} does not exist !` } };
    let section = contents;
    let start = 0;
    let end = contents.length;
    const pattern = args.after && args.before ? `${args.after}(?P<subsection>.*?)${args.before}` : args.after ? `${args.after}(?P<subsection>.*)` : args.before ? `(?P<subsection>.*)${args.before}` : '';
    if (pattern) {
      const match = pythonRegExp(pattern, 'sd').exec(contents);
      if (!match) {
        const msg = `Pattern for before/after params did not match the given file: ${pattern}`;
        return { changed: false, message: msg, result: { rc: 0, msg } };
      }
      [start, end] = match.indices!.groups!.subsection;
      section = match.groups!.subsection;
    }
    let count = 0;
    const replaced = section.replace(pythonRegExp(args.regexp, 'gm'), (...found) => {
      count++;
      const groups = typeof found[found.length - 1] === 'object' ? found[found.length - 1] : undefined;
      const numbered = found.slice(0, groups ? -3 : -2);
      const match = Object.assign(numbered, { index: 0, input: section, groups }) as unknown as RegExpExecArray;
      return expandTemplate(args.replace, match);
    });
    const changed = count > 0 && replaced !== section;
    const after = changed ? contents.slice(0, start) + replaced + contents.slice(end) : undefined;
    const plan = await planEditedFile({ path: args.path, after, msg: changed ? `${count} replacements made` : '', mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate }, ctx, true);
    return { ...plan, result: { ...plan.result, rc: 0 } };
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};
