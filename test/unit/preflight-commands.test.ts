import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRun } from '../../lib/engine/plan.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import { defaultRegistry } from '../../lib/modules/index.js';
import { parsePlaybookText } from '../../lib/playbook/load.js';
import { renderString } from '../../lib/template/index.js';

describe('the check before the run never runs a pipe lookup (its command runs once, when its task runs, as in Ansible)', () => {
  const registry = defaultRegistry();
  const inventory = parseInventoryText('all:\n  hosts:\n    web1: {ansible_connection: local}\n    web2: {ansible_connection: local}\n', 'inventory.yaml');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-preflight-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const check = (tasks: string, playVars = '') =>
    planRun({ inventory, plays: parsePlaybookText(`- hosts: all\n  gather_facts: false\n${playVars}  tasks:\n${tasks}`, join(dir, 'site.yml'), registry), registry, extraVars: {}, tags: [], skipTags: [], preflight: true });

  it('in arguments, conditions, loops and variables the task reads', () => {
    const marker = join(dir, 'ran');
    const pipe = `lookup('pipe', 'echo ran >> ${marker}')`;
    check(
      [
        `    - set_fact: {a: "{{ ${pipe} }}"}`,
        `    - debug: {msg: hi}\n      when: ${pipe} == 'x'`,
        `    - debug: {msg: "{{ item }}"}\n      loop: "{{ query('ansible.builtin.pipe', 'echo ran >> ${marker}') }}"`,
        `    - debug: {msg: "{{ indirect }}"}`,
        '',
      ].join('\n'),
      `  vars:\n    indirect: "{{ ${pipe} }}"\n`,
    );
    assert.equal(existsSync(marker), false, existsSync(marker) ? readFileSync(marker, 'utf8') : '');
  });

  it('still refuses what is wrong in the tasks around it, and in a task that has none', () => {
    assert.throws(() => check(`    - set_fact: {a: "{{ lookup('pipe', 'true') }}"}\n    - debug: {msg: "{{ nowhere }}"}\n`), /undefined variable 'nowhere'/);
  });

  it('runs outside the check, as before', () => {
    assert.equal(renderString("{{ lookup('pipe', 'echo out') }}", {}), 'out');
  });
});
