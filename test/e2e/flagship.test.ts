// The flagship playbooks (playbooks/*.yaml, inventory/ha-masters.yaml) on real sshd hosts:
// master01, master02 and lb01, with stand-ins for systemd, the kubelet's API server and kubectl
// (test/standins/). The PKI, files, modes and manifests are real; see test/standins/README.md.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { sandboxInventory, standinSetup } from '../standins/index.js';
import { repoRoot, runbook, totals, type CliRun } from './cli.js';

const names = ['master01', 'master02', 'lb01'];
const masters = ['master01', 'master02'];
const PKI = '/etc/kubernetes/pki';
const SHARED = [
  ...['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'sa.key', 'sa.pub', 'apiserver-kubelet-client.crt', 'apiserver-kubelet-client.key'].map((f) => `${PKI}/${f}`),
  ...['controller-manager', 'scheduler', 'kube-proxy', 'admin'].flatMap((c) => [`${PKI}/${c}.crt`, `${PKI}/${c}.key`, `/etc/kubernetes/${c}.conf`]),
];
const NAMESPACE_TASK = 'Namespace | kube-system exists';
// Everything the playbooks may touch; not /var/log/standin or /var/lib/standin, where the
// stand-ins record every call, read-only ones (systemctl show, kubectl get) included.
const PRODUCT_ROOTS = ['/etc', '/opt', '/srv', '/usr/local', '/home', '/root', '/var/lib/kubelet'];

/** (host | task) of every task and handler that changed, or would change, something. */
function changes(run: CliRun): string[] {
  return [...new Set(run.events.filter((e) => e.type === 'task_result' && e.status === 'changed').map((e) => `${e.host} | ${e.task}`))].sort();
}

async function sh(sandbox: Sandbox, host: string, command: string): Promise<string> {
  const r = await sandbox.run(host, command);
  assert.equal(r.code, 0, `${host}: ${command}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function sans(sandbox: Sandbox, host: string): Promise<string[]> {
  const text = await sh(sandbox, host, `openssl x509 -in ${PKI}/apiserver.crt -noout -ext subjectAltName`);
  return text.split('\n').slice(1).join(',').split(',').map((s) => s.trim().replace(/^IP Address:/, 'IP:')).filter(Boolean).sort();
}

const pubkeyOfCert = (sb: Sandbox, host: string) => sh(sb, host, `openssl x509 -in ${PKI}/apiserver.crt -noout -pubkey`);

describe('flagship: HA Kubernetes masters playbooks on real sshd hosts', function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let inventory: string;
  const outputs: string[] = [];
  const apply = async (extra: string[] = [], inv = inventory, sb = sandbox) => {
    const run = await runbook(['apply', inv, '--known-hosts', sb.knownHostsFile, '--output', 'json', ...extra]);
    outputs.push(run.stdout, run.stderr);
    return run;
  };

  let first: CliRun;
  // Mocha runs a suite's own tests before its child suites': one flat, ordered suite.
  before(async () => {
    sandbox = await Sandbox.start({ count: names.length, names, ...standinSetup() });
    inventory = join(sandbox.dir, 'ha-masters.yaml');
    writeFileSync(inventory, sandboxInventory(sandbox));
    first = await apply();
  });
  after(async () => sandbox?.stop());

  {

    it('first apply on two fresh masters succeeds on both and never logs in to the load balancer', () => {
      assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
      assert.deepEqual(Object.keys(first.recap!).sort(), masters);
      assert.equal(sandbox.connectionsAccepted('lb01'), 0);
    });

    it('signs apiserver.crt with the CA, on every master', async () => {
      for (const host of masters) {
        assert.match(await sh(sandbox, host, `openssl verify -CAfile ${PKI}/ca.crt ${PKI}/apiserver.crt`), /apiserver\.crt: OK/);
      }
    });

    it('puts every master, the load balancer, the service IP and the in-cluster names in the SANs', async () => {
      const want = [
        ...names.flatMap((n) => [`IP:${sandbox.host(n).address}`, `DNS:${n}`]),
        'DNS:master01.example.com', 'DNS:master02.example.com', 'DNS:lb.example.com',
        'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local',
        'IP:10.3.0.1', 'IP:127.0.0.1', 'DNS:localhost',
      ].sort();
      for (const host of masters) assert.deepEqual(await sans(sandbox, host), want);
      const eku = await sh(sandbox, 'master01', `openssl x509 -in ${PKI}/apiserver.crt -noout -ext extendedKeyUsage`);
      assert.match(eku, /TLS Web Server Authentication/);
    });

    it('pairs each certificate with its key, and sa.pub with sa.key', async () => {
      for (const host of masters) {
        for (const name of ['apiserver', 'ca', 'admin', 'controller-manager', 'scheduler', 'kube-proxy', 'apiserver-kubelet-client', `kubelet-client-${host}`]) {
          const fromCert = await sh(sandbox, host, `openssl x509 -in ${PKI}/${name}.crt -noout -pubkey`);
          const fromKey = await sh(sandbox, host, `openssl pkey -in ${PKI}/${name}.key -pubout`);
          assert.equal(fromCert, fromKey, `${host}: ${name}.crt does not match ${name}.key`);
        }
        assert.equal(await sh(sandbox, host, `openssl pkey -in ${PKI}/sa.key -pubout`), await sh(sandbox, host, `cat ${PKI}/sa.pub`));
      }
    });

    it('gives master02 every shared file with the same bytes, owner, group and mode as master01', async () => {
      for (const path of SHARED) {
        const [a, b] = [await sandbox.fileInfo('master01', path), await sandbox.fileInfo('master02', path)];
        assert.ok(a.exists && b.exists, `${path} missing`);
        assert.deepEqual([b.mode, b.owner, b.group], [a.mode, a.owner, a.group], path);
        assert.ok(a.content!.equals(b.content!), `${path} differs`);
        assert.equal(a.owner, 'root');
        assert.equal(a.mode, path.endsWith('.crt') ? '0644' : '0600', path);
      }
      // Per node: each master has its own kubelet identity only.
      assert.equal((await sandbox.fileInfo('master02', `${PKI}/kubelet-client-master02.key`)).mode, '0600');
      assert.equal((await sandbox.fileInfo('master02', `${PKI}/kubelet-client-master01.key`)).exists, false);
      const subject = await sh(sandbox, 'master02', `openssl x509 -in ${PKI}/kubelet-client-master02.crt -noout -subject`);
      assert.match(subject, /O ?= ?system:nodes, CN ?= ?system:node:master02/);
    });

    it('writes static pod manifests (0600) with the required flags and none of the removed ones', async () => {
      const required: Record<string, string[]> = {
        'kube-apiserver': ['--advertise-address=', '--secure-port=6443', '--service-cluster-ip-range=10.3.0.0/24', '--client-ca-file=/etc/kubernetes/pki/ca.crt',
          '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key', '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
          '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key', '--service-account-issuer=https://kubernetes.default.svc.cluster.local', '--etcd-servers=', '--authorization-mode=Node,RBAC'],
        'kube-controller-manager': ['--service-account-private-key-file=/etc/kubernetes/pki/sa.key', '--kubeconfig=/etc/kubernetes/controller-manager.conf', '--leader-elect=true', '--root-ca-file=/etc/kubernetes/pki/ca.crt'],
        'kube-scheduler': ['--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true'],
        'kube-proxy': ['--kubeconfig=/etc/kubernetes/kube-proxy.conf'],
      };
      const removed = ['--insecure-port', '--insecure-bind-address', '--admission-control=', '--api-servers', '--apiserver-count', '--register-schedulable', '--address=', '--port='];
      for (const host of masters) {
        for (const [component, flags] of Object.entries(required)) {
          const info = await sandbox.fileInfo(host, `/etc/kubernetes/manifests/${component}.yaml`);
          assert.equal(info.mode, '0600');
          const pod = load(info.content!.toString()) as any;
          assert.equal(pod.kind, 'Pod');
          assert.equal(pod.metadata.namespace, 'kube-system');
          assert.equal(pod.spec.hostNetwork, true);
          assert.equal(pod.spec.containers.length, 1);
          const [container] = pod.spec.containers;
          assert.equal(container.image, `registry.k8s.io/${component}:v1.33.4`);
          const command: string[] = container.command;
          for (const flag of flags) assert.ok(command.some((c) => c.startsWith(flag)), `${host} ${component}: no ${flag}`);
          for (const flag of removed) assert.ok(!command.some((c) => c.startsWith(flag)), `${host} ${component}: removed flag ${flag}`);
          if (component === 'kube-apiserver') assert.ok(command.includes(`--advertise-address=${sandbox.host(host).address}`), 'advertise address is not the node IP');
        }
        const kubelet = load((await sandbox.fileInfo(host, '/var/lib/kubelet/config.yaml')).content!.toString()) as any;
        assert.equal(kubelet.staticPodPath, '/etc/kubernetes/manifests');
        assert.deepEqual(kubelet.clusterDNS, ['10.3.0.2']);
        const proxyConf = (await sandbox.fileInfo(host, '/etc/kubernetes/kube-proxy.conf')).content!.toString();
        assert.match(proxyConf, /server: https:\/\/127\.0\.0\.1:6443/);
        assert.ok(!/-data:/.test(proxyConf), 'kubeconfig embeds key material');
      }
    });

    it('daemon-reloads, enables and starts the kubelet on every master, and the API server answers', async () => {
      for (const host of masters) {
        const log = (await sh(sandbox, host, 'cat /var/log/standin/systemctl.log')).split('\n');
        const at = (line: string) => log.indexOf(line);
        assert.ok(at('daemon-reload') >= 0 && at('enable kubelet') > at('daemon-reload') && at('start kubelet') > at('enable kubelet'), log.join('\n'));
        assert.ok(!log.includes('restart kubelet'), 'a fresh master was restarted');
        assert.equal(await sh(sandbox, host, 'systemctl is-active kubelet'), 'active\n');
        assert.equal(await sh(sandbox, host, 'systemctl is-enabled kubelet'), 'enabled\n');
      }
      const wait = first.events.filter((e) => e.type === 'task_result' && e.task === 'Start | wait for the API server to be ready');
      assert.deepEqual(wait.map((e) => [e.host, e.status]).sort(), masters.map((h) => [h, 'ok']));
    });

    it('runs the namespace step exactly once in the cluster', async () => {
      const calls = await Promise.all(masters.map((h) => sandbox.run(h, 'cat /var/log/standin/kubectl.log 2>/dev/null')));
      const lines = calls.flatMap((c, i) => c.stdout.split('\n').filter(Boolean).map((l) => `${masters[i]}: ${l}`));
      assert.deepEqual(lines, ['master01: --kubeconfig /etc/kubernetes/admin.conf get namespace kube-system -o name']);
      const result = first.events.filter((e) => e.type === 'task_result' && e.task === NAMESPACE_TASK);
      assert.deepEqual(result.map((e) => [e.host, e.status]), [['master01', 'ok']]);
    });
  }

  it('second apply changes nothing on any host', async () => {
    const run = await apply();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(changes(run), []);
    for (const host of masters) assert.equal(run.recap![host].changed, 0);
  });

  it('a dry-run on fresh hosts lists every change the apply then makes, and changes nothing', async () => {
    const fresh = await Sandbox.start({ count: names.length, names, ...standinSetup() });
    try {
      const inv = join(fresh.dir, 'ha-masters.yaml');
      writeFileSync(inv, sandboxInventory(fresh));
      const before = await Promise.all(names.map((h) => fresh.treeHash(h, PRODUCT_ROOTS)));
      const dry = await apply(['--dry-run', '--diff'], inv, fresh);
      assert.equal(dry.code, 0, dry.stderr + dry.stdout.slice(-3000));
      assert.deepEqual(await Promise.all(names.map((h) => fresh.treeHash(h, PRODUCT_ROOTS))), before, 'the dry-run changed a host');
      const real = await apply([], inv, fresh);
      assert.equal(real.code, 0, real.stderr);
      // The one prediction the apply does not make: the API server is not up during a dry-run
      // of fresh hosts, so "kube-system exists" cannot be known; the apply finds the API
      // server created it itself (Kubernetes >= 1.3).
      const predicted = changes(dry).filter((c) => c !== `master01 | ${NAMESPACE_TASK}`);
      assert.deepEqual(predicted, changes(real));
      assert.ok(changes(dry).includes(`master01 | ${NAMESPACE_TASK}`));
      assert.ok(changes(real).length > 20, `only ${changes(real).length} changes`);
    } finally {
      await fresh.stop();
    }
  });

  it('--tags distribute restores a deleted apiserver.key on master02, with identical metadata, and nothing else', async () => {
    const reference = await sandbox.fileInfo('master01', `${PKI}/apiserver.key`);
    await sh(sandbox, 'master02', `rm ${PKI}/apiserver.key`);
    const etcBefore = await sandbox.treeHash('master01', ['/etc']);
    const run = await apply(['--tags', 'distribute']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(changes(run), ['master02 | Distribute | shared files from the first master', 'master02 | restart kubelet']);
    const restored = await sandbox.fileInfo('master02', `${PKI}/apiserver.key`);
    assert.deepEqual([restored.mode, restored.owner, restored.group], [reference.mode, reference.owner, reference.group]);
    assert.ok(restored.content!.equals(reference.content!));
    assert.equal(await sandbox.treeHash('master01', ['/etc']), etcBefore, 'master01 changed');
    const ran = new Set(run.events.filter((e) => e.type === 'task_result' && !e.handler && e.status !== 'skipped').map((e) => e.task));
    assert.ok([...ran].every((t) => t.startsWith('Distribute |') || t === 'Kubelet | is it running (read-only)'), [...ran].join(', '));
    assert.equal(totals((await apply()).recap).changed, 0);
  });

  it('adding a SAN reissues apiserver.crt with the same key, redistributes it and restarts the kubelet on every master', async () => {
    const keyBefore = await pubkeyOfCert(sandbox, 'master01');
    const restartsBefore = await Promise.all(masters.map((h) => sh(sandbox, h, 'grep -c "^restart kubelet$" /var/log/standin/systemctl.log || true')));
    const run = await apply(['-e', JSON.stringify({ apiserver_extra_sans: ['DNS:api.example.test', 'IP:192.0.2.99'] })]);
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
    assert.deepEqual(changes(run), [
      'master01 | PKI | API server certificate',
      'master01 | restart kubelet',
      'master02 | Distribute | shared files from the first master',
      'master02 | restart kubelet',
    ]);
    for (const host of masters) {
      const list = await sans(sandbox, host);
      assert.ok(list.includes('DNS:api.example.test') && list.includes('IP:192.0.2.99'), list.join(' '));
      assert.equal(await pubkeyOfCert(sandbox, host), keyBefore, `${host}: the key changed`);
      assert.match(await sh(sandbox, host, `openssl verify -CAfile ${PKI}/ca.crt ${PKI}/apiserver.crt`), /OK/);
    }
    const restartsAfter = await Promise.all(masters.map((h) => sh(sandbox, h, 'grep -c "^restart kubelet$" /var/log/standin/systemctl.log || true')));
    masters.forEach((h, i) => assert.equal(Number(restartsAfter[i]), Number(restartsBefore[i]) + 1, `${h} restarts`));
    // The restarted API server serves the new certificate (ca.crt is public: fine on the controller).
    writeFileSync(join(sandbox.dir, 'ca.crt'), (await sandbox.fileInfo('master01', `${PKI}/ca.crt`)).content!);
    const served = execFileSync('openssl', ['s_client', '-connect', `${sandbox.host('master02').address}:6443`, '-servername', 'api.example.test', '-verify_hostname', 'api.example.test',
      '-CAfile', join(sandbox.dir, 'ca.crt'), '-verify_return_error'], { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }) as string;
    assert.match(served, /Verify return code: 0 \(ok\)/);
    const again = await apply(['-e', JSON.stringify({ apiserver_extra_sans: ['DNS:api.example.test', 'IP:192.0.2.99'] })]);
    assert.deepEqual(changes(again), []);
  });

  /**
   * Asks every master's /readyz every 100 ms while `work` runs; per tick, which masters answered
   * (HTTPS checked against the cluster CA, 1 s to answer).
   */
  async function pollReadyz(work: () => Promise<CliRun>): Promise<{ run: CliRun; ticks: string[][] }> {
    const ca = (await sandbox.fileInfo('master01', `${PKI}/ca.crt`)).content!;
    const ask = (host: string) =>
      new Promise<boolean>((resolve) => {
        const req = https.get({ host: sandbox.host(host).address, port: 6443, path: '/readyz', ca, timeout: 1000, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(false));
      });
    const ticks: Array<Promise<string[]>> = [];
    const timer = setInterval(() => ticks.push(Promise.all(masters.map(ask)).then((up) => masters.filter((_, i) => up[i]))), 100);
    try {
      const run = await work();
      return { run, ticks: await Promise.all(ticks) };
    } finally {
      clearInterval(timer);
    }
  }

  /** The SANs of the certificate a master's API server serves right now. */
  async function servedSans(host: string): Promise<string> {
    const ca = (await sandbox.fileInfo('master01', `${PKI}/ca.crt`)).content!;
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: sandbox.host(host).address, port: 6443, ca }, () => {
        resolve(socket.getPeerCertificate().subjectaltname ?? '');
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  /** The stand-in API server takes this long to answer after a kubelet (re)start. */
  const slowStart = async (ms: number) => {
    for (const host of masters) await sh(sandbox, host, `echo STANDIN_APISERVER_STARTUP_MS=${ms} >> /usr/local/lib/standin/standin.env`);
  };

  it('rotating the API server certificate restarts one master at a time: an API server answers at every instant', async () => {
    await slowStart(3000);
    const sansNow = ['DNS:api.example.test', 'IP:192.0.2.99', 'DNS:rolled.example.test'];
    const { run, ticks } = await pollReadyz(() => apply(['-e', JSON.stringify({ apiserver_extra_sans: sansNow })]));
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
    assert.ok(ticks.length > 30, `${ticks.length} ticks`);
    // Both API servers really went away (the poller can see an outage), never both at once.
    for (const host of masters) assert.ok(ticks.some((up) => !up.includes(host)), `${host} was never seen down`);
    const dark = ticks.findIndex((up) => up.length === 0);
    assert.equal(dark, -1, `no API server answered at tick ${dark} (${dark * 100} ms)`);
    for (const host of masters) assert.match(await servedSans(host), /DNS:rolled\.example\.test/, `${host} serves the old certificate`);
    const order = run.events.filter((e) => e.type === 'task_result' && e.handler && e.status !== 'skipped').map((e) => `${e.host} ${e.task}`);
    assert.deepEqual(order, [
      'master01 restart kubelet',
      'master01 wait for the API server after the restart',
      'master02 restart kubelet',
      'master02 wait for the API server after the restart',
    ]);
  });

  it('the same rotation restarting both masters without waiting (the behaviour before serial) leaves no API server answering', async () => {
    // Longer than the distribute play takes on a loaded machine: the two restarts then overlap for sure.
    await slowStart(10000);
    const sansNow = ['DNS:api.example.test', 'IP:192.0.2.99', 'DNS:rolled.example.test', 'DNS:unsafe.example.test'];
    const { run, ticks } = await pollReadyz(() => apply(['-e', JSON.stringify({ apiserver_extra_sans: sansNow, rolling_restart: false })]));
    assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
    assert.ok(ticks.some((up) => up.length === 0), 'the poller saw an API server at every tick');
    // Back to normal for the tests below.
    for (const host of masters) await sh(sandbox, host, `sed -i '/^STANDIN_APISERVER_STARTUP_MS=/d' /usr/local/lib/standin/standin.env`);
  });

  it('never shows private key content in any output mode, nor writes it on the controller', async () => {
    // Drift so that diffs have something to show: a key and a kubeconfig on master02.
    await sh(sandbox, 'master02', `rm ${PKI}/sa.key && echo tampered > /etc/kubernetes/admin.conf`);
    for (const output of ['json', 'plain']) {
      for (const extra of [['--dry-run', '--diff'], ['--dry-run'], ['--diff']]) {
        const run = await runbook(['apply', inventory, '--known-hosts', sandbox.knownHostsFile, '--output', output, ...extra]);
        assert.equal(run.code, 0, run.stderr);
        outputs.push(run.stdout, run.stderr);
      }
    }
    const keys: string[] = [];
    for (const host of masters) {
      const files = (await sh(sandbox, host, `ls ${PKI}/*.key`)).split('\n').filter(Boolean);
      for (const file of files) {
        const body = (await sh(sandbox, host, `cat ${file}`)).split('\n').filter((l) => l && !l.startsWith('-----')).join('');
        keys.push(body.slice(200, 248));
      }
    }
    assert.ok(keys.length >= 18, `${keys.length} keys`);
    const all = outputs.join('\n');
    for (const slice of keys) assert.ok(!all.includes(slice), 'key material in runbook output');
    // Controller's disk: the sandbox dir (but not the hosts' own overlay disks), /tmp, the repo.
    const slicesFile = join(sandbox.dir, 'key-slices.txt');
    writeFileSync(slicesFile, keys.join('\n') + '\n');
    const grep = (args: string[]) => {
      try {
        return execFileSync('grep', ['-rlF', '-s', '-f', slicesFile, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }).split('\n').filter((f) => f && f !== slicesFile);
      } catch (error) {
        if ((error as { status?: number }).status === 1) return [];
        throw error;
      }
    };
    const hostDisks = names.flatMap((n) => [join(sandbox.dir, n, 'upper'), join(sandbox.dir, n, 'work')]);
    const found = [
      ...grep(['--exclude-dir=upper', '--exclude-dir=work', '/tmp']),
      ...grep(['--exclude-dir=node_modules', '--exclude-dir=.git', repoRoot]),
    ].filter((f) => !hostDisks.some((d) => f.startsWith(d)));
    assert.deepEqual(found, [], 'key material on the controller');
    assert.equal(totals((await apply()).recap).failed, 0);
  });
});
