import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { deserialize } from 'node:v8';
import { comparePoints, Meeting, notPlainData, sharedRun, splitHosts, type SharedRun } from '../../lib/cli/threads.js';
import { LockedVaultValue } from '../../lib/vault/locked.js';
import type { RunOptions } from '../../lib/engine/options.js';
import type { RunEvent } from '../../lib/engine/events.js';
import type { PlannedPlay } from '../../lib/engine/preflight.js';
import { ThreadEventOrder } from '../../lib/cli/thread-order.js';

describe('worker threads: meeting points', () => {
  it('compares points as tuples, a prefix first', () => {
    assert.ok(comparePoints([0, -1], [0, 0, 0]) < 0);
    assert.ok(comparePoints([0, 0, 3, 0, Infinity], [0, 0, 3, 1, 0]) < 0);
    assert.ok(comparePoints([0, 0, 3, 0, 1], [0, 0, 3, 0, Infinity]) < 0);
    assert.ok(comparePoints([0, Infinity], [0, 0, Infinity]) > 0);
    assert.equal(comparePoints([1, 2], [1, 2]), 0);
  });

  it('lets threads go on only once none is still before the point, with the AND of the votes', () => {
    const meeting = new Meeting(3);
    const released: number[][] = [];
    meeting.onRelease = (point) => released.push(point);
    assert.deepEqual(meeting.arrive(0, [0, -1]), []);
    assert.deepEqual(meeting.arrive(1, [0, -1]), []);
    assert.deepEqual(meeting.arrive(2, [0, -1]), [{ thread: 0, answer: undefined }, { thread: 1, answer: undefined }, { thread: 2, answer: undefined }]);
    // Thread 2 has no hosts in the batch: it goes straight to the batch's end, past the rounds.
    assert.deepEqual(meeting.arrive(2, [0, 0, Infinity]), []);
    assert.deepEqual(meeting.arrive(0, [0, 0, 1, 0, Infinity]), []);
    assert.deepEqual(meeting.arrive(1, [0, 0, 1, 0, Infinity]), [{ thread: 0, answer: undefined }, { thread: 1, answer: undefined }]);
    assert.deepEqual(meeting.arrive(0, [0, 0, Infinity], true), []);
    assert.deepEqual(meeting.arrive(1, [0, 0, Infinity], false), [0, 1, 2].map((thread) => ({ thread, answer: false })));
    assert.deepEqual(released, [[0, -1], [0, 0, 1, 0, Infinity], [0, 0, Infinity]]);
  });

  it('a thread that finished is past every point', () => {
    const meeting = new Meeting(2);
    assert.deepEqual(meeting.arrive(0, [1, Infinity], true), []);
    assert.equal(meeting.allLeft(), false);
    assert.deepEqual(meeting.leave(1), [{ thread: 0, answer: true }]);
    assert.deepEqual(meeting.leave(0), []);
    assert.equal(meeting.allLeft(), true);
  });
});

describe('worker threads: the handshake limit per sshd holds across threads', () => {
  it('three threads sharing one counter never hold more than the limit at once', async function () {
    this.timeout(60_000);
    const counters = new SharedArrayBuffer(8);
    // [0]: the limiter's count; [1]: jobs running now (checked by each job against the limit).
    const limiter = new URL('../../lib/util/limiter.js', import.meta.url).href;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(${JSON.stringify(limiter)}).then(async ({ SharedLimiter }) => {
        const shared = new Int32Array(workerData);
        const slots = new SharedLimiter(shared, 0, 3);
        let most = 0;
        await Promise.all(Array.from({ length: 40 }, () => slots.run(async () => {
          most = Math.max(most, Atomics.add(shared, 1, 1) + 1);
          await new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
          Atomics.sub(shared, 1, 1);
        })));
        parentPort.postMessage(most);
      });`;
    const most = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(code, { eval: true, workerData: counters });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    const shared = new Int32Array(counters);
    assert.ok(Math.max(...most) <= 3, `held at once: ${most.join(', ')}`);
    assert.equal(Math.max(...most), 3, 'the slots were used');
    assert.equal(shared[0], 0, 'every slot was given back');
  });
});

describe('worker threads: the hosts dealt out by weight', () => {
  const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);
  it('equal weights: round robin in the run\'s order', () => {
    assert.deepEqual(splitHosts(hosts.slice(0, 6), [1, 1, 1]), [['h0', 'h3'], ['h1', 'h4'], ['h2', 'h5']]);
  });
  it('a lighter first share (the main thread\'s) gets fewer hosts, spread over the run\'s order; every host once', () => {
    const [main, worker] = splitHosts(hosts, [0.5, 1]);
    assert.deepEqual(main, ['h1', 'h4', 'h7']);
    assert.deepEqual([...main, ...worker].sort(), hosts);
    assert.equal(worker.length, 7);
  });
});

describe('worker threads: the run the main thread loaded goes to every thread as data', () => {
  const task = { name: 'Name', module: 'copy', args: { dest: '/srv/x', content: '{{ inventory_hostname }}' }, vars: {}, when: [], tags: [], notify: [], loopVar: 'item', runOnce: false, ignoreErrors: false, noLog: false, listen: [], location: { file: '/p.yaml', line: 3, column: 5 } };
  const play = { name: 'P', hosts: 'all', vars: { port: 8080 }, tags: [], gatherFacts: false, anyErrorsFatal: false, gatherSubset: ['all'], body: [task], tasks: [task], handlers: [], location: { file: '/p.yaml', line: 1, column: 3 }, baseDir: '/' };
  const inventory = {
    file: '/inv.yaml',
    hosts: new Map([['a', { name: 'a', vars: { x: [1, { y: null }] }, groups: ['all'], connection: { address: '127.0.0.1', port: 22, user: 'root', become: false } }]]),
    groups: new Map([['all', ['a']], ['ungrouped', ['a']]]),
  };
  const options = (plan: unknown[]) => ({ inventory, extraVars: { e: 'x' }, plan, playbookFiles: ['/p.yaml'] }) as unknown as RunOptions;

  it('a plan of plain data, maps and lists travels whole, the same objects shared as in the plan', () => {
    const plan = [{ play, hosts: ['a'], body: play.body, tasks: play.tasks, tagFilter: { tags: [], skipTags: [] } }, { play, hosts: ['a'], body: [], tasks: [] }];
    const shared = sharedRun(options(plan));
    assert.ok(shared instanceof SharedArrayBuffer, String(shared));
    const run = deserialize(new Uint8Array(shared)) as SharedRun;
    assert.deepEqual(run.plan, plan);
    assert.deepEqual(run.inventory, inventory);
    assert.ok(run.inventory.hosts instanceof Map);
    assert.equal(run.plan[1].play, run.plan[0].play, 'one play object, as in the main thread');
    assert.equal(run.plan[0].tasks[0], run.plan[0].play.body[0]);
  });

  it('what a copy would change is named, and the thread loads the run itself', () => {
    const including = { ...task, includeTasks: () => [] };
    assert.match(String(sharedRun(options([{ play: { ...play, body: [including], tasks: [including] }, hosts: ['a'], body: [including], tasks: [including] }]))), /run\.plan\.0\.play\.body\.0\.includeTasks is a function/);
    assert.match(String(notPlainData({ vars: { secret: new LockedVaultValue('$ANSIBLE_VAULT;1.1;AES256', 'no vault password') } })), /run\.vars\.secret is a LockedVaultValue object/);
    assert.match(String(notPlainData({ hosts: new Map([['a', { when: new Date(0) }]]) })), /run\.hosts\.get\(a\)\.when is a Date object/);
    assert.equal(notPlainData({ a: [1, 'b', null, undefined, true, { c: new Map() }], d: Object.create(null) }), undefined);
  });
});

describe('worker threads: the main thread orders the events of threads that run freely', () => {
  const result = (host: string, task: string): RunEvent => ({ type: 'task_result', host, play: 'p', task, index: 0, handler: false, status: 'ok', dryRun: false, durationMs: 0 });
  const start = (hosts: string[]): RunEvent => ({ type: 'play_start', play: 'p', index: 0, hosts, tasks: 2 });
  const plan = [{ hosts: ['a', 'b', 'c', 'd'] }] as unknown as PlannedPlay[];
  const shown = (events: RunEvent[]) => events.map((e) => (e.type === 'task_result' ? `${e.task} ${e.host}` : e.type === 'play_start' ? `play ${e.hosts.join(',')}` : e.type));

  it('holds a point until every thread is past it, then gives it by host; one play_start with every thread\'s hosts', () => {
    const out: RunEvent[] = [];
    const order = new ThreadEventOrder(2, plan, ['a', 'b', 'c', 'd'], (e) => out.push(e));
    // Thread 0 (a, c) runs two tasks ahead before thread 1 (b, d) says anything.
    order.take(0, [start(['a', 'c']), result('a', 't1'), result('c', 't1'), result('a', 't2'), result('c', 't2')], [
      { at: 0, point: [0, -1] },
      { at: 1, point: [0, 0, 1, 0, 0] },
      { at: 3, point: [0, 0, 2, 0, 0] },
    ]);
    assert.deepEqual(out, [], 'nothing goes out while a thread may still have events before it');
    assert.equal(order.heldPoints(0), 3);
    order.take(1, [start(['b', 'd']), result('d', 't1'), result('b', 't1')], [{ at: 0, point: [0, -1] }, { at: 1, point: [0, 0, 1, 0, 0] }]);
    // Thread 1 is at t1: the play's start goes out, t1 still waits for thread 1's last host.
    assert.deepEqual(shown(out), ['play a,b,c,d']);
    assert.equal(order.released[0], 1);
    order.take(1, [result('b', 't2')], [{ at: 0, point: [0, 0, 2, 0, 0] }]);
    // Thread 1 reached t2: t1 of both threads by host; thread 1's d came before b, as it finished them.
    assert.deepEqual(shown(out), ['play a,b,c,d', 't1 a', 't1 b', 't1 c', 't1 d']);
    assert.equal(order.released[0], 2);
    assert.equal(order.released[1], 2);
    order.leave(0);
    order.take(1, [result('d', 't2'), { type: 'play_end', play: 'p', index: 0 }], [{ at: 1, point: [0, Infinity] }]);
    order.leave(1);
    assert.deepEqual(shown(out), ['play a,b,c,d', 't1 a', 't1 b', 't1 c', 't1 d', 't2 a', 't2 b', 't2 c', 't2 d', 'play_end']);
  });

  it('a thread that never reaches a point (its hosts skip it) says so by passing it', () => {
    const out: RunEvent[] = [];
    const order = new ThreadEventOrder(2, plan, ['a', 'b', 'c', 'd'], (e) => out.push(e));
    order.take(0, [result('a', 'rescue')], [{ at: 0, point: [0, 0, 1, 1, 0] }]);
    order.take(1, [], [{ at: 0, point: [0, 0, 2] }]);
    assert.deepEqual(out, [], 'thread 0 may have more at its point');
    order.take(0, [], [{ at: 0, point: [0, 0, 2] }]);
    assert.deepEqual(shown(out), ['rescue a']);
  });

  it('at a point of the free strategy, events go out as they come once every thread reached it', () => {
    const out: RunEvent[] = [];
    const order = new ThreadEventOrder(2, plan, ['a', 'b', 'c', 'd'], (e) => out.push(e));
    order.take(0, [result('c', 'free')], [{ at: 0, point: [0, 0, 1], arrival: true }]);
    assert.deepEqual(out, [], 'thread 1 may still have events before the free point');
    order.take(1, [result('d', 'free')], [{ at: 0, point: [0, 0, 1], arrival: true }]);
    order.take(0, [result('a', 'free')]);
    assert.deepEqual(shown(out), ['free c', 'free d', 'free a']);
  });

  it("the live view's events go as they come once their play started; results wait for their point", () => {
    const out: RunEvent[] = [];
    const order = new ThreadEventOrder(2, plan, ['a', 'b', 'c', 'd'], (e) => out.push(e), new Set(['task_start']));
    const started = (host: string): RunEvent => ({ type: 'task_start', host, play: 'p', task: 't1', index: 0, handler: false });
    order.take(0, [start(['a', 'c']), started('a')], [{ at: 0, point: [0, -1] }, { at: 1, point: [0, 0, 1, 0, 0] }]);
    assert.deepEqual(out, [], 'the play has not started yet');
    order.take(1, [start(['b', 'd'])], [{ at: 0, point: [0, -1] }, { at: 1, point: [0, 0, 1, 0, 0] }]);
    order.take(1, [started('b')]);
    order.take(0, [result('a', 't1'), started('c')]);
    // a's start came before the play's start was out: it waits with its task's point; b's and c's go at once.
    assert.deepEqual(shown(out), ['play a,b,c,d', 'task_start', 'task_start']);
    assert.deepEqual(out.slice(1).map((e) => (e as { host: string }).host), ['b', 'c']);
    order.take(0, [], [{ at: 0, point: [0, 0, 2, 0, 0] }]);
    order.take(1, [], [{ at: 0, point: [0, 0, 2, 0, 0] }]);
    assert.deepEqual(shown(out).slice(3), ['task_start', 't1 a']);
  });

  it('a thread that goes back to an earlier point is a bug, not a reordering', () => {
    const order = new ThreadEventOrder(1, plan, ['a'], () => {});
    order.take(0, [], [{ at: 0, point: [0, 0, 2] }]);
    assert.throws(() => order.take(0, [], [{ at: 0, point: [0, 0, 1] }]), /went back/);
  });
});

describe('worker threads: the end of a batch waits for every thread', () => {
  it('a thread past other points keeps the others waiting until it arrives too, and its vote counts', () => {
    const meeting = new Meeting(2);
    assert.deepEqual(meeting.arrive(0, [0, 0, Infinity, Infinity], true), []);
    assert.deepEqual(meeting.pass(1, [0, 0, 3, 0, 0]), []);
    assert.deepEqual(meeting.arrive(1, [0, 0, Infinity, Infinity], false), [
      { thread: 0, answer: false },
      { thread: 1, answer: false },
    ]);
  });
});
