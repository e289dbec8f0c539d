import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProbe, planProbe } from '../../lib/facts/index.js';
import { observedPathKind, type ObservedPath, type ObservedPathParam } from '../../lib/facts/path.js';

/**
 * The path fact with each file's identity (what the engine's file records compare), run by this
 * machine's sh, stat and sha256sum: facts in, answers out, no host.
 */
describe('path facts with file identities (file records)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'runbook-identity-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function observe(params: ObservedPathParam[]): { answers: ObservedPath[]; tools: string[] } {
    const requests = params.map((param) => ({ kind: observedPathKind, param }));
    const plan = planProbe(requests);
    const run = spawnSync('sh', ['-c', plan.script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const answers = parseProbe(plan, { code: run.status ?? 128, stdout: run.stdout, stderr: run.stderr });
    const tools = plan.groups.flatMap((g) => g.sections.map((s) => s.tool));
    return { answers: requests.map((r) => answers.get(`${r.kind.name}\0${r.kind.key(r.param)}`) as ObservedPath), tools };
  }

  it('gives a regular file an identity; settled only when its last change is 2 s older than the host clock', () => {
    const fresh = join(dir, 'fresh');
    writeFileSync(fresh, 'new\n');
    // A file the machine's image installed long ago: changed far more than 2 s before now.
    const old = '/usr/bin/env';
    const { answers } = observe([{ path: fresh, hash: true }, { path: old, hash: true }, { path: dir, hash: true }, { path: join(dir, 'missing'), hash: true }]);
    const [a, b, c, d] = answers;
    assert.equal(a.state.sha256, createHash('sha256').update('new\n').digest('hex'));
    assert.match(a.identity!, /^\d+:\d+:\d{4}-.*:4$/, 'device, inode, times and size');
    assert.equal(a.settled, false, 'written just now: a write in the same clock tick could keep its identity');
    assert.deepEqual([typeof b.identity, b.settled], ['string', true]);
    assert.equal(statSync(old).ino.toString(), b.identity!.split(':')[1]);
    assert.deepEqual([c.state.type, c.identity, d.state.exists, d.identity], ['directory', undefined, false, undefined]);
  });

  it('hashes only the paths asked with hash; one stat over all, no sha256sum when none is', () => {
    const file = join(dir, 'recorded');
    writeFileSync(file, 'kept\n');
    const some = observe([{ path: file, hash: false }, { path: '/usr/bin/env', hash: true }]);
    assert.deepEqual(some.tools, ['stat', 'sha256sum']);
    assert.deepEqual([some.answers[0].state.sha256, typeof some.answers[0].identity, typeof some.answers[1].state.sha256], [undefined, 'string', 'string']);
    const none = observe([{ path: file, hash: false }, { path: dir, hash: false }]);
    assert.deepEqual(none.tools, ['stat']);
    assert.equal(none.answers[0].state.size, 5);
  });

  it('a rewrite in place of the same size, its modification time set back, changes the identity (the change time moves)', () => {
    const file = join(dir, 'drift');
    writeFileSync(file, 'alpha\n');
    const before = observe([{ path: file, hash: false }]).answers[0].identity;
    const { mtimeNs, ino } = statSync(file, { bigint: true });
    const seconds = `${mtimeNs / 1_000_000_000n}.${(mtimeNs % 1_000_000_000n).toString().padStart(9, '0')}`;
    // Later than the first write's clock tick, whatever the file system's time granularity.
    spawnSync('sleep', ['0.05']);
    spawnSync('sh', ['-c', `printf 'ALPHA\\n' | dd of='${file}' conv=notrunc status=none && touch -m -d @${seconds} '${file}'`]);
    const now = statSync(file, { bigint: true });
    assert.deepEqual([now.mtimeNs, now.ino, now.size], [mtimeNs, ino, 6n], 'the same inode, size and modification time to the nanosecond');
    const after = observe([{ path: file, hash: false }]).answers[0].identity;
    assert.notEqual(after, before);
  });
});
