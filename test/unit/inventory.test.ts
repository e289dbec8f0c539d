import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import { loadInventoryFile, parseInventoryText } from '../../lib/inventory/load.js';
import { selectHosts } from '../../lib/inventory/select.js';
import { FIXTURES } from './input-fixtures.js';

const names = (hosts: { name: string }[]) => hosts.map((h) => h.name);

describe('inventory', () => {
  const inventory = loadInventoryFile(join(FIXTURES, 'inventory.yml'));

  it('lists hosts in Ansible\'s order (a group\'s own hosts, then its children\'s, level by level) and groups with their descendants', () => {
    assert.deepEqual([...inventory.hosts.keys()], ['lonely', 'web1', 'web2', 'db1', 'web3']);
    assert.deepEqual(inventory.groups.get('all'), ['lonely', 'web1', 'web2', 'db1', 'web3']);
    assert.deepEqual(inventory.groups.get('ungrouped'), ['lonely']);
    assert.deepEqual(inventory.groups.get('web'), ['web1', 'web2', 'web3']);
    assert.deepEqual(inventory.groups.get('frontend'), ['web3']);
    assert.deepEqual(inventory.groups.get('db'), ['db1', 'web2']);
  });

  it('applies precedence all < parent group < child group < host', () => {
    assert.equal(inventory.hosts.get('lonely')!.vars.level, 'all');
    assert.equal(inventory.hosts.get('web1')!.vars.level, 'host');
    assert.equal(inventory.hosts.get('web3')!.vars.level, 'frontend');
    assert.equal(inventory.hosts.get('web3')!.vars.from_web, 1);
    assert.equal(inventory.hosts.get('web3')!.vars.from_all, 1);
  });

  it('orders sibling groups by name: the last name wins', () => {
    // web2 is in web and db (both depth 1): 'web' sorts after 'db'.
    assert.equal(inventory.hosts.get('web2')!.vars.level, 'web');
    // db1 is in db and zeta: 'zeta' wins.
    assert.equal(inventory.hosts.get('db1')!.vars.level, 'zeta');
  });

  it('lists a host\'s groups outermost first', () => {
    assert.deepEqual(inventory.hosts.get('web3')!.groups, ['all', 'web', 'frontend']);
    assert.deepEqual(inventory.hosts.get('web2')!.groups, ['all', 'db', 'web']);
    assert.deepEqual(inventory.hosts.get('lonely')!.groups, ['all', 'ungrouped']);
  });

  it('reads connection variables', () => {
    assert.deepEqual(inventory.hosts.get('web1')!.connection, { address: '10.0.0.1', port: 22, user: 'root', become: false });
    assert.equal(inventory.hosts.get('web2')!.connection.port, 2222);
    const web3 = inventory.hosts.get('web3')!.connection;
    assert.equal(web3.user, 'deploy');
    assert.equal(web3.privateKeyFile, join(FIXTURES, 'keys/id_ed25519'));
    assert.deepEqual(inventory.hosts.get('db1')!.connection, { address: 'db1', port: 22, user: 'root', become: true, becomeUser: 'postgres' });
  });

  it('expands ~ in key files', () => {
    const inv = parseInventoryText('all:\n  hosts:\n    h:\n      ansible_ssh_private_key_file: ~/.ssh/id\n', '/tmp/inv.yml');
    assert.equal(inv.hosts.get('h')!.connection.privateKeyFile, join(homedir(), '.ssh/id'));
  });

  it('treats other top-level groups as children of all', () => {
    const inv = parseInventoryText('all:\n  hosts:\n    a:\nextra:\n  hosts:\n    b:\n', 'inv.yml');
    assert.deepEqual(inv.groups.get('all'), ['a', 'b']);
    assert.deepEqual(inv.groups.get('extra'), ['b']);
    assert.deepEqual(inv.groups.get('ungrouped'), ['a']);
  });

  it('takes a host out of ungrouped once a group lists it, keeping the others in order', () => {
    const inv = parseInventoryText('all:\n  hosts:\n    a:\n    b:\n    c:\nweb:\n  hosts:\n    b:\n    d:\ndb:\n  hosts:\n    b:\n', 'inv.yml');
    assert.deepEqual(inv.groups.get('ungrouped'), ['a', 'c']);
    assert.deepEqual(inv.groups.get('web'), ['b', 'd']);
    assert.deepEqual(inv.groups.get('all'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(inv.hosts.get('b')!.groups, ['all', 'db', 'web']);
  });

  it('gives a group listed under two parents its deepest position', () => {
    const text = 'all:\n  children:\n    a:\n      vars: {x: a}\n      children:\n        shared:\n          vars: {x: shared}\n    shared:\n      hosts:\n        h:\n    z:\n      vars: {x: z}\n      hosts:\n        h:\n';
    const inv = parseInventoryText(text, 'inv.yml');
    // shared is at depth 2 (under a), deeper than z (depth 1): shared wins despite its name.
    assert.equal(inv.hosts.get('h')!.vars.x, 'shared');
    assert.deepEqual(inv.groups.get('a'), ['h']);
  });

  it('always has all and ungrouped, even when empty', () => {
    const inv = parseInventoryText('', 'empty.yml');
    assert.deepEqual(inv.groups.get('all'), []);
    assert.deepEqual(inv.groups.get('ungrouped'), []);
  });

  it('reports a bad port with its location', () => {
    assert.throws(() => loadInventoryFile(join(FIXTURES, 'bad-port.yml')), (e: unknown) => e instanceof InputError && /bad-port\.yml:4:7: ansible_port must be a port number/.test(e.message));
    assert.throws(() => parseInventoryText('all:\n  vars:\n    ansible_port: 70000\n  hosts:\n    h:\n', 'i.yml'), /i\.yml:3:5: ansible_port/);
  });

  it('reports unknown group keys with a suggestion', () => {
    assert.throws(() => loadInventoryFile(join(FIXTURES, 'bad-group-key.yml')), /bad-group-key\.yml:4:7: unknown key 'host' in group 'web' \(did you mean 'hosts'\?\)/);
  });

  it('rejects non-mappings', () => {
    assert.throws(() => parseInventoryText('- a\n- b\n', 'i.yml'), /i\.yml:1:1: inventory must be a mapping/);
    assert.throws(() => parseInventoryText('all:\n  children:\n    web: [a, b]\n', 'i.yml'), /i\.yml:3:5: group 'web' must be a mapping/);
    assert.throws(() => parseInventoryText('all:\n  hosts:\n    - a\n', 'i.yml'), /i\.yml:2:3: 'hosts' of group 'all' must be a mapping/);
    assert.throws(() => parseInventoryText('all:\n  hosts:\n    a: 3\n', 'i.yml'), /i\.yml:3:5: host 'a' must have a mapping/);
  });

  it('rejects group cycles', () => {
    assert.throws(() => parseInventoryText('a:\n  children:\n    b:\n      children:\n        a:\n', 'i.yml'), /its own ancestor/);
  });
});

describe('selectHosts', () => {
  const inventory = loadInventoryFile(join(FIXTURES, 'inventory.yml'));
  const select = (pattern: string) => names(selectHosts(inventory, pattern));

  it('selects all', () => {
    assert.deepEqual(select('all'), ['lonely', 'web1', 'web2', 'db1', 'web3']);
    assert.deepEqual(select('*'), ['lonely', 'web1', 'web2', 'db1', 'web3']);
  });

  it('selects hosts and groups, in inventory order', () => {
    assert.deepEqual(select('web1'), ['web1']);
    assert.deepEqual(select('db'), ['web2', 'db1']);
    assert.deepEqual(select('db1,web1'), ['web1', 'db1']);
    assert.deepEqual(select('frontend:lonely'), ['lonely', 'web3']);
  });

  it('matches globs and regexes against hosts and groups', () => {
    assert.deepEqual(select('web*'), ['web1', 'web2', 'web3']);
    assert.deepEqual(select('web[12]'), ['web1', 'web2']);
    assert.deepEqual(select('front*'), ['web3']);
    assert.deepEqual(select('~^(db|lon)'), ['lonely', 'web2', 'db1']);
  });

  it('excludes and intersects, whatever the order written', () => {
    assert.deepEqual(select('web:!frontend'), ['web1', 'web2']);
    assert.deepEqual(select('!frontend,web'), ['web1', 'web2']);
    assert.deepEqual(select('web:&db'), ['web2']);
    assert.deepEqual(select('all:!web*'), ['lonely', 'db1']);
    assert.deepEqual(select('&db'), ['web2', 'db1']);
    assert.deepEqual(select('web, db ,!web2'), ['web1', 'db1', 'web3']);
  });

  it('fails on a pattern matching no host, with the location', () => {
    const location = { file: 'site.yml', line: 3, column: 10 };
    assert.throws(() => selectHosts(inventory, 'web:!web', location), (e: unknown) => e instanceof InputError && e.message === "site.yml:3:10: host pattern 'web:!web' matches no host");
    assert.throws(() => selectHosts(inventory, 'nothing*'), /host pattern 'nothing\*' matches no host/);
  });

  it('fails on a name that is neither host nor group, with a hint', () => {
    assert.throws(() => selectHosts(inventory, 'webb'), /'webb' is neither a host nor a group .* \(did you mean 'web'\?\)/);
    assert.throws(() => selectHosts(inventory, 'web,dbx'), /'dbx' in pattern 'web,dbx'/);
  });
});
