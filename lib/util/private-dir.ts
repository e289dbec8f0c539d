import { lstatSync, mkdirSync } from 'node:fs';

/**
 * Creates a directory of runbook's own (0700) if absent, and says why it must not be trusted if it
 * is not a directory of this user that no one else may enter. The connection keeper's socket lives
 * in one (anyone who reaches it runs commands on every host a kept connection leads to), and so do
 * the file records (anyone who writes them could make a changed file look unchanged). undefined: fine.
 */
export function untrustedDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return `${dir} cannot be created: ${(error as Error).message}`;
  }
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}, not to this user (uid ${uid})`;
  if ((stat.mode & 0o077) !== 0) return `${dir} has mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}: others may enter it (it must be 0700)`;
  return undefined;
}
