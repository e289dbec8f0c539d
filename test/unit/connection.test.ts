import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { connectionUnder, connectionVariablesChanged, rememberPlayConnectionVariables } from '../../lib/engine/connection.js';
import type { ConnectionSpec } from '../../lib/inventory/types.js';

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
