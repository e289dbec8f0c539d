import { posix } from 'node:path';
import { fileContentFact, pathFact } from '../facts/index.js';
import { applyRegularFile, fileMetadataArgs, validateArgError, writeSafetyArgs, type FilePlan } from './file-state.js';
import { currentText, planEditedFile, pythonRegExp, splitLines, stripEol } from './text-edit.js';
import type { ModuleDefinition } from './types.js';

interface BlockInFileArgs {
  path: string;
  state: 'present' | 'absent';
  marker: string;
  block: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  marker_begin: string;
  marker_end: string;
  mode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

/** blockinfile, as ansible.builtin.blockinfile: a block of lines between two marker lines. */
export const blockinfile: ModuleDefinition<BlockInFileArgs, FilePlan> = {
  name: 'blockinfile',
  description: 'A block of lines between markers in a text file.',
  example: `- name: Limits
  blockinfile:
    path: /etc/app.conf
    block: |
      limit=10
      burst=20`,
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    block: { type: 'str', default: '', aliases: ['content'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    create: { type: 'bool', default: false },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    ...fileMetadataArgs(),
    ...writeSafetyArgs(),
  },
  mutuallyExclusive: [['insertbefore', 'insertafter']],
  validate: (args) => validateArgError(args.validate),
  // create: true may need to make the parent directory: ask about it in the same probe.
  prefetch: (args) => [pathFact(args.path), fileContentFact(args.path), ...(args.create ? [pathFact(posix.dirname(args.path))] : [])],
  async check(args, ctx) {
    const original = await currentText(args.path, ctx);
    if (original === undefined && !args.create) {
      return { changed: false, failed: true, message: `Path ${args.path} does not exist !`, result: { rc: 257, msg: `Path ${args.path} does not exist !` } };
    }
    if (original === undefined && args.state === 'absent') return { changed: false, message: `File ${args.path} not present`, result: { msg: `File ${args.path} not present` } };
    const result = edit(original ?? '', args);
    const msg = original === result ? '' : original === undefined ? 'File created' : args.state === 'absent' || args.block === '' ? 'Block removed' : 'Block inserted';
    return planEditedFile({ path: args.path, after: original === result ? undefined : result, msg, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate, createParents: args.create }, ctx, original !== undefined);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

/** Ansible's main() of blockinfile.py, on text: the file's text with the block put in place (or removed). */
function edit(original: string, args: BlockInFileArgs): string {
  const lines = splitLines(original);
  const insertafter = args.insertbefore === undefined && args.insertafter === undefined ? 'EOF' : args.insertafter;
  const { insertbefore } = args;
  const insertRe = insertafter !== undefined && insertafter !== 'EOF' ? pythonRegExp(insertafter) : insertbefore !== undefined && insertbefore !== 'BOF' ? pythonRegExp(insertbefore) : undefined;
  const marker0 = `${args.marker.replaceAll('{mark}', args.marker_begin)}\n`;
  const marker1 = `${args.marker.replaceAll('{mark}', args.marker_end)}\n`;
  let blockLines: string[] = [];
  if (args.state === 'present' && args.block !== '') {
    const block = args.block.endsWith('\n') ? args.block : `${args.block}\n`;
    blockLines = [marker0, ...splitLines(block), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertRe) {
      for (const [i, line] of lines.entries()) if (insertRe.test(stripEol(line))) n0 = i;
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) {
      n0 = 0;
    } else {
      n0 = lines.length;
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  return lines.join('');
}
