import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest, type SectionOutput } from './kind.js';
import type { FileType } from './path.js';

/** One path below a tree's root, as find saw it. */
export interface TreeEntry {
  path: string;
  type: FileType;
  mode: string; // four octal digits
  owner: string;
  group: string;
}

/** Everything below a directory (the root itself excluded): what `file: recurse=yes` walks. */
export interface TreeState {
  root: string;
  exists: boolean;
  entries: TreeEntry[];
}

const TYPES: Record<string, FileType> = { f: 'file', d: 'directory', l: 'link' };
const ABSENT = /^find: .*: No such file or directory$/;

/**
 * Type, mode, owner and group of every path below a directory, from GNU find (`-printf`,
 * NUL-separated, so any name survives); links are listed, never followed. Default:
 * `{ exists: false }`, only when find says the root is not there. A task that writes a path
 * inside the tree drops the cached answer (probed again when next asked).
 */
export const treeKind: FactKind<string, TreeState> = {
  name: 'tree',
  key: (root) => root,
  sections: (roots) => roots.map((root) => ({ tool: 'find', script: `find ${shellQuote(root)} -mindepth 1 -printf '%y\\0%m\\0%u\\0%g\\0%p\\0'` })),
  parse: (outputs, roots) => roots.map((root, i) => parseTree(outputs[i], root)),
  forgetOnPathChanged: (root, path) => path === root || path.startsWith(`${root.replace(/\/+$/, '')}/`),
};

export function treeFact(root: string): FactRequest<TreeState> {
  return { kind: treeKind, param: root };
}

function parseTree(output: SectionOutput, root: string): TreeState {
  const missing = missingTool(output, 'GNU findutils find is required');
  if (missing) throw missing;
  if (output.code !== 0) {
    const lines = stderrLines(output);
    if (lines.length === 1 && ABSENT.test(lines[0]) && output.stdout.length === 0) return { root, exists: false, entries: [] };
    throw new FactError('find', `${root}: ${excerpt(output)}`);
  }
  const fields = output.stdout.toString('utf8').split('\0');
  if (fields.pop() !== '' || fields.length % 5 !== 0) throw new FactError('find', `output does not parse (truncated) — GNU findutils find is required: '${output.stdout.subarray(0, 120).toString('utf8').replace(/\0/g, '␀')}'`);
  const entries: TreeEntry[] = [];
  for (let i = 0; i < fields.length; i += 5) {
    const [type, mode, owner, group, path] = fields.slice(i, i + 5);
    if (!/^[a-zA-Z]$/.test(type) || !/^[0-7]{1,4}$/.test(mode) || !owner || !group || !path.startsWith(root)) {
      throw new FactError('find', `output does not parse at ${JSON.stringify(path)} — GNU findutils find is required`);
    }
    entries.push({ path, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), owner, group });
  }
  return { root, exists: true, entries };
}
