import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Sandbox } from '../sandbox/hosts.js';
import { processesWhere } from '../sandbox/proc.js';
import { SshTransport } from '../../lib/transport/ssh.js';
import { TimeoutError } from '../../lib/transport/types.js';
import { waitFor } from './processes.js';

/**
 * A command with a time limit (the fact probe) runs with no process on the host for the limit;
 * one still running after half its time gets a guard on the host (SshTransport.runStoppedAt). What the
 * host runs is read from /proc of this machine (the sandbox shares its PID namespace): by the
 * command's own unique arguments, never by a program name alone.
 */
describe('time limit of a fact probe, kept by the host (guard)', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let log: string[];
  const transports: SshTransport[] = [];

  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'guard' });
  });
  after(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await sandbox?.stop();
  });

  function connect(): SshTransport {
    const host = sandbox.hosts[0];
    log = [];
    const transport = new SshTransport({ host: 'guard01', address: host.address, port: host.port, user: 'root', privateKey: readFileSync(sandbox.keyFile), knownHostsFile: sandbox.knownHostsFile, acceptNewHostKeys: false, connectTimeoutMs: 20_000, log: (line) => log.push(line) });
    transports.push(transport);
    return transport;
  }

  /** PIDs of the processes whose arguments are exactly these. */
  const running = (...argv: string[]) => processesWhere((args) => args.join('\0') === argv.join('\0'));
  const guards = () => log.filter((line) => /its guard on the host/.test(line));
  /** The guards' `timeout SECONDS head -c1` on the host (guardScript). */
  const guardProcesses = () => processesWhere((args) => args[0] === 'timeout' && args.slice(2).join(' ') === 'head -c1');

  it('a quick command: no guard', async () => {
    const transport = connect();
    const result = await transport.exec('echo quick', { become: false, timeoutMs: 30_000, what: 'fact probe' });
    assert.deepEqual([result.code, result.stdout.toString()], [0, 'quick\n']);
    assert.deepEqual(guards(), []);
  });

  it('a command past half its time gets a guard; it ends normally and so does its guard', async () => {
    const transport = connect();
    const result = await transport.exec('sleep 4.11; echo slow', { become: false, timeoutMs: 6_000, what: 'fact probe' });
    assert.deepEqual([result.code, result.stdout.toString()], [0, 'slow\n']);
    assert.equal(guards().length, 1, log.join('\n'));
    // The guard would wait until the deadline: told the command ended, it ends at once.
    await waitFor('the guard to end', () => guardProcesses().length === 0 || undefined, 5_000);
    assert.equal(transport.stats.roundTrips, 1, 'the guard is not a round trip the run waits for');
  });

  it('a command past its deadline is stopped by the host: the whole process group, the answer a timeout', async () => {
    const transport = connect();
    const started = Date.now();
    await assert.rejects(transport.exec('sleep 611 & sleep 612; echo never', { become: false, timeoutMs: 4_000, what: 'fact probe' }), (error: unknown) => error instanceof TimeoutError && /fact probe did not finish within 4 s/.test(error.message));
    assert.ok(Date.now() - started < 9_000, `stopped after ${Date.now() - started} ms`);
    // Both sleeps, the one in the background too (same process group), are gone.
    await waitFor('both sleeps to be stopped', () => running('sleep', '611').length + running('sleep', '612').length === 0 || undefined, 5_000);
  });

  it('a lost connection stops a guarded command at once, long before its deadline', async () => {
    const transport = connect();
    const deadline = Date.now() + 30_000;
    const probe = transport.exec('sleep 613', { become: false, timeoutMs: 30_000, what: 'fact probe' }).catch((error: unknown) => error);
    // The guard is said once sshd has answered its exec request (its process forked): from then
    // on the connection's end reaches it. Its `head` running on the host shows it really is there.
    await waitFor('the command and its guard', () => (running('sleep', '613').length === 1 && guards().length === 1 && guardProcesses().length === 1) || undefined, 20_000);
    await transport.close();
    await waitFor('the command to be stopped', () => running('sleep', '613').length === 0 || undefined, 10_000);
    assert.ok(Date.now() < deadline - 5_000, 'stopped because the connection was lost, not at the deadline');
    assert.ok((await probe) instanceof Error, 'the command has no answer');
  });
});
