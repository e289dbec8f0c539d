import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixtures, runbook } from './cli.js';

const run = promisify(execFile);
const dir = join(fixtures, 'inventories');

/** ansible-inventory (Debian's ansible-core) on the same inventory and arguments. */
async function ansibleInventory(args: string[]): Promise<string> {
  const { stdout } = await run('ansible-inventory', args, { cwd: dir, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  return stdout;
}

/**
 * `runbook inventory` against ansible-inventory itself: the same groups, hosts and variables
 * (after group_vars/ and host_vars/) for INI, YAML with ranges, an inventory directory of mixed
 * files, several sources, playbook-adjacent group_vars, and vault values.
 */
describe('runbook inventory, compared with ansible-inventory', function () {
  this.timeout(120_000);

  const cases: string[][] = [
    ['-i', 'ini/hosts', '--list'],
    ['-i', 'ini/hosts', '--host', 'db1'],
    ['-i', 'ini/hosts', '--host', 'web-a'],
    ['-i', 'ini/hosts', '--graph'],
    ['-i', 'ini/hosts', '--graph', '--vars'],
    ['-i', 'ini/hosts', '--list', '--playbook-dir', 'playbook'],
    ['-i', 'dir', '--list'],
    ['-i', 'dir', '--graph'],
    ['-i', 'ini/hosts', '-i', 'dir', '--list'],
    ['-i', 'yaml-ranges/inventory.yml', '--list'],
    ['-i', 'yaml-ranges/inventory.yml', '--graph', 'masters', '--vars'],
    ['-i', 'a1,b2:2201,', '--list'],
  ];
  for (const args of cases) {
    it(args.join(' '), async () => {
      const [ours, theirs] = await Promise.all([runbook(['inventory', ...args], { cwd: dir }), ansibleInventory(args)]);
      assert.equal(ours.code, 0, ours.stderr);
      if (args.includes('--graph')) assert.equal(ours.stdout, theirs);
      else assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs));
    });
  }

  it('vault values: inline ones as ansible-inventory shows them, values of encrypted files hidden', async () => {
    const args = ['-i', 'vaulted/hosts', '--list', '--vault-password-file', 'vaulted/vault-pass', '--vault-id', 'dev@vaulted/vault-pass-dev'];
    const [ours, theirs] = await Promise.all([runbook(['inventory', ...args], { cwd: dir }), ansibleInventory(args)]);
    assert.equal(ours.code, 0, ours.stderr);
    const expected = JSON.parse(theirs);
    // ansible-inventory prints values of an encrypted file in clear; runbook never does.
    for (const vars of Object.values(expected._meta.hostvars) as Array<Record<string, unknown>>) {
      assert.equal(vars.vault_db_password, 's3cr3t-from-file');
      vars.vault_db_password = '********';
    }
    assert.deepEqual(JSON.parse(ours.stdout), expected);
    assert.doesNotMatch(ours.stdout + ours.stderr, /s3cr3t|inline-s3cret/);
  });

  it('bad input: a clear error naming the file and line, exit 1', async () => {
    const bad = await runbook(['inventory', '-i', join(fixtures, 'inventories', 'bad.ini'), '--list']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.ini:3:1: expected key=value after the host name, got 'oops'/);
    const none = await runbook(['inventory', '-i', 'ini/hosts'], { cwd: dir });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /exactly one of --list, --host NAME or --graph/);
  });
});
