import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './hosts.js';
import { mntNs, pidsInNs } from './proc.js';

function sh(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 255) : 0 }));
  });
}

describe('sandbox hosts', function () {
  let sb: Sandbox;
  const sshArgs = (extra: string[] = []) => [
    '-F', '/dev/null', '-i', sb.keyFile, '-o', `UserKnownHostsFile=${sb.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', ...extra,
  ];
  const ssh = (host: string, command: string, user = 'root', extra: string[] = []) => {
    const h = sb.host(host);
    return sh('ssh', [...sshArgs(extra), '-p', String(h.port), `${user}@${h.address}`, command]);
  };

  before(async function () {
    sb = await Sandbox.start({
      count: 3, becomeHosts: ['host03'],
      files: { '/opt/app/app.conf': { content: 'x=1\n', mode: 0o600 } },
      setup: (h) => `printf '#!/bin/sh\\necho ${h.address}\\n' > /usr/local/bin/my-addr; chmod 755 /usr/local/bin/my-addr`,
    });
  });
  after(async function () {
    if (sb) await sb.stop();
  });

  it('gives each host its own loopback address, hostname and host key', async function () {
    assert.deepEqual(sb.hosts.map((h) => h.name), ['host01', 'host02', 'host03']);
    assert.equal(new Set(sb.hosts.map((h) => h.address)).size, 3);
    for (const h of sb.hosts) {
      assert.match(h.address, /^127\.\d+\.\d+\.\d+$/);
      const r = await ssh(h.name, 'hostname');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), h.name);
    }
    assert.equal(sb.host('host03').user, 'deploy');
  });

  it('verifies host keys against the generated known_hosts', async function () {
    // Host keys are per-host: presenting host01's address with host02's key entry must fail.
    const h1 = sb.host('host01');
    const r = await sh('ssh', [...sshArgs(['-o', `HostKeyAlias=[${sb.host('host02').address}]:${h1.port}`]),
      '-p', String(h1.port), `root@${h1.address}`, 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /host key/i);
  });

  it('isolates files written over ssh', async function () {
    const marker = `/etc/runbook-sandbox-test-${process.pid}`;
    const w = await ssh('host01', `echo isolated > ${marker}`);
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await ssh('host01', `cat ${marker}`)).stdout, 'isolated\n');
    assert.notEqual((await ssh('host02', `test -e ${marker}`)).code, 0);
    assert.equal(existsSync(marker), false);
    const info = await sb.fileInfo('host01', marker);
    assert.equal(info.exists, true);
    assert.equal(info.content?.toString(), 'isolated\n');
    assert.equal(info.mode, '0644');
    assert.equal((await sb.fileInfo('host02', marker)).exists, false);
  });

  it('applies the files option and setup hook inside each host', async function () {
    const f = await sb.fileInfo('host02', '/opt/app/app.conf');
    assert.deepEqual([f.type, f.mode, f.owner, f.content?.toString()], ['file', '0600', 'root', 'x=1\n']);
    const r = await ssh('host02', 'my-addr');
    assert.equal(r.stdout.trim(), sb.host('host02').address, r.stderr);
    assert.equal(existsSync('/usr/local/bin/my-addr'), false);
  });

  it('lets deploy use passwordless sudo', async function () {
    const r = await ssh('host03', 'id -un && sudo -n true && sudo -n id -u', 'deploy');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deploy\n0\n');
    assert.notEqual((await ssh('host01', 'id deploy')).code, 0);
  });

  it('runs a root `true` exec fast (clean home, no rc files)', async function () {
    // Multiplex over one master so the timing measures exec + shell start-up,
    // not key exchange (sntrup761 alone costs ~120 ms on a slow CI CPU).
    const ctl = join(sb.dir, 'ctl-host01');
    const master = await ssh('host01', '', 'root', ['-M', '-S', ctl, '-o', 'ControlPersist=30', '-f', '-N']);
    assert.equal(master.code, 0, master.stderr);
    try {
      await ssh('host01', 'true', 'root', ['-S', ctl]);
      const t0 = process.hrtime.bigint();
      const r = await ssh('host01', 'true', 'root', ['-S', ctl]);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(ms < 300, `ssh true took ${ms.toFixed(1)} ms`);
      const home = await sb.run('host01', 'ls -A /root');
      assert.equal(home.stdout, '.ssh\n');
    } finally {
      await sh('ssh', [...sshArgs(['-S', ctl, '-O', 'exit']), '-p', '2222', `root@${sb.host('host01').address}`]);
    }
  });

  it('counts accepted connections and keeps the tree hash stable across logins', async function () {
    const before = sb.connectionsAccepted('host02');
    const hash = await sb.treeHash('host02');
    assert.equal((await ssh('host02', 'cat /etc/hostname >/dev/null')).code, 0);
    assert.equal(sb.connectionsAccepted('host02'), before + 1);
    assert.equal(await sb.treeHash('host02'), hash);
    assert.equal((await ssh('host02', 'touch /srv/changed')).code, 0);
    assert.notEqual(await sb.treeHash('host02'), hash);
  });

  it('stop() kills every process in the host namespaces, including detached ones', async function () {
    const extra = await Sandbox.start({ count: 2, prefix: 'tmp' });
    let ok = false;
    try {
      assert.notEqual(extra.hosts[0].address.split('.')[2], sb.hosts[0].address.split('.')[2], 'distinct blocks');
      const r = await sh('ssh', ['-F', '/dev/null', '-i', extra.keyFile, '-o', `UserKnownHostsFile=${extra.knownHostsFile}`,
        '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', '2222', `root@${extra.hosts[0].address}`, 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo started']);
      assert.equal(r.stdout.trim(), 'started', r.stderr);
      const nss = extra.hosts.map((h) => mntNs(h.pid));
      assert.ok(nss.every((n) => n && n !== mntNs('self')));
      assert.ok(pidsInNs(nss[0]!).length >= 2, 'sshd + detached sleep');
      await extra.stop();
      ok = true;
      for (const ns of nss) assert.deepEqual(pidsInNs(ns!), []);
      assert.equal(existsSync(extra.dir), false);
    } finally {
      if (!ok) { await extra.stop(); rmSync(extra.dir, { recursive: true, force: true }); }
    }
  });
});

describe('sandbox hosts with their own /usr (packages)', function () {
  // A real Debian package from this machine's apt sources: the archive must be reachable (a failure, not a skip).
  this.timeout(300_000);
  let sb: Sandbox;
  const machine = (cmd: string) => sh('sh', ['-c', cmd]);
  const fingerprint = () => machine('sha256sum /var/lib/dpkg/status; ls -la --time-style=+%s /usr/bin /usr/sbin /usr/share/doc | sha256sum; test -e /usr/bin/hello && echo HELLO; test -e /usr/sbin/policy-rc.d && echo POLICY; true');
  let machineBefore: string;

  before(async function () {
    machineBefore = (await fingerprint()).stdout;
    sb = await Sandbox.start({ count: 1, prefix: 'pkg', packages: true });
  });
  after(async function () {
    if (sb) await sb.stop();
  });

  it('installs a Debian package inside the host; the machine\'s /usr and dpkg database are unchanged', async function () {
    const install = await sb.run('pkg01', 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends hello 2>&1');
    assert.equal(install.code, 0, `apt-get install hello failed (is Debian's archive reachable?):\n${install.stdout}`);
    assert.equal((await sb.run('pkg01', 'hello')).stdout, 'Hello, world!\n');
    assert.match((await sb.run('pkg01', "dpkg-query -W -f='${db:Status-Abbrev}' hello")).stdout, /^ii/);
    assert.equal((await sh('dpkg-query', ['-W', 'hello'])).code, 1, 'hello is not installed on the machine');
    assert.equal(existsSync('/usr/bin/hello'), false);
    assert.equal((await fingerprint()).stdout, machineBefore);
  });

  it('keeps services from starting: policy-rc.d says 101 inside the host only', async function () {
    const r = await sb.run('pkg01', '/usr/sbin/policy-rc.d; echo $?');
    assert.equal(r.stdout, '101\n');
    assert.equal((await fingerprint()).stdout, machineBefore);
  });
});
