import assert from 'node:assert/strict';
import { InputError } from '../../lib/errors.js';
import { expandHostPattern, isHostname } from '../../lib/inventory/host-pattern.js';
import { shellWords } from '../../lib/inventory/ini.js';
import { parseInventoryText } from '../../lib/inventory/load.js';
import { iniValue } from '../../lib/inventory/python-literal.js';

const inventoryOf = (text: string) => parseInventoryText(text, '/tmp/hosts');

describe('INI inventory', () => {
  it('reads values as Python literals, as Ansible (ast.literal_eval, else the text)', () => {
    const cases: Array<[string, unknown]> = [
      ['23', 23], ['True', true], ['true', 'true'], ['yes', 'yes'], ['8080 # trailing comment', 8080], ['foo # bar', 'foo # bar'],
      ['0644', '0644'], ['00', 0], ['0x1F', 31], ['0o17', 15], ['1_000', 1000], ['-5', -5], ['--5', '--5'], ['-True', '-True'],
      ['1.5', 1.5], ['1e3', 1000], ['"a b"', 'a b'], ["'x'", 'x'], ['[1, "a", None]', [1, 'a', null]], ['(1,)', [1]], ['(1)', 1],
      ['{"k": 1, 2: [3]}', { k: 1, 2: [3] }], ['None', null], ['"a" "b"', 'ab'], ['"\\x41\\n"', 'A\n'], ['[1,', '[1,'], ['', ''],
      ['10.0.0.1', '10.0.0.1'], ['a=b', 'a=b'],
    ];
    for (const [text, expected] of cases) assert.deepEqual(iniValue(text), expected, text);
  });

  it('splits host lines as a POSIX shell, with # comments', () => {
    assert.deepEqual(shellWords(`h a="x y" b='q "r"' c=d\\ e # note`), ['h', 'a=x y', 'b=q "r"', 'c=d e']);
    assert.deepEqual(shellWords('h x=1#c'), ['h', 'x=1']);
    assert.throws(() => shellWords('h a="open'), /no closing quotation/);
  });

  it('reads an ASCII host name as the Unicode hostname pattern does (the ASCII pattern is its fast path)', () => {
    const alphabet = 'aZ09_-.[]:sKk';
    let seed = 13;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let names = 0;
    for (let n = 0; n < 5000; n++) {
      const name = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      assert.equal(isHostname(name), isHostname(name, true), name);
      if (isHostname(name)) names++;
    }
    // Both readings are exercised: some names are host names, most are not.
    assert.ok(names > 100 && names < 4900, `${names} host names`);
    for (const name of ['web01', 'Web-01.Example.COM', 'db_[a:c]', 'n[0:20:10]']) assert.equal(isHostname(name), true, name);
    for (const name of ['-web', 'web-', 'web_', 'a..b', '']) assert.equal(isHostname(name), false, name);
    // Letters of other scripts: the Unicode pattern, as before.
    assert.equal(isHostname('münchen.example'), true);
    assert.deepEqual(expandHostPattern('Ωmega:2222'), { hosts: ['Ωmega'], port: 2222 });
  });

  it('expands ranges and reads ports', () => {
    assert.deepEqual(expandHostPattern('web[01:03].ex'), { hosts: ['web01.ex', 'web02.ex', 'web03.ex'] });
    assert.deepEqual(expandHostPattern('db-[a:c]'), { hosts: ['db-a', 'db-b', 'db-c'] });
    assert.deepEqual(expandHostPattern('n[0:20:10]'), { hosts: ['n0', 'n10', 'n20'] });
    assert.deepEqual(expandHostPattern('r[1:2]-[a:b]'), { hosts: ['r1-a', 'r1-b', 'r2-a', 'r2-b'] });
    assert.deepEqual(expandHostPattern('h[1:2]:2222'), { hosts: ['h1', 'h2'], port: 2222 });
    assert.deepEqual(expandHostPattern('[::1]:22'), { hosts: ['::1'], port: 22 });
    assert.deepEqual(expandHostPattern('10.0.0.5:2200'), { hosts: ['10.0.0.5'], port: 2200 });
    assert.throws(() => expandHostPattern('w[01:100]'), /same number of digits/);
    assert.throws(() => expandHostPattern('w[c:a]'), /begin <= end/);
  });

  it('builds groups, children declared later, vars and ungrouped hosts', () => {
    const inv = inventoryOf(['solo x=1', '[prod:children]', 'web', '[web]', 'w1 http_port=8080', 'w2:2222', '[web:vars]', 'a=23', 'b=True', '[prod:vars]', 'env=prod', 'a=1'].join('\n'));
    assert.deepEqual(inv.groups.get('ungrouped'), ['solo']);
    assert.deepEqual(inv.groups.get('prod'), ['w1', 'w2']);
    assert.deepEqual(inv.hosts.get('w1')!.groups, ['all', 'prod', 'web']);
    assert.equal(inv.hosts.get('w1')!.vars.a, 23); // the child group (deeper) wins
    assert.equal(inv.hosts.get('w1')!.vars.env, 'prod');
    assert.equal(inv.hosts.get('w1')!.vars.b, true);
    assert.equal(inv.hosts.get('w2')!.connection.port, 2222);
    assert.equal(inv.hosts.get('solo')!.vars.x, 1);
    assert.deepEqual(inv.groupTree!.get('all')!.children, ['ungrouped', 'prod']);
  });

  it('takes a host out of ungrouped once it is in a group', () => {
    const inv = inventoryOf('h1\n[g]\nh1\n');
    assert.deepEqual(inv.groups.get('ungrouped'), []);
    assert.deepEqual(inv.groups.get('g'), ['h1']);
  });

  it('keeps the port of the first listing only, as Ansible', () => {
    const inv = inventoryOf('[a]\nh:2201\n[b]\nh:2202\n');
    assert.equal(inv.hosts.get('h')!.connection.port, 2201);
  });

  const fails = (text: string, pattern: RegExp) =>
    assert.throws(() => inventoryOf(text), (e: unknown) => e instanceof InputError && pattern.test(e.message), text);

  it('reports every unparsable line with file:line', () => {
    fails('[web]\nh1 novalue\n', /^\/tmp\/hosts:2:1: expected key=value after the host name, got 'novalue'/);
    fails('[web:vars]\nnovalue\n[web]\n', /^\/tmp\/hosts:2:1: expected key=value in \[web:vars\]/);
    fails('[web]\nh\n[web:other]\n', /^\/tmp\/hosts:3:1: section \[web:other\] has unknown type/);
    fails('[web ]\n', /^\/tmp\/hosts:1:1: invalid section/);
    fails('[g:children]\nnever_declared\n', /^\/tmp\/hosts:2:1: section \[g:children\] names group 'never_declared', which is not declared/);
    fails('[g:vars]\nx=1\n', /^\/tmp\/hosts:1:1: section \[g:vars\] is for group 'g', which is not declared/);
    fails('[web]\nh a="open\n', /^\/tmp\/hosts:2:1: cannot parse host line/);
    fails('[web]\nw[01:100]\n', /^\/tmp\/hosts:2:1: host range .* same number of digits/);
    fails('[g:children]\ng\n', /its own ancestor/);
    fails('[a:children]\nb\n[b:children]\na\n', /its own ancestor/);
  });

  it('reads a YAML mapping as YAML and anything else as INI', () => {
    assert.deepEqual([...parseInventoryText('all:\n  hosts:\n    y1:\n', '/tmp/hosts').hosts.keys()], ['y1']);
    assert.deepEqual([...parseInventoryText('h1\nh2\n', '/tmp/hosts').hosts.keys()], ['h1', 'h2']);
    assert.throws(() => parseInventoryText('all: [\n', '/tmp/hosts.yml'), /hosts\.yml:.*invalid YAML/);
    assert.throws(() => parseInventoryText('plugin: aws_ec2\n', '/tmp/inv.yml'), /inventory plugin 'aws_ec2' is not supported/);
  });
});
