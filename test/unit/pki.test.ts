import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificate } from '../../lib/modules/certificate.js';
import {
  canonicalExtendedKeyUsages,
  canonicalKeyUsages,
  certificateVerdict,
  generateRsaPrivateKeyPem,
  issueCertificate,
  normaliseSan,
  type CertificateRequest,
} from '../../lib/modules/pki-util.js';
import { planUnit } from '../../lib/modules/systemd.js';
import { parseShow, serviceKind } from '../../lib/facts/service.js';
import { probeOnce, timeoutMessage, waitUntilReady } from '../../lib/modules/wait_for.js';

// Throwaway test keys (fixtures, not secrets), generated once: RSA keygen is the slow part.
const caKey = generateRsaPrivateKeyPem(2048);
const leafKey = generateRsaPrivateKeyPem(2048);
const otherKey = generateRsaPrivateKeyPem(2048);

function request(overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  return {
    commonName: 'kube-apiserver',
    subjectAltNames: ['DNS:kubernetes', 'DNS:kubernetes.default', 'IP:10.3.0.1', 'IP:127.0.0.1'],
    keyUsage: canonicalKeyUsages(['digitalSignature', 'keyEncipherment']),
    extendedKeyUsage: canonicalExtendedKeyUsages(['serverAuth']),
    isCa: false,
    validityDays: 365,
    renewBeforeDays: 30,
    ...overrides,
  };
}

const caRequest = request({ commonName: 'kubernetes-ca', subjectAltNames: [], isCa: true, extendedKeyUsage: [], keyUsage: canonicalKeyUsages(['keyCertSign', 'cRLSign', 'digitalSignature']), validityDays: 3650 });
const caPem = issueCertificate({ request: caRequest, keyPem: caKey, keyPath: 'ca.key' });
const leafPem = issueCertificate({ request: request(), keyPem: leafKey, keyPath: 'apiserver.key', caCertPem: caPem, caKeyPem: caKey, caKeyPath: 'ca.key' });

describe('pki: subject alternative names', () => {
  it('normalises kinds, case and IP spellings', () => {
    assert.equal(normaliseSan('DNS:Kubernetes.Default.'), 'DNS:kubernetes.default');
    assert.equal(normaliseSan('dns: api.example.com'), 'DNS:api.example.com');
    assert.equal(normaliseSan('IP:010.003.000.001'), 'IP:10.3.0.1');
    assert.equal(normaliseSan('IP Address:10.0.0.9'), 'IP:10.0.0.9');
    assert.equal(normaliseSan('IP:0:0:0:0:0:0:0:1'), 'IP:::1');
    assert.equal(normaliseSan('IP:[FE80::0001]'), 'IP:fe80::1');
  });

  it('rejects what is not a SAN', () => {
    assert.throws(() => normaliseSan('kubernetes'), /must look like 'DNS:name'/);
    assert.throws(() => normaliseSan('IP:10.0.0.300'), /not a valid IP/);
    assert.throws(() => canonicalKeyUsages(['signEverything']), /unknown key usage/);
    assert.deepEqual(canonicalKeyUsages(['Digital Signature', 'key_encipherment', 'contentCommitment']), ['digitalSignature', 'keyEncipherment', 'nonRepudiation']);
  });
});

describe('pki: certificate verdict', () => {
  it('keeps a fresh certificate that fits', () => {
    assert.deepEqual(certificateVerdict(leafPem, leafKey, caPem, request()), { keep: true, reason: '' });
    assert.equal(certificateVerdict(caPem, caKey, undefined, caRequest).keep, true);
  });

  it('keeps a certificate with more SANs than asked, in any order and spelling', () => {
    const fewer = request({ subjectAltNames: ['IP:127.0.0.1', 'DNS:kubernetes'].map(normaliseSan) });
    assert.equal(certificateVerdict(leafPem, leafKey, caPem, fewer).keep, true);
  });

  it('reissues for a missing SAN and says which', () => {
    const more = request({ subjectAltNames: [...request().subjectAltNames, 'IP:10.0.0.9'] });
    assert.deepEqual(certificateVerdict(leafPem, leafKey, caPem, more), { keep: false, reason: 'missing SAN IP:10.0.0.9' });
  });

  it('reissues when about to expire, not before', () => {
    const in330days = new Date(Date.now() + 330 * 86_400_000);
    assert.equal(certificateVerdict(leafPem, leafKey, caPem, request(), { now: in330days }).keep, true);
    const in353days = new Date(Date.now() + 353 * 86_400_000);
    assert.match(certificateVerdict(leafPem, leafKey, caPem, request(), { now: in353days }).reason, /^expires in 1[12] days$/);
    const later = new Date(Date.now() + 400 * 86_400_000);
    assert.match(certificateVerdict(leafPem, leafKey, caPem, request(), { now: later }).reason, /^expired 3[45] days ago$/);
  });

  it('reissues when signed by another CA, or for another key', () => {
    const otherCa = issueCertificate({ request: caRequest, keyPem: otherKey, keyPath: 'other.key' });
    assert.deepEqual(certificateVerdict(leafPem, leafKey, otherCa, request(), { caPath: '/etc/kubernetes/pki/ca.crt' }), {
      keep: false,
      reason: 'not signed by /etc/kubernetes/pki/ca.crt',
    });
    assert.deepEqual(certificateVerdict(leafPem, otherKey, caPem, request()), { keep: false, reason: 'does not match its private key' });
  });

  it('reissues for another subject, CA flag or usage', () => {
    const reason = certificateVerdict(leafPem, leafKey, caPem, request({ commonName: 'kube-apiserver-2', organization: 'system:masters', extendedKeyUsage: ['clientAuth', 'serverAuth'] })).reason;
    assert.equal(reason, 'CN kube-apiserver → kube-apiserver-2; O (none) → system:masters; extended key usage serverAuth → clientAuth,serverAuth');
    assert.equal(certificateVerdict(leafPem, leafKey, caPem, request({ isCa: true })).reason, 'not a CA');
  });

  it('issues certificates openssl verifies, with the SANs and usages asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-pki-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), caPem);
      writeFileSync(join(dir, 'apiserver.crt'), leafPem);
      assert.match(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'apiserver.crt')]).toString(), /apiserver\.crt: OK/);
      const text = execFileSync('openssl', ['x509', '-in', join(dir, 'apiserver.crt'), '-noout', '-ext', 'subjectAltName,extendedKeyUsage,keyUsage,basicConstraints']).toString();
      assert.match(text, /DNS:kubernetes, DNS:kubernetes\.default, IP Address:10\.3\.0\.1, IP Address:127\.0\.0\.1/);
      assert.match(text, /TLS Web Server Authentication/);
      assert.match(text, /Digital Signature, Key Encipherment/);
      assert.match(text, /CA:FALSE/);
      const ca = execFileSync('openssl', ['x509', '-in', join(dir, 'ca.crt'), '-noout', '-ext', 'basicConstraints,keyUsage']).toString();
      assert.match(ca, /CA:TRUE/);
      assert.match(ca, /Certificate Sign, CRL Sign/);
      const serial = new X509Certificate(leafPem).serialNumber;
      assert.ok(parseInt(serial.slice(0, 2), 16) < 0x80 && parseInt(serial.slice(0, 2), 16) > 0, `serial ${serial} is positive and minimal`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wait_for: probing from the controller', () => {
  const serverKey = generateRsaPrivateKeyPem(2048);
  const serverCert = issueCertificate({ request: request({ subjectAltNames: ['IP:127.0.0.1'] }), keyPem: serverKey, keyPath: 'server.key', caCertPem: caPem, caKeyPem: caKey });
  let server: Server;
  let base: string;
  let status = 200;

  before(async () => {
    server = createServer({ key: serverKey, cert: serverCert }, (_req, res) => {
      res.writeHead(status);
      res.end(status === 200 ? 'ok' : '[-]etcd failed: reason withheld');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('is ready when the chain leads to the CA and the IP is in the SANs', async () => {
    status = 200;
    assert.deepEqual(await probeOnce({ url: `${base}/readyz`, ca: Buffer.from(caPem) }, 2000), { ready: true });
    assert.deepEqual(await probeOnce({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: Buffer.from(caPem) }, 2000), { ready: true });
  });

  it('fails with a clear error against the wrong CA', async () => {
    const otherCa = issueCertificate({ request: caRequest, keyPem: otherKey, keyPath: 'other.key' });
    const outcome = await probeOnce({ url: `${base}/readyz`, ca: Buffer.from(otherCa) }, 2000);
    assert.equal(outcome.ready, false);
    assert.match((outcome as { error: string }).error, /certificate|UNABLE_TO_VERIFY/i);
    assert.match((outcome as { error: string }).error, /is ca_path the CA that signed/);
  });

  it('times out with the last error, and reports each attempt', async () => {
    status = 503;
    const attempts: string[] = [];
    const target = { url: `${base}/readyz`, ca: Buffer.from(caPem), statusCode: 200 };
    const outcome = await waitUntilReady(target, { timeoutMs: 1200, sleepMs: 200, onAttempt: (n, e) => attempts.push(`${n}: ${e}`) });
    assert.equal(outcome.ready, false);
    assert.ok(outcome.attempts >= 2, `attempts: ${outcome.attempts}`);
    assert.match(attempts[0], /^1: HTTP 503 \(want 200\): \[-\]etcd failed/);
    assert.equal(timeoutMessage(target, 1, outcome.lastError), `timed out after 1s waiting for ${base}/readyz (last error: HTTP 503 (want 200): [-]etcd failed: reason withheld)`);
    status = 200;
  });

  it('names a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    assert.deepEqual(await probeOnce({ url: `https://127.0.0.1:${port}/readyz` }, 2000), { ready: false, error: 'ECONNREFUSED' });
  });
});

describe('systemd: what to run', () => {
  const show = (active: string, file: string, reload = 'no') => parseShow('kubelet', `ActiveState=${active}\nUnitFileState=${file}\nNeedDaemonReload=${reload}\nLoadState=loaded\n`);

  it('starts and enables only what is not', () => {
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'started', enabled: true, daemon_reload: true }, show('inactive', 'disabled')).actions, ['enable', 'start']);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'started', enabled: true, daemon_reload: true }, show('active', 'enabled')).actions, []);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'stopped', enabled: false, daemon_reload: false }, show('active', 'enabled')).actions, ['disable', 'stop']);
  });

  it('reloads the daemon only when asked and a unit changed', () => {
    // A unit file written in this run: the service fact kind marks the unit as wanting a reload.
    const written = serviceKind.onPathChanged!(show('active', 'enabled'), 'kubelet', '/etc/systemd/system/kubelet.service');
    assert.equal(serviceKind.onPathChanged!(show('active', 'enabled'), 'kubelet', '/etc/kubelet.conf').needDaemonReload, false);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'started', daemon_reload: true }, written).actions, ['daemon-reload']);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'started', daemon_reload: false }, written).actions, []);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'started', daemon_reload: true }, show('active', 'enabled')).actions, []);
    assert.deepEqual(planUnit({ name: 'kubelet', daemon_reload: true }, show('active', 'enabled', 'yes')).actions, ['daemon-reload']);
  });

  it('always restarts; reloading a stopped unit starts it', () => {
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'restarted', daemon_reload: false }, show('active', 'enabled')).actions, ['restart']);
    assert.deepEqual(planUnit({ name: 'kubelet', state: 'reloaded', daemon_reload: false }, show('inactive', 'enabled')).actions, ['start']);
  });
});

// ---------------------------------------------------------------------------------------------
