import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/** statfs f_type of file systems that live in memory only (linux/magic.h). */
const MEMORY_FILE_SYSTEMS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);

/** Folders that are commonly a tmpfs, the user's own first. */
function candidates(): string[] {
  return [process.env.XDG_RUNTIME_DIR, '/dev/shm', '/run/shm'].filter((dir): dir is string => Boolean(dir));
}

/** The first candidate folder that is in memory, or undefined. */
export function memoryFolder(): string | undefined {
  for (const dir of candidates()) {
    try {
      if (MEMORY_FILE_SYSTEMS.has(Number(statfsSync(dir).type))) return dir;
    } catch {
      // not there
    }
  }
  return undefined;
}

/**
 * Hands `use` a file holding `content` that exists only in memory (a 0600 file in a private
 * 0700 folder on a tmpfs), returns what the file holds once `use` is done, and removes it
 * whatever happens. Refuses (InputError) when no tmpfs is found: a secret's plaintext must
 * never reach a persistent disk.
 */
export function withMemoryFile(name: string, content: Buffer, use: (path: string) => void): Buffer {
  const dir = memoryFolder();
  if (!dir) {
    throw new InputError(
      `no in-memory folder (tmpfs) found for the plaintext (looked at ${candidates().join(', ')}); refusing to write it to a disk. ` +
        'Mount a tmpfs on /dev/shm or set XDG_RUNTIME_DIR to one',
    );
  }
  const folder = mkdtempSync(join(dir, 'runbook-'));
  try {
    const path = join(folder, name.replace(/[^\w.-]/g, '_') || 'plaintext');
    const fd = openSync(path, 'wx', 0o600);
    try {
      if (content.length > 0) writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    use(path);
    return readFileSync(path);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
