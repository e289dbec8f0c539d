import assert from 'node:assert/strict';
import { planRun } from '../../lib/engine/plan.js';
import { preflightChecksMade } from '../../lib/engine/preflight.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import { defaultRegistry } from '../../lib/modules/index.js';
import { parsePlaybookText } from '../../lib/playbook/load.js';

// Preflight checks a task once for all hosts that read the same values (engine/preflight.ts
// PassedChecks): what differs on one host must still be found there, before any host is touched.
describe('preflight remembers the checks that passed, by the values a task reads', () => {
  const registry = defaultRegistry();
  /** 40 hosts in group `many`, then `odd` with its own variables. */
  const inventory = (oddVars: string, manyVars = '        port: 8080\n        peers: [a, b]\n        mode_of_file: "0644"\n') =>
    parseInventoryText(
      [
        'all:',
        '  children:',
        '    many:',
        '      hosts:',
        ...Array.from({ length: 40 }, (_, i) => `        web${i + 1}: {ansible_connection: local}`),
        '      vars:',
        manyVars.replace(/^ {8}/gm, '        '),
        '    last:',
        '      hosts:',
        `        odd: {ansible_connection: local${oddVars ? `, ${oddVars}` : ''}}`,
        '',
      ].join('\n'),
      'inventory.yaml',
    );
  const check = (inv: ReturnType<typeof parseInventoryText>, tasks: string) => {
    const before = preflightChecksMade();
    planRun({ inventory: inv, plays: parsePlaybookText(`- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`, '/nowhere/site.yml', registry), registry, extraVars: {}, tags: [], skipTags: [], preflight: true });
    return preflightChecksMade() - before;
  };
  const tasks = [
    '    - set_fact: {url: "http://x:{{ port + 1 }}/{{ peers | join(\',\') }}"}',
    '    - file: {path: /tmp/x, state: touch, mode: "{{ mode_of_file }}"}',
    '    - debug: {msg: "{{ item }}"}\n      loop: "{{ peers }}"\n      when: port > 80',
    '',
  ].join('\n');

  it('checks each task once for the hosts that read the same values, and in full where they differ', () => {
    const odd = 'port: 9090, peers: [c], mode_of_file: "0600"';
    assert.equal(check(inventory(odd), tasks), 3 * 2);
  });

  it('checks a task that reads the host name on every host', () => {
    assert.equal(check(inventory('port: 1, peers: [], mode_of_file: "0600"'), '    - debug: {msg: "{{ inventory_hostname }} {{ port }}"}\n'), 41);
  });

  it('still finds a variable the last host lacks', () => {
    assert.throws(() => check(inventory('peers: [c], mode_of_file: "0600"'), tasks), /undefined variable 'port'/);
  });

  it('still finds an argument the last host gives wrong', () => {
    assert.throws(() => check(inventory('port: 1, peers: [c], mode_of_file: "rw-banana"'), tasks), /invalid mode 'rw-banana'.* on odd$/);
  });

  it('still finds what a variable holding a template reads, when the same text reads something else on the last host', () => {
    const many = '        port: "{{ base_port }}"\n        base_port: 8080\n        peers: [a]\n        mode_of_file: "0644"\n';
    // The same text "{{ base_port }}" on every host; only `odd` lacks base_port.
    assert.throws(() => check(inventory('port: "{{ base_port }}", peers: [c], mode_of_file: "0600"', many), tasks), /undefined variable 'base_port'/);
  });

  it('still finds a list item that fails a condition only on the last host', () => {
    assert.throws(() => check(inventory('port: 1, peers: [{}], mode_of_file: "0600"'), '    - debug: {msg: "{{ item | upper }}"}\n      loop: "{{ peers }}"\n      when: item.startswith(\'a\')\n'), /'item' has no attribute "startswith"/);
  });
});
