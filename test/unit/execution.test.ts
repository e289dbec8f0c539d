import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import { serialBatches } from '../../lib/engine/serial.js';
import { parsePlaybookText } from '../../lib/playbook/load.js';
import { FIXTURES, testRegistry } from './input-fixtures.js';

const FILE = join(FIXTURES, 'execution.yml');
const load = (text: string) => parsePlaybookText(text, FILE, testRegistry);
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const sizes = (serial: string, n: number, extraVars: Record<string, unknown> = {}) =>
  serialBatches(load(`- hosts: all\n  serial: ${serial}\n  tasks: []\n`)[0], hosts(n), extraVars).map((b) => b.length);

describe('serial batches (as Ansible _get_serialized_batches)', () => {
  it('a count, a percentage rounded down (at least one), a list whose last entry repeats', () => {
    assert.deepEqual(sizes('2', 5), [2, 2, 1]);
    assert.deepEqual(sizes('"40%"', 5), [2, 2, 1]);
    assert.deepEqual(sizes('"10%"', 5), [1, 1, 1, 1, 1]);
    assert.deepEqual(sizes('"0%"', 3), [1, 1, 1]);
    assert.deepEqual(sizes('[1, 5, "20%"]', 20), [1, 5, 4, 4, 4, 2]);
    assert.deepEqual(sizes('"100%"', 4), [4]);
    assert.deepEqual(sizes('10', 3), [3]);
    assert.deepEqual(sizes('"{{ n }}"', 4, { n: 3 }), [3, 1]);
  });

  it('keeps inventory order inside and across batches', () => {
    const play = load('- hosts: all\n  serial: [1, 2]\n  tasks: []\n')[0];
    assert.deepEqual(serialBatches(play, hosts(4), {}), [['h1'], ['h2', 'h3'], ['h4']]);
  });
});

describe('execution keywords: bad input with file:line', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['- hosts: all\n  serial: 0\n  tasks: []\n', 2, /serial must be 1 or more/],
    ['- hosts: all\n  serial: [1, -2]\n  tasks: []\n', 2, /serial must be 1 or more/],
    ['- hosts: all\n  serial: "-5%"\n  tasks: []\n', 2, /serial percentage/],
    ['- hosts: all\n  serial: "x%"\n  tasks: []\n', 2, /serial percentage/],
    ['- hosts: all\n  serial: []\n  tasks: []\n', 2, /serial must be/],
    ['- hosts: all\n  strategy: host_pinned\n  tasks: []\n', 2, /strategy must be one of linear, free/],
    ['- hosts: all\n  max_fail_percentage: 120\n  tasks: []\n', 2, /max_fail_percentage/],
    ['- hosts: all\n  tasks:\n    - shell: "true"\n      retries: -1\n      until: false\n', 4, /retries must be 0 or more/],
    ['- hosts: all\n  tasks:\n    - shell: "true"\n      delay: soon\n', 4, /delay must be a whole number/],
    ['- hosts: all\n  tasks:\n    - shell: "true"\n      until: "r.rc =="\n', 4, /template error in until/],
    ['- hosts: all\n  tasks:\n    - shell: "true"\n      async: 30\n', 4, /async is not supported/],
    ['- hosts: all\n  tasks:\n    - shell: "true"\n      delegate_to: ""\n', 4, /delegate_to must be a host name/],
  ];
  for (const [text, line, message] of cases) {
    it(message.source, () => {
      assert.throws(
        () => load(text),
        (e: unknown) => e instanceof InputError && e.location?.line === line && message.test(e.message),
      );
    });
  }

  it('local_action is the module delegated to localhost', () => {
    const [task] = load('- hosts: all\n  tasks:\n    - local_action: shell echo hi\n      register: r\n')[0].tasks;
    assert.equal(task.module, 'shell');
    assert.equal(task.delegateTo, 'localhost');
    assert.equal(task.args._raw_params, 'echo hi');
  });
});
