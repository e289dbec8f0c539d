import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex, sha256Hex } from '../util/digest.js';

/** What runbook saw of one regular file on a host: while the file's identity holds, so does its content. */
export interface FileRecord {
  /** Device, inode, modification and change times to the nanosecond, and size (ObservedPath.identity). */
  identity: string;
  sha256: string;
}

/**
 * The file records of one SSH target (address and port) as one user saw it, git's index check applied to a host: a
 * no-op asks `stat` alone for a recorded file, and its sha256 is the record's while stat gives the
 * recorded identity. Any write to a file changes its change time, which no user can set back (only
 * the clock can), so a file whose identity held has the content it had. A file is recorded when the
 * probe hashed it and it was settled (its last change ≥ 2 s before the host's clock at the probe: a
 * write in the same clock tick cannot hide behind the identity). A record holds a path, its identity
 * and its sha256, never content: the checksum is what runbook shows in place of a secret's content
 * (README "Security"), and the file is 0600 in a 0700 directory of this user.
 * Records are a cache of what was seen, never a source of what to do: a record that is lost,
 * corrupt or from another machine only means that file is hashed again.
 */
export class TargetRecords {
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly records: Map<string, FileRecord>,
  ) {}

  get(path: string): FileRecord | undefined {
    return this.records.get(path);
  }

  set(path: string, record: FileRecord): void {
    const known = this.records.get(path);
    if (known?.identity === record.identity && known.sha256 === record.sha256) return;
    this.records.set(path, record);
    this.dirty = true;
  }

  delete(path: string): void {
    if (this.records.delete(path)) this.dirty = true;
  }

  /** Written whole to a new file renamed over the old (0600): a reader sees the old records or the new. */
  save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.records.size === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const temporary = `${this.file}.${randomHex(6)}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify({ version: RECORDS_VERSION, files: Object.fromEntries([...this.records].map(([path, r]) => [path, [r.identity, r.sha256]])) }), { mode: 0o600 });
      renameSync(temporary, this.file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new Error(`file records: ${this.file} cannot be written: ${(error as Error).message}`, { cause: error });
    }
  }
}

const RECORDS_VERSION = 1;

/**
 * Every target's records under one directory (0700, checked by the caller), a file per target and user,
 * read when a run first probes the target and written at the run's end. Threads and concurrent
 * runs may write the same target's file: each write is whole, and a record lost to the other
 * writer is only a file hashed again.
 */
export class FileRecordStore {
  private readonly targets = new Map<string, TargetRecords>();

  constructor(
    readonly dir: string,
    /** Told when records cannot be written: the run's result stands, the next run hashes those files again. */
    private readonly warn: (message: string) => void,
  ) {}

  /** The records of what `user` saw at one SSH target. */
  for(address: string, port: number, user: string): TargetRecords {
    const key = `${address}\0${port}\0${user}`;
    let records = this.targets.get(key);
    if (!records) {
      const file = join(this.dir, `${sha256Hex(key).slice(0, 32)}.json`);
      this.targets.set(key, (records = new TargetRecords(file, load(file))));
    }
    return records;
  }

  /** Writes the records that changed (at the run's end). */
  save(): void {
    for (const records of this.targets.values()) {
      try {
        records.save();
      } catch (error) {
        this.warn((error as Error).message);
      }
    }
  }
}

/** The records in `file`; none when it is missing or does not parse (they are only a cache). */
function load(file: string): Map<string, FileRecord> {
  const records = new Map<string, FileRecord>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return records;
  }
  const files = (parsed as { version?: unknown; files?: unknown })?.version === RECORDS_VERSION ? (parsed as { files?: unknown }).files : undefined;
  if (!files || typeof files !== 'object') return records;
  for (const [path, entry] of Object.entries(files)) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string' && /^[0-9a-f]{64}$/.test(entry[1])) records.set(path, { identity: entry[0], sha256: entry[1] });
  }
  return records;
}
