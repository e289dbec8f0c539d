import assert from 'node:assert/strict';
import { HostRun } from '../../lib/engine/host-run.js';
import { taskVars, type VarLayers, type VarsHistory } from '../../lib/engine/vars.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import type { PlaySpec, TaskSpec } from '../../lib/playbook/types.js';

// A host's task variables are kept per host and brought up to date (engine/vars.ts scopeOf): every
// source of a scope, changed, must give the variables a scope built afresh would have.

const inventory = parseInventoryText('all:\n  hosts:\n    web1:\n      colour: blue\n      depth: 1\n', '/tmp/inventory.yaml');
const otherInventory = parseInventoryText('all:\n  hosts:\n    web1:\n      colour: green\n      depth: 1\n', '/tmp/inventory.yaml');

function playWith(vars: Record<string, unknown>): PlaySpec {
  return { name: 'p', hosts: 'all', vars, tags: [], gatherFacts: false, anyErrorsFatal: false, gatherSubset: ['all'], body: [], tasks: [], handlers: [], baseDir: '/tmp' } as unknown as PlaySpec;
}

function taskWith(vars: Record<string, unknown> = {}): TaskSpec {
  return { name: 't', module: 'debug', args: {}, vars, when: [], tags: [], notify: [], listen: [], location: { file: 't.yml', line: 1, column: 1 } } as unknown as TaskSpec;
}

/** A host's log of set variables, as HostRun keeps it. */
class History implements VarsHistory {
  readonly log: Array<string[] | null> = [];
  constructor(readonly registered: Record<string, unknown>) {}
  get varsVersion(): number {
    return this.log.length;
  }
  varsChangedSince(version: number): string[] | undefined {
    const names: string[] = [];
    for (const set of this.log.slice(version)) {
      if (set === null) return undefined;
      names.push(...set);
    }
    return names;
  }
  set(values: Record<string, unknown>): void {
    Object.assign(this.registered, values);
    this.log.push(Object.keys(values));
  }
}

function layersOf(play: PlaySpec): VarLayers & { history: History } {
  const registered: Record<string, unknown> = {};
  return { inventory, host: 'web1', play, playHosts: ['web1'], registered, extraVars: {}, hostvars: { web1: {} }, groups: { all: ['web1'] }, history: new History(registered) };
}

describe('task variables kept per host (engine/vars.ts)', () => {
  it('the same sources give the same scope; a set variable is seen by the next task', () => {
    const layers = layersOf(playWith({ colour: 'red' }));
    const task = taskWith();
    const first = taskVars(layers, task);
    assert.equal(first.colour, 'red');
    assert.equal(taskVars(layers, task), first);
    layers.history.set({ colour: 'yellow', fresh: 1 });
    assert.equal(taskVars(layers, task).colour, 'yellow');
    assert.equal(taskVars(layers, task).fresh, 1);
  });

  it('every other source, changed, gives the variables built afresh', () => {
    const play = playWith({ colour: 'red' });
    const layers = layersOf(play);
    const task = taskWith();
    assert.equal(taskVars(layers, task).colour, 'red');
    const cases: Array<[string, (l: VarLayers) => VarLayers, string, unknown]> = [
      ['inventory', (l) => ({ ...l, inventory: otherInventory, play: playWith({}) }), 'colour', 'green'],
      ['play', (l) => ({ ...l, play: playWith({ colour: 'purple' }) }), 'colour', 'purple'],
      ['play hosts', (l) => ({ ...l, playHosts: ['web1', 'web2'] }), 'ansible_play_hosts', ['web1', 'web2']],
      ['serial batch', (l) => ({ ...l, playBatch: ['web1'] }), 'ansible_play_batch', ['web1']],
      ['host facts', (l) => ({ ...l, facts: { ansible_os_family: 'Debian' } }), 'ansible_os_family', 'Debian'],
      ['include_vars', (l) => ({ ...l, included: { colour: 'orange' } }), 'colour', 'orange'],
      ['extra vars', (l) => ({ ...l, extraVars: { colour: 'white' } }), 'colour', 'white'],
      ['groups', (l) => ({ ...l, groups: { all: ['web1'], db: [] } }), 'groups', { all: ['web1'], db: [] }],
      ['hostvars', (l) => ({ ...l, hostvars: { web1: { x: 1 } } }), 'hostvars', { web1: { x: 1 } }],
    ];
    for (const [what, change, name, value] of cases) {
      assert.deepEqual(taskVars(change(layers), task)[name], value, what);
      // And back: the first sources give the first variables again.
      assert.equal(taskVars(layers, task).colour, 'red', `${what}, then back`);
    }
    const withOwn = (field: 'vars' | 'roleDefaults' | 'roleVars' | 'roleParams' | 'includeParams', colour: string) => ({ ...task, [field]: { colour } }) as TaskSpec;
    assert.equal(taskVars(layers, withOwn('vars', 'task')).colour, 'task');
    assert.equal(taskVars(layers, withOwn('roleVars', 'role')).colour, 'role');
    assert.equal(taskVars(layers, withOwn('roleParams', 'param')).colour, 'param');
    assert.equal(taskVars(layers, withOwn('includeParams', 'include')).colour, 'include');
    assert.equal(taskVars(layers, withOwn('roleDefaults', 'default')).depth, 1);
    assert.equal(taskVars(layers, withOwn('roleDefaults', 'default')).colour, 'red');
    play.publicRoles = [];
    assert.equal(taskVars(layers, task).colour, 'red');
  });

  it('a set variable stays below role params, include params and extra vars', () => {
    const layers = { ...layersOf(playWith({})), extraVars: { colour: 'white' } };
    const task = { ...taskWith(), roleParams: { depth: 9 } } as TaskSpec;
    assert.equal(taskVars(layers, task).colour, 'white');
    layers.history.set({ colour: 'yellow', depth: 2, size: 3 });
    const vars = taskVars(layers, task);
    assert.deepEqual([vars.colour, vars.depth, vars.size], ['white', 9, 3]);
  });

  it("hostvars' ansible_facts is made again when, and only when, the host facts change", () => {
    const run = new HostRun(inventory.hosts.get('web1')!, { knownHostsFile: '/dev/null', acceptNewHostKeys: false, connectTimeoutMs: 1000 });
    assert.deepEqual(run.namespacedFacts(), {});
    run.setVars('gathered', { ansible_os_family: 'Debian' });
    const first = run.namespacedFacts();
    assert.deepEqual(first, { os_family: 'Debian' });
    run.setVars('set', { ansible_os_family: 'set, not a fact' });
    assert.equal(run.namespacedFacts(), first);
    run.setVars('gathered', { ansible_os_family: 'RedHat', ansible_hostname: 'web1' });
    assert.deepEqual(run.namespacedFacts(), { os_family: 'RedHat', hostname: 'web1' });
  });
});
