import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { repoRoot, runbook, type Recap } from './cli.js';

const examples = join(repoRoot, 'examples', 'sharding');

interface JobManifest {
  kind: string;
  spec: { completionMode: string; completions: number; template: { spec: { containers: Array<{ command: string[] }> } } };
}

/** Counts only: durations and transport differ between a sharded and an unsharded run. */
function counts(recap: Recap | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(recap ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

describe('sharded runs: the Kubernetes Indexed Job example against sandbox hosts', function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let work: string;
  let shim: string;

  before(async () => {
    sandbox = await Sandbox.start({ count: 6, prefix: 'shard' });
    work = join(sandbox.dir, 'work');
    mkdirSync(work, { recursive: true });
    sandbox.writeInventory(join(work, 'inventory.yaml'));
    copyFileSync(sandbox.knownHostsFile, join(work, 'known_hosts'));
    copyFileSync(join(examples, 'site.yml'), join(work, 'site.yml'));
    // The container image's `runbook` command: this checkout's.
    shim = join(sandbox.dir, 'bin');
    mkdirSync(shim);
    writeFileSync(join(shim, 'runbook'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'runbook.js'))} "$@"\n`);
    chmodSync(join(shim, 'runbook'), 0o755);
  });
  after(async () => sandbox?.stop());

  it('runs each index of the Job, and the merged recap equals the unsharded dry-run, host for host', async () => {
    const base = ['apply', 'inventory.yaml', 'site.yml', '--known-hosts', 'known_hosts', '--output', 'json'];
    const predicted = await runbook([...base, '--dry-run'], { cwd: work });
    assert.equal(predicted.code, 0, predicted.stderr + predicted.stdout);
    assert.equal(Object.keys(predicted.recap ?? {}).length, 6);

    const job = load(readFileSync(join(examples, 'kubernetes-indexed-job.yaml'), 'utf8')) as JobManifest;
    assert.equal(job.kind, 'Job');
    assert.equal(job.spec.completionMode, 'Indexed');
    const command = job.spec.template.spec.containers[0].command;
    assert.equal(command.slice(0, 2).join(' '), 'sh -c');
    assert.match(command[2], new RegExp(`--shard "\\$\\(\\(JOB_COMPLETION_INDEX \\+ 1\\)\\)/${job.spec.completions}"`));

    const files: string[] = [];
    const hostsPerShard: number[] = [];
    for (let index = 0; index < job.spec.completions; index++) {
      const pod = spawnSync('sh', ['-c', command[2]], {
        cwd: work,
        env: { ...process.env, JOB_COMPLETION_INDEX: String(index), PATH: `${shim}:${process.env.PATH}` },
        encoding: 'utf8',
      });
      assert.equal(pod.status, 0, `index ${index}: ${pod.stderr}${pod.stdout}`);
      const file = join(work, `shard-${index}.json`);
      writeFileSync(file, pod.stdout);
      files.push(file);
      const recapLine = pod.stdout.trim().split('\n').at(-1)!;
      hostsPerShard.push(Object.keys(JSON.parse(recapLine).hosts).length);
    }
    assert.equal(hostsPerShard.reduce((a, b) => a + b, 0), 6, `hosts per shard: ${hostsPerShard}`);
    assert.ok(hostsPerShard.filter((n) => n > 0).length >= 2, `all hosts fell in one shard: ${hostsPerShard}`);

    const merged = await runbook(['recap', ...files, '--output', 'json'], { cwd: work });
    assert.equal(merged.code, 0, merged.stderr + merged.stdout);
    assert.deepEqual(counts(merged.recap), counts(predicted.recap));
    for (const host of sandbox.hosts) {
      assert.equal((await sandbox.fileInfo(host.name, '/srv/sharded/host')).content?.toString(), `${host.name}\n`);
    }

    const again = await runbook(base, { cwd: work });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(Object.values(again.recap ?? {}).map((r) => r.changed), [0, 0, 0, 0, 0, 0]);
  });

  it('refuses a bad --shard before touching a host, and a merge of an unfinished shard', async () => {
    const bad = await runbook(['apply', 'inventory.yaml', 'site.yml', '--known-hosts', 'known_hosts', '--shard', '5/4'], { cwd: work });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--shard must be I\/N/);
    writeFileSync(join(work, 'cut.json'), '{"type":"play_start"}\n');
    const cut = await runbook(['recap', join(work, 'cut.json')], { cwd: work });
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /cut\.json ends without a recap/);
  });
});
