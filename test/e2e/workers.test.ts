import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, startRunbook, type CliRun } from './cli.js';
import { killPids, noProcessLeft, sleepOnEveryHost } from './processes.js';

const fixture = (name: string) => join(fixtures, 'workers', name);

/** Host | task | status of every result, sorted: what a run did, whatever the order hosts finished in. */
function results(run: CliRun): string[] {
  return run.events
    .filter((e) => e.type === 'task_result')
    .map((e) => `${e.host} | ${e.task} | ${e.status}${e.rescued ? ' (rescued)' : ''}`)
    .sort();
}

/**
 * Each play's results (sorted), split where play_start events are: a thread running ahead into
 * the next play would put results under the wrong play. Within a play, the order of results
 * is the hosts' (changes are confirmed in batches, so even one thread interleaves tasks).
 */
function byPlay(run: CliRun): string[][] {
  const plays: string[][] = [];
  for (const e of run.events) {
    if (e.type === 'play_start') plays.push([`PLAY ${e.play} [${e.hosts.join(',')}]`]);
    else if (e.type === 'task_result') plays[plays.length - 1].push(`${e.host} | ${e.handler ? 'HANDLER ' : ''}${e.task} | ${e.status}`);
  }
  return plays.map(([head, ...rest]) => [head, ...rest.sort()]);
}

/** Each host's results in the order they came: the same sequence whatever thread ran the host. */
function perHost(run: CliRun): Record<string, string[]> {
  const hosts: Record<string, string[]> = {};
  for (const e of run.events) if (e.type === 'task_result') (hosts[e.host] ??= []).push(`${e.task} | ${e.status}`);
  return hosts;
}

describe('worker threads: the hosts of a run spread over threads, the same run as one thread', function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let inventory: string;
  const args = (playbook: string, ...more: string[]) => ['apply', inventory, fixture(playbook), '--known-hosts', sandbox.knownHostsFile, ...more];

  before(async () => {
    sandbox = await Sandbox.start({ count: 4, prefix: 'wk' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory, { groups: { fleet: sandbox.hosts.map((h) => h.name) } });
  });
  after(async () => sandbox?.stop());

  it('two threads give the results, recap, exit code and output order of one thread', async () => {
    const one = await runbook([...args('fresh.yaml', '--output', 'json', '--workers', '1', '-v')]);
    const two = await runbook([...args('fresh.yaml', '--output', 'json', '--workers', '2', '-v')]);
    assert.doesNotMatch(one.stderr, /worker threads/);
    assert.match(two.stderr, /runbook: 2 worker threads, 2 hosts or fewer each/);
    // The run went to the threads as the main thread loaded it.
    assert.doesNotMatch(two.stderr, /loads the playbooks and inventory again/);
    assert.equal(one.code, 2, one.stderr);
    assert.equal(two.code, one.code, two.stderr);
    assert.deepEqual(two.recap, one.recap);
    assert.deepEqual(one.recap!.wk02, { ok: 7, changed: 7, failed: 0, skipped: 2, unreachable: false, rescued: 1, ignored: 0 });
    assert.equal(one.recap!.wk03.failed, 1);
    assert.deepEqual(results(two), results(one));
    assert.deepEqual(byPlay(two), byPlay(one));
    assert.deepEqual(perHost(two), perHost(one));
    // One run_start and one play_start per play, with every host, as one thread emits them.
    assert.equal(two.events.filter((e) => e.type === 'run_start').length, 1);
    assert.deepEqual(
      two.events.filter((e) => e.type === 'play_start').map((e) => e.hosts),
      [['wk01', 'wk02', 'wk03', 'wk04'], ['wk01', 'wk02', 'wk03', 'wk04'], ['wk01', 'wk02', 'wk04']],
    );
    for (const host of ['wk01', 'wk02', 'wk04']) {
      const second = await sandbox.fileInfo(host, '/srv/w/second');
      assert.equal(second.content?.toString(), `${host} second\n`);
      assert.equal((await sandbox.fileInfo(host, '/srv/w/handled')).content?.toString(), 'handled\n');
    }
    assert.equal((await sandbox.fileInfo('wk02', '/srv/w/rescued')).content?.toString(), 'rescued\n');
    assert.equal((await sandbox.fileInfo('wk03', '/srv/w/after')).exists, false, 'a failed host went on');
    assert.equal((await sandbox.fileInfo('wk01', '/srv/w/chosen')).mode, '0600');
    assert.equal((await sandbox.fileInfo('wk02', '/srv/w/chosen')).exists, false);
  });

  it('a plan the threads cannot take as data (include_tasks): each thread loads the run again, the same results', async () => {
    const one = await runbook(args('include.yaml', '--output', 'json', '--workers', '1', '-v'));
    const two = await runbook(args('include.yaml', '--output', 'json', '--workers', '2', '-v'));
    assert.match(two.stderr, /runbook: each worker thread loads the playbooks and inventory again: run\.plan\.0\.play\.body\.\d+\.includeTasks is a function/);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(two.recap, one.recap);
    assert.deepEqual(perHost(two), perHost(one));
    for (const host of sandbox.hosts) {
      assert.equal((await sandbox.fileInfo(host.name, '/srv/inc/after')).content?.toString(), `${host.name} after\n`);
      assert.equal((await sandbox.fileInfo(host.name, '/srv/inc/second')).content?.toString(), 'second\n');
      assert.equal((await sandbox.fileInfo(host.name, '/srv/inc/name')).mode, '0600');
    }
  });

  it('plain output: the same lines', async () => {
    const one = await runbook([...args('fresh.yaml', '--output', 'plain', '--workers', '1')]);
    const two = await runbook([...args('fresh.yaml', '--output', 'plain', '--workers', '3')]);
    assert.equal(two.code, one.code);
    // Everything but the run's duration.
    const lines = (run: CliRun) => run.stdout.split('\n').filter((l) => !l.startsWith('total duration'));
    assert.deepEqual([...lines(two)].sort(), [...lines(one)].sort());
    // Each play's lines under its own header.
    const plays = (run: CliRun) => lines(run).join('\n').split(/^PLAY /m).map((play) => play.split('\n').sort());
    assert.deepEqual(plays(two), plays(one));
  });

  it('what a user sees is the same bytes with two threads as with one: plain at -v with diffs, JSON events, recap, exit code', async () => {
    // One thread of one fork, and two threads of one fork each: both give each task's hosts one after the other.
    const plain = (workers: string, forks: string) => runbook(args('order.yaml', '--output', 'plain', '-v', '--diff', '--workers', workers, '--forks', forks));
    const json = (workers: string, forks: string) => runbook(args('order.yaml', '--output', 'json', '--workers', workers, '--forks', forks));
    const oneText = await plain('1', '1');
    const twoText = await plain('2', '2');
    assert.equal(oneText.code, 2, oneText.stderr);
    assert.equal(twoText.code, oneText.code, twoText.stderr);
    // Everything but how long each took.
    const timeless = (text: string) => text.replace(/^total duration.*$/m, '').replace(/\d+(\.\d+)? ?m?s\b/g, 'T');
    assert.equal(timeless(twoText.stdout), timeless(oneText.stdout));
    // The output has every kind of result in it, so the comparison covers them.
    for (const seen of [/^changed: \[wk01\]/m, /^ok: \[wk01\]/m, /^skipping: \[wk02\]/m, /^failed: \[wk03\]/m, /^failed, ignored: \[wk04\]/m, /^changed: \[wk02\] handler: Note the tree/m, /^failed: \[wk04\]/m, /^ {4}diff /m]) assert.match(oneText.stdout, seen);
    const oneJson = await json('1', '1');
    const twoJson = await json('2', '2');
    assert.equal(twoJson.code, oneJson.code);
    const lines = (run: CliRun) => run.stdout.replace(/"durationMs":\d+/g, '"durationMs":0');
    assert.equal(lines(twoJson), lines(oneJson));
    assert.deepEqual(twoJson.recap, oneJson.recap);
    assert.deepEqual([oneJson.recap!.wk03.failed, oneJson.recap!.wk04.failed, oneJson.recap!.wk02.ignored, oneJson.recap!.wk01.failed], [1, 1, 1, 0]);
    for (const host of ['wk01', 'wk02']) assert.equal((await sandbox.fileInfo(host, '/srv/o/after')).mode, '0600');
    assert.equal((await sandbox.fileInfo('wk03', '/srv/o/after')).exists, false, 'a failed host went on');
  });

  it('threads do not meet at each task: a hundred tasks, two threads, they meet only to start', async () => {
    const tasks = Array.from({ length: 100 }, (_, i) =>
      i % 3 === 0
        ? { name: `Fact ${i}`, set_fact: { [`fact_${i}`]: `{{ inventory_hostname }}-${i}` }, changed_when: `inventory_hostname == 'wk02'` }
        : i % 3 === 1
          ? { name: `Check ${i}`, assert: { that: [`fact_${i - 1} is defined`], quiet: true } }
          : { name: `Skip ${i}`, debug: { msg: 'never' }, when: `inventory_hostname == 'nowhere'` },
    );
    const playbook = join(sandbox.dir, 'many-tasks.yaml');
    writeFileSync(playbook, yaml.dump([{ name: 'Many tasks', hosts: 'fleet', gather_facts: false, tasks }]));
    const run = (workers: string) => runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--workers', workers, '-vv']);
    const one = await run('1');
    const two = await run('2');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const lines = (r: CliRun) => r.stdout.replace(/"durationMs":\d+/g, '"durationMs":0');
    assert.equal(lines(two), lines(one));
    assert.equal(one.recap!.wk02.changed, 34);
    const cost = /worker threads met (\d+) times \((\d+) to start, (\d+) at a batch's end, (\d+) far ahead\) and posted (\d+) messages/.exec(two.stderr);
    assert.ok(cost, two.stderr);
    const [, meetings, toStart, atEnd, farAhead, messages] = cost.map(Number);
    assert.equal(toStart, 2, 'each thread waits once for the others to have checked their hosts');
    assert.equal(atEnd, 2, 'each thread waits once at the end of the one batch: the next play begins after it on every host');
    // A thread more than THREAD_WINDOW points (about 30 tasks) ahead waits: a few times at most, never per task.
    assert.ok(farAhead <= 6, `${farAhead} waits far ahead`);
    assert.equal(meetings, toStart + atEnd + farAhead);
    // Events go in batches: fewer messages than tasks from each thread.
    assert.ok(messages < 100, `${messages} messages for 100 tasks on 2 threads`);
  });

  it('a play begins on no host before the play before it ended on every host, whatever thread runs them', async () => {
    // wk04's last task of the first play is slow; the other thread's hosts have nothing left to do.
    const playbook = join(sandbox.dir, 'two-plays.yaml');
    writeFileSync(
      playbook,
      yaml.dump([
        { name: 'First', hosts: 'fleet', gather_facts: false, tasks: [{ name: 'End', shell: "if [ {{ inventory_hostname }} = wk04 ]; then sleep 3; fi; date +%s%N", changed_when: false }] },
        { name: 'Second', hosts: 'fleet', gather_facts: false, tasks: [{ name: 'Begin', command: 'date +%s%N', changed_when: false }] },
      ]),
    );
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--workers', '2', '-v']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /2 worker threads/);
    const times = (task: string) =>
      run.events.filter((e) => e.type === 'task_result' && e.task === task).map((e) => BigInt((e as { stdout?: string }).stdout!.trim()));
    const ends = times('End');
    const begins = times('Begin');
    assert.equal(ends.length, 4);
    assert.equal(begins.length, 4);
    const lastEnd = ends.reduce((a, b) => (a > b ? a : b));
    const firstBegin = begins.reduce((a, b) => (a < b ? a : b));
    assert.ok(firstBegin > lastEnd, `the second play began at ${firstBegin}, before the first ended at ${lastEnd}`);
  });

  it('the no-op rerun over threads: one connection and at most two round trips per host', async () => {
    const first = await runbook(args('converge.yaml', '--output', 'json', '--workers', '2'));
    assert.equal(first.code, 0, first.stderr);
    const before = Object.fromEntries(sandbox.hosts.map((h) => [h.name, sandbox.connectionsAccepted(h.name)]));
    const noop = await runbook(args('converge.yaml', '--output', 'json', '--workers', '2', '-v'));
    assert.equal(noop.code, 0, noop.stderr);
    assert.match(noop.stderr, /2 worker threads/);
    const recap = noop.events.find((e) => e.type === 'recap')!;
    for (const host of sandbox.hosts) {
      assert.equal(noop.recap![host.name].changed, 0);
      assert.equal(noop.recap![host.name].ok, 4);
      assert.equal(sandbox.connectionsAccepted(host.name) - before[host.name], 1, `connections to ${host.name}`);
      assert.equal(recap.transport[host.name].connections, 1);
      assert.ok(recap.transport[host.name].roundTrips <= 2, `round trips on ${host.name}: ${recap.transport[host.name].roundTrips}`);
    }
  });

  it('the handshake limit per sshd holds across threads, exactly: thirty hosts behind one sshd that drops a ninth login in progress, three threads, no drop', async () => {
    // MaxStartups 8: sshd drops every connection that comes while it counts 8 logins in progress, runbook's
    // limit per sshd (ssh.ts). sshd counts a login done a moment after the client sees it succeed; a slot freed
    // then (as before) let the next connection in while sshd still counted the old one: a drop whenever that
    // moment overlapped a full set of handshakes (CI saw it at the default MaxStartups 10:30:100).
    const strict = await Sandbox.start({ count: 1, prefix: 'ms', sshdConfig: 'MaxStartups 8\n' });
    try {
      const one = (yaml.load(strict.inventoryYaml()) as any).all.hosts.ms01;
      const names = Array.from({ length: 30 }, (_, i) => `alias${String(i + 1).padStart(2, '0')}`);
      const aliases = join(strict.dir, 'aliases.yaml');
      writeFileSync(aliases, yaml.dump({ all: { hosts: Object.fromEntries(names.map((n) => [n, { ...one }])) } }));
      await strict.run('ms01', 'mkdir -p /srv/aliases');
      const before = strict.connectionsAccepted('ms01');
      const run = await runbook(['apply', aliases, fixture('aliases.yaml'), '--known-hosts', strict.knownHostsFile, '--output', 'json', '--workers', '3', '-v']);
      assert.match(run.stderr, /3 worker threads/);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.equal(Object.values(run.recap!).filter((r) => r.changed === 1).length, 30);
      assert.equal(strict.connectionsAccepted('ms01') - before, 30, 'one connection per inventory host');
      // sshd logs each connection it drops (runbook would retry it: the run alone cannot tell).
      assert.doesNotMatch(readFileSync(strict.host('ms01').logFile, 'utf8'), /past MaxStartups/);
      assert.deepEqual((await strict.run('ms01', 'ls /srv/aliases')).stdout.trim().split('\n'), names);
    } finally {
      await strict.stop();
    }
  });

  it('a play that needs every host in one thread runs in one, and says so at -v', async () => {
    const run = await runbook(args('run-once.yaml', '--output', 'json', '--workers', '2', '-v'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /runbook: one thread \(not 2\): task 'Once for the fleet' uses run_once \(.*run-once\.yaml:\d+:\d+\)/);
    assert.deepEqual(run.events.filter((e) => e.type === 'task_result').map((e) => `${e.host} ${e.status}`), ['wk01 ok']);
  });

  it('bad input found in the threads: exit 1 with file:line, no host touched', async () => {
    const before = sandbox.hosts.map((h) => sandbox.connectionsAccepted(h.name));
    const run = await runbook(args('undefined.yaml', '--output', 'json', '--workers', '2', '-v'));
    assert.match(run.stderr, /2 worker threads/);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /undefined\.yaml:\d+:\d+: .*nowhere_defined/);
    assert.deepEqual(run.events, [], 'nothing was reported as run');
    assert.deepEqual(sandbox.hosts.map((h) => sandbox.connectionsAccepted(h.name)), before, 'a host was contacted');
  });

  it('--workers 0 is refused, naming the flag', async () => {
    const run = await runbook(args('converge.yaml', '--workers', '0'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--workers must be a whole number of at least 1/);
  });

  it('SIGINT with threads: remote commands stopped, every host interrupted in the recap, exit 130', async () => {
    const { child, done } = startRunbook(args('sleep.yaml', '--output', 'json', '--workers', '2'));
    const sleeping = await sleepOnEveryHost(sandbox.hosts);
    child.kill('SIGINT');
    const run = await done;
    try {
      assert.equal(run.code, 130, run.stderr);
      for (const h of sandbox.hosts) {
        assert.equal(run.recap![h.name].interrupted, true, `${h.name} not marked interrupted`);
        assert.equal((await sandbox.fileInfo(h.name, '/srv/never')).exists, false, 'a task started after the interrupt');
        assert.deepEqual(await noProcessLeft(h.pid), []);
      }
    } finally {
      killPids(sleeping.map((p) => p.pid));
    }
  });
});
