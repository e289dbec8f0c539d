import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRecordStore } from '../../lib/engine/file-records.js';

/** The file records' store on the controller's disk (engine/file-records.ts): what it writes, and what it refuses to trust. */
describe('file records on the controller', () => {
  let dir: string;
  const sha = 'a'.repeat(64);
  const warnings: string[] = [];
  const store = () => new FileRecordStore(dir, (message) => warnings.push(message));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-records-unit-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 0600 file per target and user, whole (no temp file left), and reads it back', () => {
    const first = store();
    first.for('127.0.0.1', 22, 'root').set('/etc/a', { identity: 'id-a', sha256: sha });
    first.for('127.0.0.1', 22, 'deploy').set('/etc/a', { identity: 'id-b', sha256: sha });
    first.save();
    const files = readdirSync(dir);
    assert.equal(files.length, 2, files.join(' '));
    for (const file of files) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
    const again = store();
    assert.deepEqual(again.for('127.0.0.1', 22, 'root').get('/etc/a'), { identity: 'id-a', sha256: sha });
    assert.deepEqual(again.for('127.0.0.1', 22, 'deploy').get('/etc/a'), { identity: 'id-b', sha256: sha });
    assert.equal(again.for('127.0.0.1', 2222, 'root').get('/etc/a'), undefined, 'another port is another target');
  });

  it('writes nothing when nothing changed, and removes the file when its last record goes', () => {
    const first = store();
    first.for('10.0.0.1', 22, 'root').set('/etc/a', { identity: 'id', sha256: sha });
    first.save();
    const [file] = readdirSync(dir);
    const mtime = statSync(join(dir, file)).mtimeMs;
    const second = store();
    second.for('10.0.0.1', 22, 'root').set('/etc/a', { identity: 'id', sha256: sha });
    second.save();
    assert.equal(statSync(join(dir, file)).mtimeMs, mtime, 'the same record again: not written');
    second.for('10.0.0.1', 22, 'root').delete('/etc/a');
    second.save();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('trusts no record from a file that does not parse, of another version, or with a checksum that is not one', () => {
    const first = store();
    first.for('10.0.0.2', 22, 'root').set('/etc/a', { identity: 'id', sha256: sha });
    first.save();
    const [file] = readdirSync(dir);
    for (const text of ['{"version":1,"files":{"/etc/a":["id"', JSON.stringify({ version: 2, files: { '/etc/a': ['id', sha] } }), JSON.stringify({ version: 1, files: { '/etc/a': ['id', 'not a checksum'] } })]) {
      writeFileSync(join(dir, file), text);
      assert.equal(store().for('10.0.0.2', 22, 'root').get('/etc/a'), undefined, text);
    }
  });

  it('a file that cannot be written is a warning naming it; the other targets are still written', () => {
    const records = store();
    records.for('10.0.0.3', 22, 'root').set('/etc/a', { identity: 'id', sha256: sha });
    records.save();
    const [blocked] = readdirSync(dir);
    // A directory with an entry in the records file's place: the rename fails, for root too.
    rmSync(join(dir, blocked));
    mkdirSync(join(dir, blocked));
    writeFileSync(join(dir, blocked, 'entry'), '');
    records.for('10.0.0.3', 22, 'root').set('/etc/b', { identity: 'id', sha256: sha });
    records.for('10.0.0.4', 22, 'root').set('/etc/a', { identity: 'id', sha256: sha });
    records.save();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], new RegExp(`^file records: ${join(dir, blocked)} cannot be written`));
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.json') && f !== blocked).length, 1, 'the other target was written');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });
});
