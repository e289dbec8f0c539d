import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { RunEvent, TaskStatus } from '../../lib/engine/events.js';
import type { FileDiff } from '../../lib/modules/types.js';
import { stripAnsi } from '../../lib/report/ansi.js';
import { createReporter, formatDiff } from '../../lib/report/index.js';

const ANSI = /\u001b\[/;

/** A stream that keeps what is written, so tests read it synchronously. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function result(host: string, task: string, index: number, status: TaskStatus, extra: Partial<RunEvent & { type: 'task_result' }> = {}): RunEvent {
  return { type: 'task_result', host, play: 'web', task, index, handler: false, status, dryRun: false, durationMs: 5, ...extra };
}

const contentDiff: FileDiff = {
  path: '/etc/motd',
  secret: false,
  before: { exists: true, type: 'file', mode: '0644', owner: 'nobody', content: 'hello\nold line\n' },
  after: { exists: true, type: 'file', mode: '0600', owner: 'root', content: 'hello\nnew line\n' },
};

const secretDiff: FileDiff = {
  path: '/etc/app/token',
  secret: true,
  // content set on purpose: renderers must drop it even when a module leaks it
  before: { exists: true, type: 'file', sha256: 'abcd1234'.repeat(8), content: 'OLD-SECRET' },
  after: { exists: true, type: 'file', sha256: 'ef015678'.repeat(8), content: 'NEW-SECRET' },
};

function sampleRun(): RunEvent[] {
  return [
    { type: 'run_start', hosts: ['host01', 'host02', 'host03'], dryRun: false, playbooks: ['site.yml'], tasks: 3 },
    { type: 'play_start', play: 'web', index: 0, hosts: ['host01', 'host02', 'host03'], tasks: 3 },
    { type: 'task_start', host: 'host01', play: 'web', task: 'motd', index: 0, handler: false },
    { type: 'task_progress', host: 'host01', task: 'motd', message: 'checking' },
    result('host01', 'motd', 0, 'changed', { message: 'updated', diff: [contentDiff] }),
    result('host02', 'motd', 0, 'ok'),
    { type: 'host_unreachable', host: 'host03', message: 'connect ECONNREFUSED' },
    result('host01', 'token', 1, 'changed', { diff: [secretDiff] }),
    result('host02', 'token', 1, 'failed', { message: 'permission denied' }),
    result('host01', 'optional', 2, 'skipped', { message: 'when: false' }),
    { type: 'play_end', play: 'web', index: 0 },
    {
      type: 'recap',
      hosts: {
        host01: { ok: 2, changed: 2, failed: 0, skipped: 1, unreachable: false, rescued: 0, ignored: 0 },
        host02: { ok: 1, changed: 0, failed: 1, skipped: 0, unreachable: false, rescued: 0, ignored: 0 },
        host03: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: true, rescued: 0, ignored: 0 },
      },
      transport: { host01: { connections: 1, roundTrips: 4 } },
      durationMs: 1234,
    },
  ];
}

async function runReporter(kind: 'plain' | 'json' | 'tty', events: RunEvent[], diff = true, out: Writable & { text: string } = new Capture()) {
  const reporter = await createReporter(kind, { out, diff });
  for (const event of events) reporter.onEvent(event);
  await reporter.finish();
  return out.text;
}

describe('report', () => {
  let savedForceColor: string | undefined;
  before(() => {
    savedForceColor = process.env.FORCE_COLOR;
    delete process.env.FORCE_COLOR;
  });
  after(() => {
    if (savedForceColor !== undefined) process.env.FORCE_COLOR = savedForceColor;
  });

  describe('json', () => {
    it('writes one object per event and the recap as the last line', async () => {
      const lines = (await runReporter('json', sampleRun())).trimEnd().split('\n');
      const objects = lines.map((line) => JSON.parse(line) as { type: string });
      assert.ok(!objects.some((o) => o.type === 'task_start' || o.type === 'task_progress'));
      assert.equal(objects.filter((o) => o.type === 'task_result').length, 5);
      assert.ok(objects.some((o) => o.type === 'host_unreachable'));
      assert.ok(objects.some((o) => o.type === 'play_start'));

      const recapLine = lines.at(-1)!;
      assert.ok(recapLine.startsWith('{"type":"recap","hosts":{'));
      const recap = JSON.parse(recapLine);
      assert.deepEqual(recap.hosts.host02, { ok: 1, changed: 0, unreachable: false, failed: 1, skipped: 0, rescued: 0, ignored: 0 });
      assert.equal(recap.hosts.host03.unreachable, true);
      assert.equal(recap.durationMs, 1234);
      assert.ok(!ANSI.test(lines.join('\n')));
    });

    it('keeps the recap last even when events follow it, and counts itself without one', async () => {
      const events = sampleRun();
      const recap = events.pop()!;
      const lines = (await runReporter('json', [...events.slice(0, 6), recap, ...events.slice(6)])).trimEnd().split('\n');
      assert.equal(JSON.parse(lines.at(-1)!).type, 'recap');

      const tallied = JSON.parse((await runReporter('json', sampleRun().slice(0, -1))).trimEnd().split('\n').at(-1)!);
      assert.deepEqual(tallied.hosts.host01, { ok: 2, changed: 2, unreachable: false, failed: 0, skipped: 1, rescued: 0, ignored: 0 });
      assert.equal(tallied.hosts.host03.unreachable, true);
    });

    it('includes diffs as data with --diff, never secret content', async () => {
      const text = await runReporter('json', sampleRun());
      assert.ok(!text.includes('SECRET'));
      const results = text.trimEnd().split('\n').map((line) => JSON.parse(line)).filter((o) => o.type === 'task_result');
      assert.equal(results[0].diff[0].after.content, 'hello\nnew line\n');
      assert.equal(results[2].diff[0].after.sha256, 'ef015678'.repeat(8));
      assert.equal(results[2].diff[0].after.content, undefined);

      const withoutDiff = await runReporter('json', sampleRun(), false);
      assert.ok(!withoutDiff.includes('"diff"'));
    });
  });

  // stdout to a pipe or file is synchronous: a write per line cost the controller CPU per host.
  for (const kind of ['json', 'plain'] as const) {
    it(`${kind}: the lines of one turn of the event loop go out in one write, in order, before the next turn's`, async () => {
      const out = new Capture();
      const writes: string[] = [];
      const write = out.write.bind(out);
      out.write = ((chunk: string) => (writes.push(chunk), write(chunk))) as typeof out.write;
      const reporter = await createReporter(kind, { out, diff: false });
      const events = sampleRun();
      for (const event of events.slice(0, 6)) reporter.onEvent(event);
      assert.equal(writes.length, 0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(writes.length, 1);
      for (const event of events.slice(6)) reporter.onEvent(event);
      await reporter.finish();
      assert.equal(writes.length, 2);
      const unheld = new Capture();
      const each = await createReporter(kind, { out: unheld, diff: false });
      for (const event of events) {
        each.onEvent(event);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await each.finish();
      assert.equal(writes.join(''), unheld.text);
    });
  }

  describe('plain', () => {
    it('prints Ansible-like result lines as they arrive', async () => {
      const text = await runReporter('plain', sampleRun(), false);
      const lines = text.split('\n');
      assert.ok(lines.includes('PLAY [web]'));
      assert.ok(lines.includes('changed: [host01] motd (updated)'));
      assert.ok(lines.includes('ok: [host02] motd'));
      assert.ok(lines.includes('unreachable: [host03] connect ECONNREFUSED'));
      assert.ok(lines.includes('failed: [host02] token (permission denied)'));
      assert.ok(lines.includes('skipping: [host01] optional (when: false)'));
      assert.ok(lines.indexOf('ok: [host02] motd') < lines.indexOf('failed: [host02] token (permission denied)'));
      assert.ok(!text.includes('checking'), 'progress only in verbose mode');
      assert.ok(!text.includes('diff /etc/motd'), 'diffs only with --diff');
      assert.ok(!ANSI.test(text));
    });

    it('ends with an aligned recap table and the total duration', async () => {
      const text = await runReporter('plain', sampleRun());
      const lines = text.trimEnd().split('\n');
      const start = lines.indexOf('PLAY RECAP');
      assert.ok(start > 0);
      const [header, ...rows] = lines.slice(start + 1);
      assert.match(header!, /^host\s+ok\s+changed\s+unreachable\s+failed\s+skipped\s+rescued\s+ignored$/);
      const cells = (host: string) => rows.find((row) => row.startsWith(`${host} `))!.trim().split(/\s+/);
      assert.deepEqual(cells('host01'), ['host01', '2', '2', '0', '0', '1', '0', '0']);
      assert.deepEqual(cells('host02'), ['host02', '1', '0', '0', '1', '0', '0', '0']);
      assert.deepEqual(cells('host03'), ['host03', '0', '0', '1', '0', '0', '0', '0']);
      // right-aligned under the header: every row as long as the header
      for (const host of ['host01', 'host02', 'host03']) assert.equal(rows.find((row) => row.startsWith(host))!.length, header!.length);
      assert.match(lines.at(-1)!, /^total duration 1\.23s, 1 connection, 4 round trips$/);
    });

    it('shows diffs with --diff: unified content diff, attributes, secret checksums only', async () => {
      const text = await runReporter('plain', sampleRun());
      assert.match(text, /^ +-old line$/m);
      assert.match(text, /^ +\+new line$/m);
      assert.match(text, /mode: 0644 → 0600/);
      assert.match(text, /content: sha256:abcd1234abcd… → sha256:ef015678ef01…/);
      assert.ok(!text.includes('SECRET'));
      assert.ok(!ANSI.test(text));
    });

    it('says clearly what a dry-run would change', async () => {
      const events: RunEvent[] = [
        { type: 'run_start', hosts: ['host01'], dryRun: true, playbooks: ['site.yml'], tasks: 1 },
        { type: 'play_start', play: 'web', index: 0, hosts: ['host01'], tasks: 1 },
        result('host01', 'motd', 0, 'changed', { dryRun: true, message: 'would update' }),
        { type: 'play_end', play: 'web', index: 0 },
      ];
      const lines = (await runReporter('plain', events)).split('\n');
      assert.ok(lines[0]!.startsWith('DRY RUN'));
      assert.ok(lines.includes('PLAY [web] (dry-run)'));
      assert.ok(lines.includes('would change: [host01] motd (would update)'));
    });
  });

  describe('formatDiff', () => {
    it('renders a unified diff and attribute changes', () => {
      const lines = formatDiff(contentDiff).split('\n').map((line) => line.trim());
      assert.ok(lines.includes('-old line'));
      assert.ok(lines.includes('+new line'));
      assert.ok(lines.includes('hello'), 'context line');
      assert.ok(lines.includes('mode: 0644 → 0600'));
      assert.ok(lines.includes('owner: nobody → root'));
    });

    it('shows creation as a diff from nothing', () => {
      const text = formatDiff({ path: '/etc/new', secret: false, before: { exists: false }, after: { exists: true, type: 'file', mode: '0644', content: 'x\n' } });
      assert.match(text, /state: absent → file/);
      assert.match(text, /^ +\+x$/m);
    });

    it('never prints secret content, only checksums', () => {
      const text = formatDiff(secretDiff);
      assert.ok(!text.includes('SECRET'));
      assert.match(text, /content: sha256:abcd1234abcd… → sha256:ef015678ef01…/);
    });
  });

  describe('tty', () => {
    class FakeTty extends Capture {
      isTTY = true;
      columns = 100;
      rows = 40;
    }

    it('renders a live view, lasting failures and the recap on a terminal stream', async () => {
      const text = stripAnsi(await runReporter('tty', sampleRun(), true, new FakeTty()));
      assert.match(text, /PLAY \[web\]/);
      assert.match(text, /host01\s+3\/3 tasks/);
      assert.match(text, /failed: \[host02\]/);
      assert.match(text, /PLAY RECAP/);
      assert.ok(!text.includes('SECRET'));
    });

    it('copes with unknown hosts and a run that stops without play_end', async () => {
      const out = new FakeTty();
      const reporter = await createReporter('tty', { out, diff: false });
      reporter.onEvent(result('stray', 'early', 0, 'ok'));
      reporter.onEvent({ type: 'play_start', play: 'web', index: 0, hosts: ['host01'], tasks: 1 });
      reporter.onEvent(result('early-bird', 'motd', 0, 'ok'));
      await new Promise((resolve) => setTimeout(resolve, 50)); // the live view is running now
      reporter.onEvent({ type: 'task_start', host: 'late', play: 'web', task: 'motd', index: 0, handler: false });
      reporter.onEvent(result('late', 'motd', 0, 'changed'));
      await reporter.finish();
      const text = stripAnsi(out.text);
      assert.match(text, /ok: \[stray\] early/);
      assert.match(text, /early-bird\s+1\/1 tasks/, 'a host seen before the view starts joins it');
      assert.match(text, /changed: \[late\] motd/, 'a host seen later is reported as lines');
      assert.match(text, /PLAY RECAP/);
    });
  });
});
