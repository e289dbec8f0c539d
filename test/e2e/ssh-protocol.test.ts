import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { Sandbox } from '../sandbox/hosts.js';
import { SshTransport } from '../../lib/transport/ssh.js';

/**
 * What one connection sends on the wire. runbook adjusts ssh2 (lib/transport/ssh2-protocol.ts)
 * where it spends round trips OpenSSH's ssh does not: the 'none' authentication attempt, the
 * unsigned "publickey check" before the signed request, and the proof of every host key it asks
 * for when sshd announces them (hostkeys-00@openssh.com). ssh2's debug lines show each packet.
 * A future ssh2 whose inside differs fails here (the adjustments then fall back to ssh2's way).
 */
describe('one SSH connection, packet by packet', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'wire' });
  });
  after(async () => sandbox?.stop());

  const sent = (trace: string[], what: RegExp) => trace.filter((line) => line.startsWith('Outbound: Sending') && what.test(line));

  it('as ssh2 alone does it: none, then a publickey check, then the signed request, then a proof of the host keys', async () => {
    const host = sandbox.hosts[0];
    const known = readFileSync(sandbox.knownHostsFile, 'utf8');
    const trace: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const client = new Client();
      client.on('error', reject);
      client.on('ready', () =>
        client.exec('true', (error, stream) => {
          if (error) return reject(error);
          stream.on('data', () => undefined).stderr.on('data', () => undefined);
          stream.on('close', () => {
            client.end();
            resolve();
          });
        }),
      );
      client.connect({ host: host.address, port: host.port, username: host.user, privateKey: readFileSync(sandbox.keyFile), debug: (line) => trace.push(line), hostVerifier: (key: Buffer) => known.includes(key.toString('base64')) });
    });
    assert.deepEqual(sent(trace, /USERAUTH_REQUEST/), ['Outbound: Sending USERAUTH_REQUEST (none)', 'Outbound: Sending USERAUTH_REQUEST (publickey -- check)', 'Outbound: Sending USERAUTH_REQUEST (publickey)']);
    assert.ok(trace.includes('Inbound: GLOBAL_REQUEST (hostkeys-00@openssh.com)'), 'sshd announces its host keys');
    assert.deepEqual(sent(trace, /GLOBAL_REQUEST/), ['Outbound: Sending GLOBAL_REQUEST (hostkeys-prove-00@openssh.com)']);
  });

  it('as runbook does it: one signed publickey request, the announced host keys left unproven, ecdh-sha2-nistp256', async () => {
    const host = sandbox.hosts[0];
    const trace: string[] = [];
    const detail: string[] = [];
    const transport = new SshTransport({
      host: 'wire01',
      address: host.address,
      port: host.port,
      user: host.user,
      privateKey: readFileSync(sandbox.keyFile),
      knownHostsFile: sandbox.knownHostsFile,
      acceptNewHostKeys: false,
      connectTimeoutMs: 20_000,
      log: (line) => detail.push(line),
      protocolTrace: (line) => trace.push(line),
    });
    try {
      const result = await transport.exec('echo ok', { become: false });
      assert.equal(result.code, 0);
      assert.equal(result.stdout.toString(), 'ok\n');
    } finally {
      await transport.close();
    }
    assert.deepEqual(sent(trace, /USERAUTH_REQUEST/), ['Outbound: Sending USERAUTH_REQUEST (publickey)']);
    assert.ok(trace.includes('Inbound: Received USERAUTH_SUCCESS'));
    assert.ok(trace.includes('Inbound: GLOBAL_REQUEST (hostkeys-00@openssh.com)'), 'sshd announces its host keys');
    assert.deepEqual(sent(trace, /GLOBAL_REQUEST/), []);
    assert.deepEqual(detail.filter((line) => /internals differ/.test(line)), []);
    assert.ok(detail.some((line) => /authenticated as \S+ \(publickey; offered: key file\)/.test(line)), detail.join('\n'));
    // The cheapest key exchange on the controller (ssh.ts KEX_ALGORITHMS), agreed with a stock sshd; the host's ed25519 signature checked from its raw key.
    assert.ok(detail.some((line) => /negotiated kex ecdh-sha2-nistp256, host key ssh-ed25519, cipher aes128-gcm@openssh.com, mac \(implicit\), compression none/.test(line)), detail.join('\n'));
  });

  it('logs in with ECDSA and RSA keys too (signed at once, by the key object made once)', async () => {
    const host = sandbox.hosts[0];
    const dir = mkdtempSync(join(tmpdir(), 'runbook-wire-keys-'));
    try {
      const files = [['ecdsa', '384'], ['rsa', '3072']].map(([type, bits]) => {
        const file = join(dir, type);
        execFileSync('ssh-keygen', ['-q', '-t', type, '-b', bits, '-N', '', '-f', file]);
        return file;
      });
      const added = await sandbox.run('wire01', `cat >> ~${host.user}/.ssh/authorized_keys`, files.map((file) => readFileSync(`${file}.pub`, 'utf8')).join(''));
      assert.equal(added.code, 0, added.stderr);
      for (const file of files) {
        const trace: string[] = [];
        const transport = new SshTransport({ host: 'wire01', address: host.address, port: host.port, user: host.user, privateKey: readFileSync(file), knownHostsFile: sandbox.knownHostsFile, acceptNewHostKeys: false, connectTimeoutMs: 20_000, protocolTrace: (line) => trace.push(line) });
        try {
          const result = await transport.exec('echo ok', { become: false });
          assert.equal(result.stdout.toString(), 'ok\n', file);
        } finally {
          await transport.close();
        }
        assert.deepEqual(sent(trace, /USERAUTH_REQUEST/), ['Outbound: Sending USERAUTH_REQUEST (publickey)'], file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
