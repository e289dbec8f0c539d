import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundle runbook starts from after `npm run build` (tools/bundle.mjs): one CommonJS file run
 * with V8's code cache (bin/load-bundle.js). A cache that is damaged or that V8 refuses must only
 * cost speed: the command still runs.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'runbook.js');
const loader = join(root, 'bin', 'load-bundle.js');
const bundle = join(root, 'dist', 'bundle', 'runbook.cjs');
const cache = `${bundle}.cache`;

function node(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Loads the bundle with the given cache file in a fresh process and runs `runbook apply --help`. */
function helpWithCache(cacheFile: string) {
  return node(['--input-type=module', '-e', `const { loadBundle } = await import(${JSON.stringify(loader)}); const { exports, cacheStatus } = loadBundle({ cache: ${JSON.stringify(cacheFile)} }); console.log('cache:', cacheStatus); process.exitCode = await exports.main(['apply', '--help']);`]);
}

const mtime = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

describe('the bundle and its code cache', function () {
  this.timeout(240_000);
  let dir: string;

  before(() => {
    // `tsc` alone leaves the bundle stale (bin/runbook.js would then run dist/lib): build it as `npm run build` does.
    if (mtime(bundle) < mtime(join(root, 'dist', 'lib', 'cli', 'main.js')) || mtime(cache) < mtime(bundle)) {
      const build = node([join(root, 'tools', 'bundle.mjs')]);
      assert.equal(build.code, 0, build.stderr);
    }
    dir = mkdtempSync(join(os.tmpdir(), 'runbook-bundle-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs `runbook apply --help` from the bundle, with the cache V8 accepts', () => {
    const run = node([bin, 'apply', '--help'], { RUNBOOK_DEBUG_CACHE: '1' });
    assert.equal(run.code, 0, run.stderr);
    // Help is yargs' (a part of its own, with its cache).
    assert.equal(run.stderr, 'runbook: code cache accepted\nrunbook: code cache of yargs.cjs accepted\n');
    assert.match(run.stdout, /^runbook apply \[files\.\.\]/);
    assert.match(run.stdout, /--list-hosts/);
    assert.match(run.stdout, /--vault-password-file/);
  });

  it('names a bad flag and exits 1 from the bundle as from dist/lib', () => {
    const bundled = node([bin, 'apply', 'inventory.yaml', '--bogus-flag'], { RUNBOOK_DEBUG_CACHE: '1' });
    const unbundled = node(['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(root, 'dist', 'lib', 'cli', 'main.js'))}); process.exitCode = await main(['apply', 'inventory.yaml', '--bogus-flag']);`]);
    assert.equal(bundled.code, 1);
    assert.equal(bundled.stderr, 'runbook: code cache accepted\nrunbook: code cache of yargs.cjs accepted\nrunbook: error: unknown flag --bogus-flag (runbook apply --help lists the flags)\n');
    assert.equal(unbundled.code, 1);
    assert.equal(unbundled.stderr, 'runbook: error: unknown flag --bogus-flag (runbook apply --help lists the flags)\n');
  });

  it('compiles from source when the cache is damaged: flipped bytes, cut short, or made for another bundle', () => {
    const good = readFileSync(cache);
    const flipped = Buffer.from(good);
    for (let i = 64; i < flipped.length; i += 997) flipped[i] ^= 0xff;
    const otherSource = Buffer.from(good);
    otherSource.writeUInt32LE((otherSource.readUInt32LE(4) + 1) >>> 0, 4);
    const expected = node([bin, 'apply', '--help']).stdout;
    // Longer than the bundle: not read into the bundle's pages (bin/load-bundle.js readFile), still checked.
    const longer = Buffer.concat([good, Buffer.alloc(statSync(bundle).size, 0x5a)]);
    for (const [name, bytes] of [['flipped', flipped], ['short', good.subarray(0, good.length >> 1)], ['other-source', otherSource], ['empty', Buffer.alloc(0)], ['longer', longer]] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const run = helpWithCache(file);
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.equal(run.stdout, `cache: damaged\n${expected}`, name);
    }
  });

  it('compiles from source when V8 refuses the cache (other V8 flags) or there is none', () => {
    const refused = node(['--stack-size=900', bin, 'apply', '--help'], { RUNBOOK_DEBUG_CACHE: '1' });
    assert.equal(refused.code, 0, refused.stderr);
    assert.equal(refused.stderr, 'runbook: code cache rejected\nrunbook: code cache of yargs.cjs rejected\n');
    assert.match(refused.stdout, /--list-hosts/);
    const absent = helpWithCache(join(dir, 'no-such-cache'));
    assert.equal(absent.code, 0, absent.stderr);
    assert.match(absent.stdout, /^cache: absent\nrunbook apply \[files\.\.\]/);
  });

  it('says at -v when V8 refused the cache (a slow start explained), and nothing when it took it', () => {
    const inventory = join(dir, 'inventory.yaml');
    const playbook = join(dir, 'playbook.yaml');
    writeFileSync(inventory, 'all:\n  hosts:\n    web01:\n      ansible_host: 127.0.0.1\n');
    writeFileSync(playbook, '- hosts: all\n  tasks:\n    - command: "true"\n');
    const args = [bin, 'apply', inventory, playbook, '--syntax-check', '-v'];
    const refused = node(['--stack-size=900', ...args], { ANSIBLE_CONFIG: join(dir, 'no-such.cfg') });
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stderr, /^\[NOTE\] V8 refused runbook's code cache \(V8 flags in NODE_OPTIONS/m);
    const accepted = node(args, { ANSIBLE_CONFIG: join(dir, 'no-such.cfg') });
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.doesNotMatch(accepted.stderr, /code cache/);
    assert.match(accepted.stdout, /playbook: /);
    // Without -v, nothing is said.
    const quiet = node(['--stack-size=900', ...args.slice(0, -1)], { ANSIBLE_CONFIG: join(dir, 'no-such.cfg') });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
  });

  it('loads its parts only when needed: a plain apply line neither yargs nor ssh2, a connection ssh2', () => {
    const inventory = join(dir, 'parts-inventory.yaml');
    const playbook = join(dir, 'parts-playbook.yaml');
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    writeFileSync(inventory, 'all:\n  hosts:\n    refused:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n');
    writeFileSync(playbook, '- hosts: all\n  tasks:\n    - command: "true"\n');
    const env = { RUNBOOK_DEBUG_CACHE: '1', ANSIBLE_CONFIG: join(dir, 'no-such.cfg') };
    const checked = node([bin, 'apply', inventory, playbook, '--syntax-check'], env);
    assert.equal(checked.code, 0, checked.stderr);
    assert.equal(checked.stderr, 'runbook: code cache accepted\n');
    const connected = node([bin, 'apply', inventory, playbook, '--output', 'plain', '--known-hosts', join(dir, 'parts-known-hosts')], env);
    assert.equal(connected.code, 3, connected.stderr);
    assert.equal(connected.stderr.split('\n').filter((line) => line.includes('code cache')).join('\n'), 'runbook: code cache accepted\nrunbook: code cache of ssh2.cjs accepted');
    assert.match(connected.stdout, /refused +0 +0 +1 +0/);
  });

  it('serves worker threads from the same bundle and cache', () => {
    const run = node(['--input-type=module', '-e', `import { Worker } from 'node:worker_threads'; const worker = new Worker(${JSON.stringify(`import(${JSON.stringify(loader)}).then((m) => { const { exports, cacheStatus } = m.loadBundle(); console.log(cacheStatus, typeof exports.runThreadWorker); })`)}, { eval: true }); worker.on('exit', (code) => { process.exitCode = code; });`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'accepted function\n');
    // lib/cli/threads.ts starts thread-worker.js beside the bundle (import.meta.url is the bundle's there).
    assert.match(readFileSync(join(root, 'dist', 'bundle', 'thread-worker.js'), 'utf8'), /loadBundle\(\)\.exports\.runThreadWorker\(\)/);
  });
});
