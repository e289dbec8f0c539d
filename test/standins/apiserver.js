// Stand-in for the kube-apiserver static pod (see README.md). The systemctl stand-in starts it
// with kubelet: like a kubelet, it waits until the manifest and the serving certificate exist,
// then answers https://<host address>:6443/readyz (and /livez, /healthz) with "ok", using the
// host's /etc/kubernetes/pki/apiserver.crt and .key, so probes do a real TLS handshake that is
// checked against the cluster CA and the certificate's SANs. Once serving, it creates the
// namespaces a real API server creates itself (kube-system among them).
'use strict';
// CommonJS on purpose: the host has no package.json beside it to say "module".
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const https = require('node:https');

const address = process.argv[2] ?? '127.0.0.1';
const port = Number(process.argv[3] ?? 6443);
// A real API server takes a while to start (etcd, caches, post-start hooks): /readyz answers only
// after this delay, so a restart leaves the master without an API server for that long.
const startupDelayMs = Number(process.env.STANDIN_APISERVER_STARTUP_MS ?? 1500);
const manifest = '/etc/kubernetes/manifests/kube-apiserver.yaml';
const cert = '/etc/kubernetes/pki/apiserver.crt';
const key = '/etc/kubernetes/pki/apiserver.key';
const log = (msg) => process.stdout.write(`${new Date().toISOString()} ${process.pid} ${msg}\n`);

function ready() {
  return existsSync(manifest) && existsSync(cert) && existsSync(key);
}

function serve() {
  const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    if (['/readyz', '/livez', '/healthz'].includes(path)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  server.on('error', (error) => {
    log(`listen ${address}:${port}: ${error.message}; retrying`);
    setTimeout(() => server.listen(port, address), 200);
  });
  server.listen(port, address, () => {
    log(`serving https://${address}:${port}/readyz`);
    const dir = '/var/lib/standin/namespaces';
    mkdirSync(dir, { recursive: true });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) writeFileSync(`${dir}/${ns}`, '');
  });
}

function waitThenServe() {
  if (ready()) return serve();
  setTimeout(waitThenServe, 200);
}

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
log(`started; serving after ${startupDelayMs} ms once ${manifest}, ${cert}, ${key} exist`);
setTimeout(waitThenServe, startupDelayMs);
