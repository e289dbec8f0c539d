import assert from 'node:assert/strict';
import { InputError } from '../../lib/errors.js';
import { planRun } from '../../lib/engine/plan.js';
import { parseShard, shardOf } from '../../lib/engine/shard.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import { defaultRegistry } from '../../lib/modules/index.js';
import { parsePlaybookText } from '../../lib/playbook/load.js';
import { mergeRecapFiles } from '../../lib/report/merge-recaps.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hostNames = Array.from({ length: 40 }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);
const inventory = parseInventoryText(`all:
  children:
    cluster_a: {hosts: {${hostNames.slice(0, 20).map((h) => `${h}: {}`).join(', ')}}}
    cluster_b: {hosts: {${hostNames.slice(20).map((h) => `${h}: {}`).join(', ')}}}
`, 'inventory.yaml');
const registry = defaultRegistry();

function plan(playbook: string, shard?: ReturnType<typeof parseShard>) {
  const plays = parsePlaybookText(playbook, 'site.yml', registry);
  return planRun({ inventory, plays, registry, extraVars: {}, tags: [], skipTags: [], shard });
}

describe('--shard I/N', () => {
  it('parses I/N and refuses anything else, naming the flag', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4, by: undefined });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1', '-1/2', '1/2/3']) {
      assert.throws(() => parseShard(bad), (e: Error) => e instanceof InputError && /--shard/.test(e.message), bad);
    }
  });

  it('puts every host in exactly one shard, the same one on every call, spread over all shards', () => {
    const spec = { index: 1, count: 4 };
    const seen = hostNames.map((h) => shardOf(inventory, h, spec));
    assert.deepEqual(hostNames.map((h) => shardOf(inventory, h, spec)), seen);
    assert.deepEqual([...new Set(seen)].sort(), [1, 2, 3, 4]);
    const playbook = '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: /tmp/x, content: x}\n';
    const slices = [1, 2, 3, 4].map((i) => plan(playbook, { index: i, count: 4 })[0].hosts);
    assert.deepEqual(slices.flat().sort(), [...hostNames].sort());
    assert.equal(new Set(slices.flat()).size, hostNames.length);
  });

  it('keeps a group together with --shard-by, and then allows run_once in a play of that group', () => {
    const spec = { index: 1, count: 3, by: 'cluster_*' };
    assert.equal(new Set(hostNames.slice(0, 20).map((h) => shardOf(inventory, h, spec))).size, 1);
    assert.equal(new Set(hostNames.slice(20).map((h) => shardOf(inventory, h, spec))).size, 1);
    const playbook = '- hosts: cluster_a\n  gather_facts: false\n  tasks:\n    - command: echo once\n      run_once: true\n';
    const total = [1, 2, 3].map((i) => plan(playbook, { ...spec, index: i })[0].hosts.length).reduce((a, b) => a + b, 0);
    assert.equal(total, 20);
  });

  for (const [what, task] of [
    ['run_once', '- command: echo once\n      run_once: true'],
    ['hostvars', "- copy: {dest: /tmp/x, content: \"{{ hostvars['web01'].inventory_hostname }}\"}"],
    ['ansible_play_hosts', '- copy: {dest: /tmp/x, content: "{{ ansible_play_hosts | join(\',\') }}"}'],
    ['copy_from_host', '- copy_from_host: {from_host: web01, src: /etc/hostname, dest: /tmp/h}'],
  ]) {
    it(`refuses a play split across shards whose task uses ${what}, naming the task and its line`, () => {
      const playbook = `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: /tmp/y, content: y}\n    ${task}\n`;
      assert.throws(() => plan(playbook, { index: 1, count: 2 }), (e: Error) => {
        assert.ok(e instanceof InputError, String(e));
        assert.match(e.message, new RegExp(`^site\\.yml:5:\\d+: --shard: task '.*' uses ${what}, which needs every host of play 'all' in one process, but its hosts fall in shards 1, 2 of 2`));
        return true;
      });
    });
  }
});

describe('runbook recap FILE...', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-recap-'));
  const write = (name: string, lines: object[]) => {
    const file = join(dir, name);
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return file;
  };
  const host = (over: object = {}) => ({ ok: 3, changed: 1, failed: 0, skipped: 0, unreachable: false, rescued: 0, ignored: 0, ...over });

  it('merges the shards into one recap with the exit code of the whole run', () => {
    const a = write('a.json', [{ type: 'play_start' }, { type: 'recap', hosts: { web01: host() }, transport: { web01: { connections: 1, roundTrips: 1 } }, durationMs: 900 }]);
    const b = write('b.json', [{ type: 'recap', hosts: { web02: host({ failed: 1 }) }, transport: {}, durationMs: 1200 }]);
    const merged = mergeRecapFiles([a, b]);
    assert.deepEqual(Object.keys(merged.recap.hosts), ['web01', 'web02']);
    assert.equal(merged.recap.durationMs, 1200);
    assert.equal(merged.exitCode, 2);
    const c = write('c.json', [{ type: 'recap', hosts: { web03: host({ unreachable: true }) }, transport: {}, durationMs: 1 }]);
    assert.equal(mergeRecapFiles([a, b, c]).exitCode, 3);
  });

  it('refuses a shard without a recap, and a host in two shards', () => {
    const a = write('a2.json', [{ type: 'recap', hosts: { web01: host() }, transport: {}, durationMs: 1 }]);
    const cut = write('cut.json', [{ type: 'play_start' }]);
    assert.throws(() => mergeRecapFiles([a, cut]), /cut\.json ends without a recap/);
    assert.throws(() => mergeRecapFiles([a, a]), /host web01 is in both/);
  });
});
