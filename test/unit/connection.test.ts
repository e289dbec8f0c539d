import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { connectionUnder, connectionVariablesChanged, rememberPlayConnectionVariables } from '../../lib/engine/connection.js';
import type { ConnectionSpec } from '../../lib/inventory/types.js';
import { earlyHosts } from '../../lib/engine/early.js';
import { planRun } from '../../lib/engine/plan.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import { defaultRegistry } from '../../lib/modules/index.js';
import { parsePlaybookText } from '../../lib/playbook/load.js';

const origin = { what: "play 'p'", location: { file: 'site.yml', line: 3, column: 3 } };
/** The inventory host: its own ansible_user and ansible_port, already in its connection. */
const inventoryVars = { ansible_host: '10.0.0.5', ansible_user: 'deploy', ansible_port: 2222 };
const base: ConnectionSpec = { address: '10.0.0.5', port: 2222, user: 'deploy', become: false };

describe("connection settings as Ansible's PlayContext: variables over keywords over the inventory's defaults", () => {
  it("keeps the inventory's values (over the keywords) when no other source sets the variables", () => {
    const spec = connectionUnder(base, { remoteUser: 'nobody', port: 2 }, { inventoryVars, vars: { ...inventoryVars } }, origin);
    assert.deepEqual(spec, base);
  });

  it('takes the keywords where no variable is set at all (e.g. -u put the login in base)', () => {
    const spec = connectionUnder({ ...base, user: 'from-u' }, { remoteUser: '{{ who }}', port: '2200', connection: 'ssh' }, { inventoryVars: {}, vars: { who: 'admin' } }, origin);
    assert.deepEqual([spec.user, spec.port, spec.local], ['admin', 2200, false]);
  });

  it("applies a play's, -e's or a fact's connection variables over the inventory's and the keywords, templated", () => {
    const vars = { ...inventoryVars, ansible_user: '{{ login }}', login: 'ops', ansible_port: '22', ansible_host: 'bastion.example', ansible_ssh_private_key_file: 'keys/ops' };
    const spec = connectionUnder(base, { remoteUser: 'nobody' }, { inventoryVars, vars }, origin);
    assert.deepEqual(spec, { address: 'bastion.example', port: 22, user: 'ops', become: false, privateKeyFile: resolve('keys/ops') });
    assert.equal(connectionUnder(base, { connection: 'ssh' }, { inventoryVars, vars: { ...inventoryVars, ansible_connection: 'local' } }, origin).local, true);
  });

  it('refuses values it cannot use, naming the variable and where', () => {
    assert.throws(() => connectionUnder(base, {}, { inventoryVars, vars: { ...inventoryVars, ansible_port: 70000 } }, origin), /^InputError: site\.yml:3:3: ansible_port must be a port number between 1 and 65535, got 70000$/);
    assert.throws(() => connectionUnder(base, {}, { inventoryVars, vars: { ...inventoryVars, ansible_connection: 'winrm' } }, origin), /ansible_connection 'winrm' is not supported \(runbook connects with ssh, or local\)/);
    assert.throws(() => connectionUnder(base, {}, { inventoryVars, vars: { ...inventoryVars, ansible_user: '' } }, origin), /ansible_user must render to a user name, got ""/);
  });

  it("tells a task whose variables name another connection than its play's", () => {
    const run = {};
    const playVars = { ...inventoryVars, other: 1 };
    rememberPlayConnectionVariables(run, playVars);
    assert.equal(connectionVariablesChanged(run, { ...playVars, other: 2 }), false);
    assert.equal(connectionVariablesChanged(run, { ...playVars, ansible_connection: 'local' }), true);
    assert.equal(connectionVariablesChanged(run, { ...playVars, ansible_ssh_user: 'x', ansible_user: undefined }), true);
  });
});

describe('connections opened while preflight runs (engine/early.ts): only those the run is certain to use next', () => {
  const inventory = parseInventoryText(`all:
  hosts:
    web1: {ansible_host: 127.0.0.1, ansible_port: 2201, ansible_user: root}
    web2: {ansible_host: 127.0.0.1, ansible_port: 2202}
    ctl: {ansible_connection: local}
`, 'inventory.yaml');
  const registry = defaultRegistry();
  const settings = { acceptNewHostKeys: false, forks: 100 };
  const early = (playbook: string, extraVars: Record<string, unknown> = {}, overrides: Partial<Parameters<typeof earlyHosts>[4]> = {}) => {
    const plays = parsePlaybookText(playbook, 'site.yml', registry);
    const plan = planRun({ inventory, plays, registry, extraVars, tags: [], skipTags: [], preflight: false });
    return earlyHosts(plan, inventory, registry, extraVars, { ...settings, ...overrides }).map((h) => h.name);
  };
  const play = (head: string, tasks: string) => `- hosts: all\n  gather_facts: false\n${head}  tasks:\n${tasks}`;
  const fileTask = '    - file: {path: /srv/x, state: directory}\n';

  it('opens every SSH host of a first play whose task asks the host for facts (never the local one)', () => {
    assert.deepEqual(early(play('', fileTask)), ['web1', 'web2']);
    assert.deepEqual(early('- hosts: all\n  tasks:\n    - debug: {msg: hi}\n'), ['web1', 'web2'], 'gathering facts connects');
    assert.deepEqual(early(play('', fileTask), {}, { forks: 1 }), ['web1'], 'no more than --forks');
  });

  it('opens none for a play that may never connect: controller-only tasks, conditions, loops, delegation, run_once', () => {
    assert.deepEqual(early(play('', '    - set_fact: {a: 1}\n    - debug: {msg: hi}\n')), []);
    assert.deepEqual(early(play('', '    - file: {path: /srv/x, state: directory}\n      when: false\n')), []);
    assert.deepEqual(early(play('', '    - file: {path: "/srv/{{ item }}", state: directory}\n      loop: []\n')), []);
    assert.deepEqual(early(play('', '    - file: {path: /srv/x, state: directory}\n      delegate_to: web1\n')), []);
    assert.deepEqual(early(play('', '    - file: {path: /srv/x, state: directory}\n      run_once: true\n')), []);
  });

  it('opens none where the connection could differ from the inventory\'s: keywords, serial, variables from elsewhere', () => {
    assert.deepEqual(early(play('  remote_user: deploy\n', fileTask)), []);
    assert.deepEqual(early(play('  port: 22\n', fileTask)), []);
    assert.deepEqual(early(play('  serial: 1\n', fileTask)), []);
    assert.deepEqual(early(play('  vars:\n    ansible_user: deploy\n', fileTask)), [], "ansible_user set by the play");
    assert.deepEqual(early(play('  vars:\n    ansible_user: root\n', fileTask)), ['web1'], "the same value as web1's inventory");
    assert.deepEqual(early(play('', fileTask), { ansible_port: 22 }), [], '-e');
    assert.deepEqual(early(play('  vars:\n    ansible_host: "{{ other }}"\n    other: 127.0.0.2\n', fileTask)), [], 'templated');
  });

  it('opens none when the run would write known_hosts, keep connections or log connection details', () => {
    assert.deepEqual(early(play('', fileTask), {}, { acceptNewHostKeys: true }), []);
    assert.deepEqual(early(play('', fileTask), {}, { persist: { seconds: 60 } as never }), []);
    assert.deepEqual(early(play('', fileTask), {}, { connectionLog: () => undefined }), []);
  });
});
