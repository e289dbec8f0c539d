import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * Where a `template` or `copy` source lives, as Ansible looks it up next to a playbook:
 * template: `<baseDir>/templates/<src>`, then `<baseDir>/<src>`;
 * copy:     `<baseDir>/files/<src>`, then `<baseDir>/<src>`.
 * An absolute src is taken as is. Undefined when no candidate exists.
 */
export function resolveSourceFile(baseDir: string, kind: 'template' | 'copy', src: string): string | undefined {
  return sourceFileCandidates(baseDir, kind, src).find((candidate) => existsSync(candidate));
}

/** The paths resolveSourceFile tries, in order (for error messages). */
export function sourceFileCandidates(baseDir: string, kind: 'template' | 'copy', src: string): string[] {
  if (isAbsolute(src)) return [src];
  return [join(baseDir, kind === 'template' ? 'templates' : 'files', src), join(baseDir, src)];
}
