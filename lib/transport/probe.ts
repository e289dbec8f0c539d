import type { ExecResult } from './types.js';
import type { FileType, PathState } from '../modules/types.js';
import { shellQuote } from '../util/shell.js';

/**
 * One remote script answers every fact question of a batch: one `stat` over all paths,
 * one `sha256sum` over the regular files, readlink for links, then each read-only query.
 * Records are NUL-separated so any path survives the trip.
 */
export function probeScript(paths: string[], queries: string[]): string {
  const parts: string[] = [];
  if (paths.length > 0) {
    const list = paths.map(shellQuote).join(' ');
    parts.push(
      `set -- ${list}`,
      `stat --printf 'S\\0%n\\0%F\\0%a\\0%U\\0%G\\0%s\\0' -- "$@" 2>/dev/null`,
      `for p do [ -L "$p" ] && printf 'L\\0%s\\0%s\\0' "$p" "$(readlink -- "$p")"; done`,
      `for p do [ -f "$p" ] && [ ! -L "$p" ] && printf '%s\\0' "$p"; done | xargs -0r sha256sum -z -- 2>/dev/null | tr '\\0' '\\n' | while IFS= read -r line; do printf 'H\\0%s\\0%s\\0' "\${line#*  }" "\${line%%  *}"; done`,
    );
  }
  queries.forEach((query, index) => {
    // The trailing marker keeps trailing newlines that $(...) would strip, and carries the exit code.
    parts.push(`out=$( (${query}) 2>/dev/null; printf 'x%s' $?); printf 'Q\\0%s\\0%s\\0' ${index} "$out"`);
  });
  return parts.join('\n');
}

export interface ProbeAnswer {
  paths: Map<string, PathState>;
  queries: ExecResult[];
}

const TYPES: Record<string, FileType> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'link',
};

export function parseProbe(output: Buffer, paths: string[], queries: string[]): ProbeAnswer {
  const states = new Map<string, PathState>(paths.map((path) => [path, { path, exists: false }]));
  const answers: ExecResult[] = queries.map(() => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), code: 255 }));
  const fields = output.toString('utf8').split('\0');
  for (let i = 0; i < fields.length; ) {
    const tag = fields[i];
    if (tag === 'S') {
      const [path, type, mode, owner, group, size] = fields.slice(i + 1, i + 7);
      states.set(path, { path, exists: true, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), owner, group, size: Number(size) });
      i += 7;
    } else if (tag === 'L') {
      const state = states.get(fields[i + 1]);
      if (state) state.linkTarget = fields[i + 2];
      i += 3;
    } else if (tag === 'H') {
      const state = states.get(fields[i + 1]);
      if (state) state.sha256 = fields[i + 2];
      i += 3;
    } else if (tag === 'Q') {
      const raw = fields[i + 2];
      const marker = raw.lastIndexOf('x');
      answers[Number(fields[i + 1])] = { stdout: Buffer.from(raw.slice(0, marker)), stderr: Buffer.alloc(0), code: Number(raw.slice(marker + 1)) };
      i += 3;
    } else {
      i++;
    }
  }
  return { paths: states, queries: answers };
}
