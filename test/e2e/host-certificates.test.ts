import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import yaml from 'js-yaml';
import { runbook, totals } from './cli.js';

/**
 * known_hosts `@cert-authority`: real sshd hosts presenting host certificates (HostCertificate)
 * signed with ssh-keygen, and OpenSSH's own ssh client as the oracle for accept / refuse.
 */
describe('known_hosts @cert-authority: host certificates', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let inventory: string;
  let keys: string;
  const caPublic = (name: string) => readFileSync(join(keys, `${name}.pub`), 'utf8').trim();
  const host = (name: string) => sandbox.host(name);
  /** One pattern for every sandbox host: `[127.0.N.*]:2222`. */
  const pattern = () => `[${host('cert01').address.replace(/\.\d+$/, '.*')}]:${host('cert01').port}`;
  const knownHosts = (text: string) => {
    const file = join(sandbox.dir, 'ca_known_hosts');
    writeFileSync(file, text);
    return file;
  };
  const caLines = () => `@cert-authority ${pattern()} ${caPublic('ca')}\n@cert-authority ${pattern()} ${caPublic('ca-ecdsa')}\n`;
  const playbook = (hosts: string) => {
    const file = join(sandbox.dir, `cert-${hosts.replace(/\W/g, '_')}.yaml`);
    writeFileSync(file, `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/by-certificate, content: "trusted through the CA\\n"}\n`);
    return file;
  };
  const apply = (hosts: string, file: string, ...more: string[]) => runbook(['apply', inventory, playbook(hosts), '--known-hosts', file, '--output', 'json', ...more]);
  /** OpenSSH's verdict with the same known_hosts file: true when ssh connects. */
  const opensshAccepts = (name: string, file: string) => {
    const h = host(name);
    const result = spawnSync('ssh', ['-F', '/dev/null', '-o', `UserKnownHostsFile=${file}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', sandbox.keyFile, '-p', String(h.port), `${h.user}@${h.address}`, 'true'], { encoding: 'utf8', timeout: 30_000 });
    return { accepted: result.status === 0, stderr: result.stderr };
  };
  /** Connections sshd closed before authentication: the certificate fetches (and any other pre-auth drop). */
  const preauthCloses = (name: string) => readFileSync(host(name).logFile, 'utf8').split('\n').filter((l) => /Connection closed by .* \[preauth\]/.test(l)).length;
  const hostFile = (name: string) => sandbox.fileInfo(name, '/srv/by-certificate');

  before(async () => {
    keys = mkdtempSync(join(tmpdir(), 'runbook-certca-'));
    for (const [name, type] of [['ca', 'ed25519'], ['ca-ecdsa', 'ecdsa'], ['other-ca', 'ed25519']]) {
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', join(keys, name)]);
    }
    const certificates: Record<string, (address: string) => { caKey: string; principals: string[]; validity?: string }> = {
      cert01: (address) => ({ caKey: join(keys, 'ca'), principals: [address, 'cert01.example'], validity: '-5m:+1d' }),
      cert02: () => ({ caKey: join(keys, 'ca'), principals: ['elsewhere.example'] }),
      cert03: (address) => ({ caKey: join(keys, 'ca'), principals: [address], validity: '20200101:20200102' }),
      cert04: (address) => ({ caKey: join(keys, 'other-ca'), principals: [address] }),
      // No principals: OpenSSH accepts such a host certificate for every name.
      cert05: () => ({ caKey: join(keys, 'ca-ecdsa'), principals: [] }),
      // cert06: no certificate at all.
    };
    sandbox = await Sandbox.start({ count: 6, prefix: 'cert', hostCertificate: (h) => certificates[h.name]?.(h.address) });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => {
    await sandbox?.stop();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  it('only @cert-authority lines: valid certificates are accepted (the task ran), every other host refused with file:line and why, as OpenSSH decides; nothing recorded even with --accept-new-host-keys', async () => {
    const file = knownHosts(caLines());
    const run = await apply('all', file, '--accept-new-host-keys');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    for (const name of ['cert01', 'cert05']) {
      assert.deepEqual([run.recap![name].changed, run.recap![name].unreachable], [1, false], `${name}: ${run.stdout}`);
      assert.equal((await hostFile(name)).content?.toString(), 'trusted through the CA\n');
    }
    const refusals: Record<string, string> = {
      cert02: `${host('cert02').address} is not a principal of the certificate (it names elsewhere.example)`,
      cert03: 'the certificate expired (valid until 2020-01-02T00:00:00Z)',
      cert04: "the host's certificate is signed by ssh-ed25519 SHA256:",
      cert06: 'the host offers no host certificate',
    };
    for (const [name, reason] of Object.entries(refusals)) {
      assert.equal(run.recap![name].unreachable, true, name);
      const expected = `ca_known_hosts:1 trusts a @cert-authority for [${host(name).address}]:2222, but the host's certificate is not accepted: ${reason}`;
      assert.ok(run.stdout.includes(expected), `${name}: expected ${expected} in ${run.stdout}`);
      assert.equal((await hostFile(name)).exists, false, `${name} was changed`);
    }
    assert.match(run.stdout, /signed by ssh-ed25519 SHA256:\S+, which is not the @cert-authority key/);
    assert.equal(readFileSync(file, 'utf8'), caLines(), 'known_hosts was changed (trust on first use)');
    // OpenSSH, with the same known_hosts file, makes the same decisions.
    for (const name of ['cert01', 'cert05']) assert.equal(opensshAccepts(name, file).accepted, true, `ssh refused ${name}: ${opensshAccepts(name, file).stderr}`);
    for (const name of Object.keys(refusals)) assert.equal(opensshAccepts(name, file).accepted, false, `ssh accepted ${name}`);
  });

  it('the no-op rerun: one connection per host (the kept certificate, re-checked; no fetch); -vvvv says how the key was trusted', async () => {
    const file = knownHosts(caLines());
    const first = await apply('cert01,cert05', file, '-vvvv');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const before = Object.fromEntries(['cert01', 'cert05'].map((name) => [name, { accepted: sandbox.connectionsAccepted(name), fetches: preauthCloses(name) }]));
    const rerun = await apply('cert01,cert05', file, '-vvvv');
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const recap = rerun.events.at(-1)!;
    for (const name of ['cert01', 'cert05']) {
      assert.equal(rerun.recap![name].changed, 0);
      assert.equal(sandbox.connectionsAccepted(name) - before[name].accepted, 1, `connections to ${name}`);
      assert.equal(preauthCloses(name) - before[name].fetches, 0, `certificate fetches from ${name}`);
      assert.equal(recap.transport[name].connections, 1);
      assert.match(rerun.stderr, new RegExp(`<${name}> SSH: host key ssh-ed25519 SHA256:\\S+ trusted through its host certificate \\(id "${name}", serial 0, principals .*?\\) signed by the @cert-authority \\S+ SHA256:\\S+ at \\S+ca_known_hosts:\\d; certificate kept from an earlier run`));
    }
    assert.match(rerun.stderr, /<cert05> SSH: host key ssh-ed25519 \S+ trusted through its host certificate \(id "cert05", serial 0, principals \(any\), no expiry\) signed by the @cert-authority ecdsa-sha2-nistp256 SHA256:\S+ at \S+ca_known_hosts:2/);
    assert.doesNotMatch(rerun.stderr, /fetching it from the host/);
  });

  it('first contact fetches the certificate once and keeps it; a kept copy that no longer verifies (another host\'s, garbage) is fetched again and replaced', async () => {
    const file = knownHosts(caLines());
    rmSync(`${file}.certificates`, { recursive: true, force: true });
    const fetchesBefore = preauthCloses('cert01');
    const first = await apply('cert01', file, '-vvvv');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(preauthCloses('cert01') - fetchesBefore, 1, 'certificate fetches on first contact');
    assert.match(first.stderr, /<cert01> SSH: host key ssh-ed25519 \S+ trusted through its host certificate .* certificate fetched from the host, kept in \S+ca_known_hosts\.certificates\/[0-9a-f]{32}-cert\.pub/);
    const [kept] = readdirSync(`${file}.certificates`);
    const keptFile = join(`${file}.certificates`, kept);
    // What ssh-keygen reads: the kept copy is the host's own certificate.
    const listing = execFileSync('ssh-keygen', ['-L', '-f', keptFile], { encoding: 'utf8' });
    assert.match(listing, /Type: ssh-ed25519-cert-v01@openssh.com host certificate/);
    assert.match(listing, new RegExp(`Principals: \\n\\s+${host('cert01').address.replace(/\./g, '\\.')}\\n\\s+cert01\\.example`));
    const good = readFileSync(keptFile, 'utf8');
    // The expired certificate of another host, signed by the same CA, in place of cert01's.
    const expired = (await sandbox.fileInfo('cert03', '/etc/ssh/ssh_host_ed25519_key-cert.pub')).content!.toString();
    // Valid for every name, signed by a listed CA, but for cert05's key: found out during the handshake.
    const anotherKey = (await sandbox.fileInfo('cert05', '/etc/ssh/ssh_host_ed25519_key-cert.pub')).content!.toString();
    const stale: Array<[string, RegExp]> = [
      [expired, /the certificate expired/],
      ['ssh-ed25519-cert-v01@openssh.com AAAAgarbage\n', /malformed host certificate/],
      [anotherKey, /the certificate is for another key/],
    ];
    for (const [copy, reason] of stale) {
      writeFileSync(keptFile, copy);
      const fetches = preauthCloses('cert01');
      const run = await apply('cert01', file, '-vvvv');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, new RegExp(`<cert01> SSH: the kept host certificate is not accepted \\(${reason.source}.*\\): fetching the host's current one`));
      assert.equal(preauthCloses('cert01') - fetches, 1, 'certificate fetches');
      assert.equal(readFileSync(keptFile, 'utf8'), good);
    }
  });

  it('beside plain keys: a listed key needs no certificate (and no fetch); a certificate is trusted over a stale listed key, as OpenSSH', async () => {
    const plainKey = async (name: string) => (await sandbox.fileInfo(name, '/etc/ssh/ssh_host_ed25519_key.pub')).content!.toString().trim().split(' ').slice(0, 2).join(' ');
    const listed = knownHosts(`${caLines()}[${host('cert06').address}]:2222 ${await plainKey('cert06')}\n[${host('cert01').address}]:2222 ${await plainKey('cert04')}\n`);
    rmSync(`${listed}.certificates`, { recursive: true, force: true });
    const fetches = preauthCloses('cert06');
    const run = await apply('cert06,cert01', listed, '-vvvv');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(preauthCloses('cert06') - fetches, 0, 'a certificate was fetched from a host whose listed key matches');
    assert.match(run.stderr, /<cert06> SSH: host key ssh-ed25519 \S+ matches known_hosts/);
    assert.match(run.stderr, /<cert01> SSH: no host certificate kept for \S+, and the host key is not the one listed: fetching its certificate from the host/);
    assert.match(run.stderr, /<cert01> SSH: host key ssh-ed25519 \S+ trusted through its host certificate/);
    for (const name of ['cert06', 'cert01']) assert.equal(opensshAccepts(name, listed).accepted, true, `ssh refused ${name}`);
  });

  it('thirty inventory aliases of one sshd, first contact: all trusted through one certificate fetch', async () => {
    const file = knownHosts(caLines());
    rmSync(`${file}.certificates`, { recursive: true, force: true });
    const one = (yaml.load(sandbox.inventoryYaml()) as any).all.hosts.cert01;
    const names = Array.from({ length: 30 }, (_, i) => `alias${String(i + 1).padStart(2, '0')}`);
    const aliases = join(sandbox.dir, 'aliases.yaml');
    writeFileSync(aliases, yaml.dump({ all: { hosts: Object.fromEntries(names.map((n) => [n, { ...one }])) } }));
    const book = join(sandbox.dir, 'aliases-play.yaml');
    writeFileSync(book, '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: "/srv/aliases/{{ inventory_hostname }}", content: "x\\n"}\n');
    await sandbox.run('cert01', 'mkdir -p /srv/aliases');
    const before = { accepted: sandbox.connectionsAccepted('cert01'), fetches: preauthCloses('cert01') };
    const run = await runbook(['apply', aliases, book, '--known-hosts', file, '--output', 'json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(totals(run.recap).changed, 30);
    assert.equal(sandbox.connectionsAccepted('cert01') - before.accepted, 30);
    assert.equal(preauthCloses('cert01') - before.fetches, 1, 'certificate fetches');
    assert.deepEqual((await sandbox.run('cert01', 'ls /srv/aliases')).stdout.trim().split('\n'), names);
  });

  it('a host that does not answer is unreachable after the certificate fetch\'s connect timeout, without a second attempt', async () => {
    const file = knownHosts(caLines());
    const pid = host('cert06').pid;
    process.kill(pid, 'SIGSTOP');
    try {
      const run = await apply('cert06', file, '--connect-timeout', '2');
      assert.equal(run.code, 3, run.stdout);
      assert.match(run.stdout, new RegExp(`cannot reach ${host('cert06').address.replace(/\./g, '\\.')}:2222 \\(asking for its host certificate\\): no answer within 2000 ms`));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('refused when the CA or the host key is @revoked, as OpenSSH does', async () => {
    const hostKey = (await sandbox.fileInfo('cert01', '/etc/ssh/ssh_host_ed25519_key.pub')).content!.toString().trim().split(' ').slice(0, 2).join(' ');
    const cases: Array<[string, RegExp]> = [
      [`${caLines()}@revoked * ${caPublic('ca')}\n`, /the certificate authority's key is marked @revoked at \S+ca_known_hosts:3/],
      [`${caLines()}@revoked * ${hostKey}\n`, /is marked @revoked in \S+ca_known_hosts:3/],
    ];
    for (const [text, reason] of cases) {
      const file = knownHosts(text);
      const run = await apply('cert01', file, '--accept-new-host-keys');
      assert.equal(run.code, 3, run.stdout);
      assert.match(run.stdout, reason);
      assert.equal(opensshAccepts('cert01', file).accepted, false, 'ssh accepted a revoked key');
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });
});

describe('host certificates fetched over each kind of key exchange', function () {
  this.timeout(240_000);
  for (const kex of ['ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256']) {
    it(`an sshd that offers only ${kex}`, async () => {
      const keys = mkdtempSync(join(tmpdir(), 'runbook-certca-kex-'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', join(keys, 'ca')]);
      const sandbox = await Sandbox.start({ count: 1, prefix: 'kex', sshdConfig: `KexAlgorithms ${kex}\n`, hostCertificate: (h) => ({ caKey: join(keys, 'ca'), principals: [h.address] }) });
      try {
        const h = sandbox.hosts[0];
        const file = join(sandbox.dir, 'ca_known_hosts');
        writeFileSync(file, `@cert-authority [${h.address}]:${h.port} ${readFileSync(join(keys, 'ca.pub'), 'utf8')}`);
        const inventory = join(sandbox.dir, 'inventory.yaml');
        sandbox.writeInventory(inventory);
        const book = join(sandbox.dir, 'kex.yaml');
        writeFileSync(book, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: /srv/kex, content: "${kex}\\n"}\n`);
        const run = await runbook(['apply', inventory, book, '--known-hosts', file, '-vvvv']);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stderr, new RegExp(`negotiated kex ${kex}`));
        assert.match(run.stderr, /trusted through its host certificate .* certificate fetched from the host/);
        assert.equal((await sandbox.fileInfo(h.name, '/srv/kex')).content?.toString(), `${kex}\n`);
      } finally {
        await sandbox.stop();
        rmSync(keys, { recursive: true, force: true });
      }
    });
  }
});
