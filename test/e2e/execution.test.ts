// Execution control on real sshd hosts: until/retries, timeouts, throttle, delegate_to,
// ignore_unreachable, strategies, serial batches, any_errors_fatal, max_fail_percentage.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, statuses, type CliRun } from './cli.js';

const dir = join(fixtures, 'execution');
const hosts = ['ex01', 'ex02', 'ex03'];

interface Mark {
  host: string;
  what: string;
  at: bigint;
}

describe('execution control on real hosts', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  const apply = (playbook: string, extra: string[] = [], inv = inventory): Promise<CliRun> =>
    runbook(['apply', inv, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra]);
  const read = async (host: string, path: string) => (await sandbox.fileInfo(host, path)).content?.toString();
  /** Every host's order.log merged by timestamp (the hosts share the controller's clock). */
  const order = async (): Promise<Mark[]> => {
    const marks: Mark[] = [];
    for (const host of hosts) {
      for (const line of ((await read(host, '/srv/ex/order.log')) ?? '').split('\n').filter(Boolean)) {
        const [name, what, at] = line.split(' ');
        marks.push({ host: name, what, at: BigInt(at) });
      }
    }
    return marks.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  };
  const when = (marks: Mark[], host: string, what: string) => {
    const mark = marks.find((m) => m.host === host && m.what === what);
    assert.ok(mark, `${host} never logged ${what}: ${marks.map((m) => `${m.host} ${m.what}`).join(', ')}`);
    return mark.at;
  };

  before(async () => {
    sandbox = await Sandbox.start({ count: hosts.length, prefix: 'ex' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  beforeEach(async () => {
    for (const host of hosts) await sandbox.run(host, 'rm -rf /srv/ex && mkdir -p /srv/ex');
  });
  after(async () => sandbox?.stop());

  it('until/retries/delay: retries until the condition holds, registers attempts, shows progress; exhausted, fails after retries + 1 attempts', async () => {
    const run = await apply(join(dir, 'retries.yaml'), ['--limit', 'ex01']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(await read('ex01', '/srv/ex/attempts-seen'), '3 3\n');
    assert.equal(await read('ex01', '/srv/ex/attempts'), 'x\nx\nx\n');
    const retries = run.events.filter((e) => e.type === 'task_retry' && e.task === 'Count attempts until the third');
    assert.deepEqual(retries.map((e) => [e.attempt, e.retriesLeft]), [[1, 5], [2, 4]]);
    const plain = await runbook(['apply', inventory, join(dir, 'retries.yaml'), '--known-hosts', sandbox.knownHostsFile, '--limit', 'ex02', '--output', 'plain']);
    assert.match(plain.stdout, /FAILED - RETRYING: \[ex02\]: Count attempts until the third \(5 retries left\)\./);
    // As Ansible 2.14: retries: 2 is three attempts, and the exhausted result says attempts: 2.
    assert.equal(await read('ex01', '/srv/ex/never'), 'y\ny\ny\n');
    assert.equal(await read('ex01', '/srv/ex/never-seen'), '2 True\n');
    const never = run.events.find((e) => e.type === 'task_result' && e.task === 'Never satisfied');
    assert.match(never!.message, /failed, ignored: the until condition still failed after 3 attempts/);
  });

  it('timeout: fails the task with Ansible message, kills the remote command, and the host goes on', async () => {
    const started = Date.now();
    const run = await apply(join(dir, 'timeout.yaml'), ['--limit', 'ex01']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(Date.now() - started < 60_000);
    const hung = run.events.find((e) => e.type === 'task_result' && e.task === 'Hangs');
    assert.match(hung!.message, /The shell action failed to execute in the expected time frame \(2\) and was terminated/);
    assert.equal(await read('ex01', '/srv/ex/after'), 'went on\n');
    assert.equal((await sandbox.run('ex01', 'pgrep -f "sleep [7]777"')).stdout, '', 'the remote command still runs');
    assert.equal(await read('ex01', '/srv/ex/finished'), undefined);
  });

  it('--task-timeout bounds every task without its own timeout; the remote command is killed', async () => {
    const run = await apply(join(dir, 'run-timeout.yaml'), ['--limit', 'ex02', '--task-timeout', '2']);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(statuses(run, 'ex02')['Hangs without a timeout of its own'], /failed/);
    assert.equal((await sandbox.run('ex02', 'pgrep -f "sleep [7]778"')).stdout, '', 'the remote command still runs');
    const bad = await apply(join(dir, 'run-timeout.yaml'), ['--task-timeout', '-3']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--task-timeout/);
  });

  it('linear (the default): each task ends on every host before the next starts; handlers after all tasks', async () => {
    const run = await apply(join(dir, 'order.yaml'));
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const marks = await order();
    const last = (what: string) => hosts.map((h) => when(marks, h, what)).reduce((a, b) => (a > b ? a : b));
    const first = (what: string) => hosts.map((h) => when(marks, h, what)).reduce((a, b) => (a < b ? a : b));
    assert.ok(last('one') < first('two'), 'a host ran two before every host finished one');
    assert.ok(last('two') < first('three-start'));
    assert.ok(last('three-end') < first('handler'), 'a handler ran before the tasks ended');
  });

  it('free (--strategy free): a fast host runs ahead of a slow one', async () => {
    const run = await apply(join(dir, 'order.yaml'), ['--strategy', 'free']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const marks = await order();
    assert.ok(when(marks, 'ex02', 'three-end') < when(marks, 'ex01', 'one'), 'ex02 waited for ex01');
  });

  it('throttle: 1 runs the task on one host at a time; the others at once', async () => {
    const run = await apply(join(dir, 'order.yaml'), ['-e', 'three_throttle=1']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const marks = await order();
    const spans = hosts.map((h) => [when(marks, h, 'three-start'), when(marks, h, 'three-end')]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], 'two hosts ran the throttled task at once');
    const unthrottled = await order();
    assert.ok(unthrottled.length > 0);
  });

  it('serial [1, 2]: the first host alone, tasks and handlers, then the other two', async () => {
    const playbook = join(sandbox.dir, 'serial.yaml');
    writeFileSync(playbook, readFileSync(join(dir, 'order.yaml'), 'utf8').replace('  gather_facts: false\n', '  gather_facts: false\n  serial: [1, 2]\n'));
    const run = await apply(playbook);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const marks = await order();
    for (const other of ['ex02', 'ex03']) assert.ok(when(marks, 'ex01', 'handler') < when(marks, other, 'one'), `${other} started before the first batch's handlers`);
    for (const other of ['ex02', 'ex03']) assert.ok(when(marks, other, 'three-end') < when(marks, other, 'handler'));
    assert.ok(when(marks, 'ex03', 'three-end') < when(marks, 'ex02', 'handler'), 'batch handlers ran before the batch ended');
  });

  it('delegate_to another host, localhost and local_action; run_once + delegate_to', async () => {
    const controllerDir = mkdtempSync(join(tmpdir(), 'runbook-delegate-'));
    const run = await apply(join(dir, 'delegate.yaml'), ['-e', `controller_dir=${controllerDir}`]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    for (const host of hosts) {
      // Variables are the task host's; the connection is the delegated host's.
      assert.equal(await read('ex03', `/srv/ex/from-${host}`), `${host} via ${sandbox.host(host).address}\n`);
      if (host !== 'ex03') assert.equal(await read(host, `/srv/ex/from-${host}`), undefined);
      assert.equal(readFileSync(join(controllerDir, host), 'utf8'), `${host}\n`);
      assert.equal(readFileSync(join(controllerDir, `${host}.local`), 'utf8'), `${host}\n`);
      assert.equal(await read(host, '/srv/ex/once-rc'), '0\n');
    }
    assert.equal(await read('ex01', '/srv/ex/once'), 'ex01\n');
    assert.equal(await read('ex02', '/srv/ex/once'), undefined);
    const second = await apply(join(dir, 'delegate.yaml'), ['-e', `controller_dir=${controllerDir}`]);
    assert.equal(statuses(second, 'ex02')['On the last host, for each host'], 'ok', 'delegated copy not idempotent');
    assert.equal(statuses(second, 'ex02')['On the controller'], 'ok');
  });

  it('any_errors_fatal: one host fails, no host runs another task of the playbook', async () => {
    const run = await apply(join(dir, 'fatal.yaml'));
    assert.equal(run.code, 2, run.stderr + run.stdout);
    for (const host of hosts) {
      assert.equal(await read(host, '/srv/ex/after'), undefined, host);
      assert.equal(await read(host, '/srv/ex/next-play'), undefined, host);
    }
    assert.deepEqual(hosts.map((h) => run.recap![h].failed), [1, 0, 0]);
  });

  it('max_fail_percentage: 1 of 3 failed is over 30%, the play and the playbook stop; without it the others go on', async () => {
    const run = await apply(join(dir, 'maxfail.yaml'));
    assert.equal(run.code, 2);
    for (const host of hosts) assert.equal(await read(host, '/srv/ex/after'), undefined, host);
    const playbook = join(sandbox.dir, 'maxfail-50.yaml');
    writeFileSync(playbook, readFileSync(join(dir, 'maxfail.yaml'), 'utf8').replace('max_fail_percentage: 30', 'max_fail_percentage: 50'));
    const lenient = await apply(playbook);
    assert.equal(lenient.code, 2);
    assert.deepEqual(await Promise.all(hosts.map((h) => read(h, '/srv/ex/after'))), [undefined, 'ran\n', 'ran\n']);
    assert.deepEqual(await Promise.all(hosts.map((h) => read(h, '/srv/ex/next-play'))), [undefined, 'ran\n', 'ran\n']);
  });

  it('ignore_unreachable: the unreachable host counts ok and stays in the play until a task without it', async () => {
    const inv = join(sandbox.dir, 'with-ghost.yaml');
    writeFileSync(inv, sandbox.inventoryYaml().replace('  hosts:\n', '  hosts:\n    ghost:\n      ansible_host: 127.0.0.1\n      ansible_port: 9\n'));
    const playbook = join(sandbox.dir, 'unreachable.yaml');
    writeFileSync(playbook, `- hosts: ghost,ex01
  gather_facts: false
  tasks:
    - name: first
      copy: { dest: /srv/ex/u1, content: "x" }
      ignore_unreachable: true
    - name: second
      copy: { dest: /srv/ex/u2, content: "y" }
`);
    const run = await apply(playbook, [], inv);
    assert.equal(run.code, 3, run.stderr + run.stdout);
    assert.deepEqual(statuses(run, 'ghost'), { first: 'ok', second: 'unreachable' });
    assert.deepEqual([run.recap!.ghost.ok, run.recap!.ghost.unreachable], [1, true]);
    assert.equal(await read('ex01', '/srv/ex/u2'), 'y');
  });

  it('refuses bad input with file:line before touching a host', async () => {
    const cases: Array<[string, RegExp]> = [
      ['  serial: 0\n', /serial must be 1 or more/],
      ['  serial: "-5%"\n', /serial percentage must be a number of 0 or more/],
      ['  serial: ["abc%"]\n', /serial percentage/],
      ['  strategy: fast\n', /strategy must be one of linear, free/],
    ];
    const taskCases: Array<[string, RegExp]> = [
      ['      retries: -1\n      until: r is success\n      register: r\n', /retries must be 0 or more/],
      ['      until: "r.rc =="\n      register: r\n', /template error in until/],
      ['      delegate_to: nosuchhost\n', /delegate_to 'nosuchhost' names no inventory host/],
      ['      async: 10\n      poll: 0\n', /async is not supported/],
    ];
    const before = hosts.map((h) => sandbox.connectionsAccepted(h));
    const write = (play: string, task: string) => {
      const file = join(sandbox.dir, 'bad.yaml');
      writeFileSync(file, `- hosts: all\n  gather_facts: false\n${play}  tasks:\n    - name: t\n      shell: "true"\n${task}`);
      return file;
    };
    for (const [play, message] of cases) {
      const run = await apply(write(play, ''));
      assert.equal(run.code, 1, play);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /bad\.yaml:3:/, run.stderr);
    }
    for (const [task, message] of taskCases) {
      const run = await apply(write('', task));
      assert.equal(run.code, 1, task);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /bad\.yaml:6:/, run.stderr);
    }
    assert.deepEqual(hosts.map((h) => sandbox.connectionsAccepted(h)), before);
  });
});
