import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, type CliRun } from './cli.js';

const playbook = join(fixtures, 'probe-failures', 'pki.yaml');
const FILES = ['/etc/pki-test/ca.key', '/etc/pki-test/ca.crt', '/etc/pki-test/app.conf'];

/**
 * Hosts whose tools answer wrongly: BusyBox's stat (no --printf), a sha256sum printing garbage,
 * a stat that hangs. The sandbox overlays /usr/local, and sshd's PATH puts /usr/local/bin
 * first, so a shim there is what runbook's probe runs on that host only.
 */
const SHIMS: Record<string, string> = {
  busybox01: '#!/bin/sh\nexec /usr/bin/busybox stat "$@"\n',
  garbled01: '#!/bin/sh\nfor f do printf "deadbeef  %s\\0" "$f"; done\n',
  // A duration no other test uses: `ps` sees every sandbox's processes (hosts share the PID namespace).
  hanging01: '#!/bin/sh\nexec sleep 613\n',
};
/** Each run hashes every file (no file records): the shims' answers are always asked for. */
const NO_RECORDS = { env: { RUNBOOK_RECORD_DIR: 'off' } };
const TOOL: Record<string, string> = { busybox01: 'stat', garbled01: 'sha256sum', hanging01: 'stat' };

describe('a fact probe that fails is an error, never an answer', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let inventory: string;
  const args = (...extra: string[]) => ['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', '--fact-timeout', '15', ...extra];
  /** Bytes and metadata of the PKI files, read with the real tools (not the shims). */
  const snapshot = (host: string) => sandbox.run(host, `cd /etc/pki-test && /usr/bin/sha256sum ca.key ca.crt app.conf && /usr/bin/stat -c '%n %a %U %G %Y' ${FILES.join(' ')}`).then((r) => r.stdout);
  let original: Record<string, string>;

  before(async () => {
    sandbox = await Sandbox.start({ count: 3, names: Object.keys(SHIMS) });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    const first = await runbook(args(), NO_RECORDS);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    original = {};
    for (const host of Object.keys(SHIMS)) {
      original[host] = await snapshot(host);
      assert.match(original[host], /ca\.key/);
      const tool = TOOL[host];
      await sandbox.run(host, `cat > /usr/local/bin/${tool} && chmod 0755 /usr/local/bin/${tool}`, SHIMS[host]);
    }
  });
  after(async () => sandbox?.stop());

  function failure(run: CliRun, host: string): string {
    const failed = run.events.filter((e) => e.type === 'task_result' && e.host === host && e.status === 'failed');
    assert.equal(failed.length, 1, `${host}: one failed task, got ${JSON.stringify(run.events.filter((e) => e.host === host))}`);
    assert.equal(run.recap![host].changed, 0, `${host} changed something`);
    return failed[0].message as string;
  }

  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'dry-run' : 'apply'}: each host fails naming the tool, within the timeout, and nothing is touched`, async () => {
      const started = Date.now();
      const run = await runbook(args(...(dryRun ? ['--dry-run'] : [])), NO_RECORDS);
      const elapsed = Date.now() - started;
      assert.equal(run.code, 2, run.stderr + run.stdout);
      assert.match(failure(run, 'busybox01'), /^busybox01: stat: unrecognized option '--printf'.* — GNU coreutils stat is required/);
      assert.match(failure(run, 'garbled01'), /^garbled01: sha256sum: output does not parse: 'deadbeef {2}.*' — GNU coreutils sha256sum is required/);
      assert.match(failure(run, 'hanging01'), /^hanging01: fact probe did not finish within 15 s/);
      assert.ok(elapsed < 100_000, `the run ended after ${elapsed} ms; the probe timeout is 15 s, the hanging stat sleeps 613 s`);
      // The host killed the probe's whole process group at the deadline: neither the hanging stat
      // nor the probe's shell (the only processes naming this fixture's /etc/pki-test) is left there.
      const left = await sandbox.run('hanging01', 'ps -eo pid,args | grep -v grep');
      assert.doesNotMatch(left.stdout, /sleep 613|\/etc\/pki-test/, `the hanging probe still runs on the host:\n${left.stdout}`);
      for (const host of Object.keys(SHIMS)) assert.equal(await snapshot(host), original[host], `${host}: the CA key, certificate or config changed`);
    });
  }

  it('with the real tools back, the same hosts are converged: the key was never replaced, the certificate never reissued', async () => {
    for (const host of Object.keys(SHIMS)) await sandbox.run(host, `rm -f /usr/local/bin/${TOOL[host]}`);
    const run = await runbook(args(), NO_RECORDS);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    for (const host of Object.keys(SHIMS)) {
      assert.deepEqual([run.recap![host].ok, run.recap![host].changed, run.recap![host].failed], [4, 0, 0], host);
      assert.equal(await snapshot(host), original[host]);
    }
  });
});
