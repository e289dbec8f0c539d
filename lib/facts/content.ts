import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, type FactKind, type FactRequest } from './kind.js';

/** A file's bytes as the probing user reads them. */
export interface FileContent {
  path: string;
  exists: boolean;
  /** False when the file exists and the probing user may not read it (the check decides what that means). */
  readable: boolean;
  content?: Buffer;
}

/**
 * The content of a file, read by the probe (`cat`): PEM files a check verifies, small text files
 * a lineinfile-style module edits. The whole file travels, so ask for small files only; for a
 * file's identity use the path kind's sha256. Default: `{ exists: false }` when cat says so.
 * A path whose state a task predicts is answered from the prediction (see FactCache.content).
 */
export const fileContentKind: FactKind<string, FileContent> = {
  name: 'content',
  key: (path) => path,
  sections: (paths) => paths.map((path) => ({ tool: 'cat', script: `cat -- ${shellQuote(path)}` })),
  parse: (outputs, paths) =>
    paths.map((path, i) => {
      const output = outputs[i];
      if (output.code === 0 && output.stderr.length === 0) return { path, exists: true, readable: true, content: Buffer.from(output.stdout) };
      const missing = missingTool(output, 'cat is required');
      if (missing) throw missing;
      const said = output.stderr.toString('utf8').trim();
      if (/: No such file or directory$/.test(said) && output.stdout.length === 0) return { path, exists: false, readable: false };
      if (/: Permission denied$/.test(said) && output.stdout.length === 0) return { path, exists: true, readable: false };
      throw new FactError('cat', `cannot read ${path}: ${excerpt(output)}`);
    }),
};

export function fileContentFact(path: string): FactRequest<FileContent> {
  return { kind: fileContentKind, param: path };
}
