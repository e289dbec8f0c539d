import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostCertificate, parseHostCertificate, sshString, type CertificateCheck } from '../../lib/transport/host-certificate.js';

/**
 * The host certificate parser and checker, against certificates made by OpenSSH's ssh-keygen
 * (and read back by `ssh-keygen -L` as the parser's oracle), plus hand-built ones for what
 * ssh-keygen will not make (critical options on a host certificate).
 */
describe('host certificates (parse and check)', function () {
  this.timeout(60_000);
  let dir: string;
  const blobOf = (file: string) => Buffer.from(readFileSync(file, 'utf8').trim().split(/\s+/)[1], 'base64');
  const keygen = (...args: string[]) => execFileSync('ssh-keygen', args, { cwd: dir, encoding: 'utf8' });
  const newKey = (name: string, type: string, bits?: string) => {
    keygen('-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', name, '-f', join(dir, name));
    return join(dir, name);
  };
  /** Signs a copy of a host's public key; returns the certificate blob. */
  let serial = 0;
  const certify = (ca: string, hostKey: string, ...options: string[]) => {
    const copy = join(dir, `cert-subject-${++serial}`);
    execFileSync('cp', [`${hostKey}.pub`, `${copy}.pub`]);
    keygen('-q', '-s', ca, '-I', `id-${serial}`, '-z', String(serial), ...options, `${copy}.pub`);
    return { blob: blobOf(`${copy}-cert.pub`), file: `${copy}-cert.pub` };
  };
  const now = Date.now() / 1000;
  const checkWith = (blob: Buffer, hostKey: string, overrides: Partial<CertificateCheck> = {}) =>
    checkHostCertificate(blob, { hostKey: blobOf(`${hostKey}.pub`), principal: 'web1.example', authorities: [{ blob: blobOf(`${caEd25519}.pub`), where: 'kh:1' }], revoked: [], now, ...overrides });
  const reasonOf = (verdict: ReturnType<typeof checkHostCertificate>) => (verdict.trusted ? 'trusted' : verdict.reason);
  let caEd25519: string;
  let host: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-hostcert-'));
    caEd25519 = newKey('ca-ed25519', 'ed25519');
    host = newKey('host-ed25519', 'ed25519');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses what ssh-keygen -L reads: type, key, serial, id, principals, validity', () => {
    const { blob, file } = certify(caEd25519, host, '-h', '-n', 'web1.example,10.0.0.1', '-V', '20250101:20300101');
    const certificate = parseHostCertificate(blob);
    const listing = keygen('-L', '-f', file);
    assert.match(listing, /Type: ssh-ed25519-cert-v01@openssh.com host certificate/);
    assert.equal(certificate.certType, 2);
    assert.equal(certificate.keyId, /Key ID: "(.*)"/.exec(listing)![1]);
    assert.equal(certificate.serial, BigInt(/Serial: (\d+)/.exec(listing)![1]));
    assert.deepEqual(certificate.principals, ['web1.example', '10.0.0.1']);
    assert.deepEqual(certificate.key, blobOf(`${host}.pub`));
    assert.deepEqual(certificate.signatureKey, blobOf(`${caEd25519}.pub`));
    const [from, to] = /Valid: from (\S+) to (\S+)/.exec(listing)!.slice(1).map((t) => BigInt(Math.floor(new Date(t).getTime() / 1000)));
    // ssh-keygen -L prints local time without a zone; this machine runs in UTC.
    assert.deepEqual([certificate.validAfter, certificate.validBefore], [from, to]);
  });

  it('accepts a valid host certificate signed with each CA key type and each allowed signature (ed25519, ecdsa p256/p384/p521, rsa-sha2-256/512), for each host key type', () => {
    const hosts = [host, newKey('host-ecdsa', 'ecdsa', '256'), newKey('host-rsa', 'rsa', '2048')];
    const cases: Array<[string, string[]]> = [
      [caEd25519, []],
      [newKey('ca-p256', 'ecdsa', '256'), []],
      [newKey('ca-p384', 'ecdsa', '384'), []],
      [newKey('ca-p521', 'ecdsa', '521'), []],
      [newKey('ca-rsa', 'rsa', '2048'), ['-t', 'rsa-sha2-256']],
      [join(dir, 'ca-rsa'), ['-t', 'rsa-sha2-512']],
    ];
    for (const [ca, options] of cases) {
      for (const hostKey of hosts) {
        const { blob } = certify(ca, hostKey, '-h', '-n', 'web1.example', ...options);
        const verdict = checkWith(blob, hostKey, { authorities: [{ blob: blobOf(`${ca}.pub`), where: 'kh:7' }] });
        assert.equal(reasonOf(verdict), 'trusted', `${ca} ${options.join(' ')} ${hostKey}`);
        assert.equal(verdict.trusted && verdict.authority.where, 'kh:7');
        assert.equal(verdict.trusted && verdict.certificate.signatureType, options[1] ?? parseHostCertificate(blob).signatureType);
      }
    }
  });

  it('refuses a certificate signed with SHA-1 RSA (ssh-rsa), as OpenSSH\'s default CASignatureAlgorithms does', () => {
    const { blob } = certify(join(dir, 'ca-rsa'), host, '-h', '-n', 'web1.example', '-t', 'ssh-rsa');
    assert.equal(parseHostCertificate(blob).signatureType, 'ssh-rsa');
    assert.equal(reasonOf(checkWith(blob, host, { authorities: [{ blob: blobOf(`${join(dir, 'ca-rsa')}.pub`), where: 'kh:1' }] })), 'the certificate is signed with ssh-rsa, which is not an allowed CA signature algorithm');
  });

  it('principals: the name must be listed (compared in lower case, as ssh does); an empty list is valid for every name', () => {
    const listed = certify(caEd25519, host, '-h', '-n', 'web1.example,web2.example').blob;
    assert.equal(reasonOf(checkWith(listed, host, { principal: 'web2.example' })), 'trusted');
    assert.equal(reasonOf(checkWith(listed, host, { principal: 'WEB1.example' })), 'trusted');
    assert.equal(reasonOf(checkWith(listed, host, { principal: 'web3.example' })), 'web3.example is not a principal of the certificate (it names web1.example, web2.example)');
    // A principal is a name, never a pattern (OpenSSH's host check uses no wildcard matching).
    const wildcard = certify(caEd25519, host, '-h', '-n', '*.example').blob;
    assert.equal(reasonOf(checkWith(wildcard, host)), 'web1.example is not a principal of the certificate (it names *.example)');
    const any = certify(caEd25519, host, '-h').blob;
    assert.deepEqual(parseHostCertificate(any).principals, []);
    assert.equal(reasonOf(checkWith(any, host, { principal: 'anything.example' })), 'trusted');
  });

  it('validity: refused before valid-after and from valid-before on', () => {
    const { blob } = certify(caEd25519, host, '-h', '-V', '20300101000000:20300102000000');
    const start = Date.UTC(2030, 0, 1) / 1000;
    const end = Date.UTC(2030, 0, 2) / 1000;
    assert.equal(reasonOf(checkWith(blob, host, { now: start - 1 })), 'the certificate is not valid yet (valid from 2030-01-01T00:00:00Z)');
    assert.equal(reasonOf(checkWith(blob, host, { now: start })), 'trusted');
    assert.equal(reasonOf(checkWith(blob, host, { now: end - 1 })), 'trusted');
    assert.equal(reasonOf(checkWith(blob, host, { now: end })), 'the certificate expired (valid until 2030-01-02T00:00:00Z)');
  });

  it('refuses a user certificate, a certificate for another key, a CA that is not listed, and a tampered certificate', () => {
    assert.equal(reasonOf(checkWith(certify(caEd25519, host).blob, host)), 'the certificate is not a host certificate (type 1)');
    const other = newKey('other-host', 'ed25519');
    assert.match(reasonOf(checkWith(certify(caEd25519, other, '-h').blob, host)), /^the certificate is for another key \(ssh-ed25519 SHA256:\S+\), not the host key$/);
    const otherCa = newKey('other-ca', 'ed25519');
    assert.match(reasonOf(checkWith(certify(otherCa, host, '-h').blob, host)), /^the host's certificate is signed by ssh-ed25519 SHA256:\S+, which is not the @cert-authority key$/);
    const tampered = Buffer.from(certify(caEd25519, host, '-h', '-n', 'web2.example').blob);
    const principal = tampered.indexOf('web2.example');
    tampered[principal + 3] = '1'.charCodeAt(0); // now names web1.example
    assert.equal(parseHostCertificate(tampered).principals[0], 'web1.example');
    assert.equal(reasonOf(checkWith(tampered, host)), "the certificate's signature does not verify with the @cert-authority key");
    assert.match(reasonOf(checkWith(tampered.subarray(0, 100), host)), /^malformed host certificate \(truncated\)$/);
  });

  it('refuses when the CA or the host key is @revoked (a revoked certificate counts as its key, as OpenSSH)', () => {
    const { blob } = certify(caEd25519, host, '-h');
    assert.equal(reasonOf(checkWith(blob, host, { revoked: [{ blob: blobOf(`${caEd25519}.pub`), where: 'kh:3' }] })), "the certificate authority's key is marked @revoked at kh:3");
    assert.equal(reasonOf(checkWith(blob, host, { revoked: [{ blob: blobOf(`${host}.pub`), where: 'kh:4' }] })), 'the host key is marked @revoked at kh:4');
    assert.equal(reasonOf(checkWith(blob, host, { revoked: [{ blob, where: 'kh:5' }] })), 'the host key is marked @revoked at kh:5');
  });

  it('refuses critical options (none is defined for host certificates; ssh-keygen will not add one, so this certificate is built here)', () => {
    const ca = generateKeyPairSync('ed25519');
    const caBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(ca.publicKey.export({ format: 'jwk' }).x!, 'base64url'))]);
    const hostPublic = blobOf(`${host}.pub`).subarray(4 + 'ssh-ed25519'.length);
    const build = (critical: Buffer) => {
      const uint64 = (value: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(value); return b; };
      const uint32 = (value: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(value); return b; };
      const signed = Buffer.concat([
        sshString('ssh-ed25519-cert-v01@openssh.com'), sshString(Buffer.alloc(32, 7)), hostPublic,
        uint64(1n), uint32(2), sshString('hand-built'), sshString(sshString('web1.example')),
        uint64(0n), uint64(0xffffffffffffffffn), sshString(critical), sshString(''), sshString(''), sshString(caBlob),
      ]);
      return Buffer.concat([signed, sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, signed, ca.privateKey))]))]);
    };
    const authorities = [{ blob: caBlob, where: 'kh:9' }];
    assert.equal(reasonOf(checkWith(build(Buffer.alloc(0)), host, { authorities })), 'trusted');
    const withOption = build(Buffer.concat([sshString('force-command'), sshString(sshString('/bin/true'))]));
    assert.equal(reasonOf(checkWith(withOption, host, { authorities })), 'the certificate has critical options runbook does not know: force-command');
  });
});
