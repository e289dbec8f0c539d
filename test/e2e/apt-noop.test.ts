import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { runbook } from './cli.js';

// The structural guard for packages: a no-op apt over ten packages the host has (this machine's,
// seen through the sandbox) is answered by the play's one probe: one dpkg-query, no apt-cache, no
// apt-get, no round trip of its own. No package is installed here, so no /usr overlay is needed.
describe('apt: a no-op costs no round trip of its own', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'aptnoop' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());

  it('ten installed packages, list and loop forms, package too: changed=0, 1 connection, 1 round trip', async () => {
    const packages = ['bash', 'coreutils', 'dpkg', 'apt', 'openssh-server', 'sudo', 'grep', 'sed', 'tar', 'gzip'];
    const playbook = join(sandbox.dir, 'noop.yml');
    writeFileSync(playbook, `- hosts: all
  gather_facts: false
  tasks:
    - name: Ten packages, one task
      apt:
        name: ${JSON.stringify(packages)}
    - name: The same, one task per package
      apt:
        name: "{{ item }}"
        state: present
      loop: ${JSON.stringify(packages)}
    - name: Through package, with ansible_pkg_mgr given
      package:
        name: ${JSON.stringify(packages)}
      vars:
        ansible_pkg_mgr: apt
    - name: Absent ones stay absent
      apt:
        name: [no-such-package-runbook-a, no-such-package-runbook-b]
        state: absent
`);
    const run = await runbook(['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const host = sandbox.hosts[0].name;
    assert.deepEqual([run.recap![host].ok, run.recap![host].changed, run.recap![host].failed], [4, 0, 0]);
    assert.deepEqual(run.events.find((e) => e.type === 'recap')!.transport[host], { connections: 1, roundTrips: 1 });
  });
});
