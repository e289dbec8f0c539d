import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

const playbook = join(fixtures, 'gathered-facts', 'facts.yaml');
const dump = join(fixtures, 'gathered-facts', 'dump.yaml');

/** The facts runbook gathers must be the facts Ansible's setup reports on the same host. */
const SAME = [
  'hostname', 'fqdn', 'nodename', 'domain', 'os_family', 'distribution', 'distribution_version', 'distribution_major_version',
  'distribution_release', 'architecture', 'machine', 'kernel', 'kernel_version', 'system', 'userspace_architecture',
  'memtotal_mb', 'swaptotal_mb', 'processor_vcpus', 'processor_cores', 'processor_count', 'processor_threads_per_core',
  'processor_nproc', 'processor', 'service_mgr', 'user_id', 'user_dir', 'user_uid', 'user_gid', 'user_shell', 'user_gecos',
  'lsb', 'pkg_mgr', 'default_ipv4', 'all_ipv4_addresses', 'real_user_id', 'effective_user_id',
];
/** Environment variables that differ by how the tool starts its process, not by the host. */
const ENV_VOLATILE = ['_', 'SHLVL', 'SSH_CLIENT', 'SSH_CONNECTION', 'PWD', 'OLDPWD', 'LC_ALL', 'LC_MESSAGES', 'LANG'];

function ansibleSetup(sandbox: Sandbox, inventory: string): Promise<Record<string, unknown>> {
  const work = join(sandbox.dir, 'ansible-setup');
  mkdirSync(join(work, 'tree'), { recursive: true });
  const config = join(work, 'ansible.cfg');
  writeFileSync(config, `[defaults]\nhost_key_checking = False\ninterpreter_python = /usr/bin/python3\nlocal_tmp = ${work}/tmp\n[ssh_connection]\npipelining = True\nssh_args = -o PreferredAuthentications=publickey -o UserKnownHostsFile=${sandbox.knownHostsFile}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('ansible', ['all', '-i', inventory, '-m', 'setup', '--tree', join(work, 'tree')], { cwd: work, env: { ...process.env, ANSIBLE_CONFIG: config }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ansible -m setup exited ${code}: ${output.slice(-2000)}`));
      const [file] = readdirSync(join(work, 'tree'));
      resolve(JSON.parse(readFileSync(join(work, 'tree', file), 'utf8')).ansible_facts);
    });
  });
}

describe('gathered facts', function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let inventory: string;
  const args = (...extra: string[]) => ['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json', ...extra];

  before(async () => {
    sandbox = await Sandbox.start({ count: 1, names: ['facts01'] });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());

  it("equal what Ansible's setup reports on the same host, under both names", async () => {
    const run = await runbook(args());
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const gathering = run.events.filter((e) => e.type === 'task_result' && e.task === 'Gathering Facts');
    assert.deepEqual(gathering.map((e) => e.status), ['ok'], 'one Gathering Facts per gathering play, ok');
    assert.deepEqual([run.recap!.facts01.ok, run.recap!.facts01.changed], [1, 3], 'Gathering Facts counts ok in the recap, as with Ansible');
    const dumped = await runbook(['apply', inventory, dump, '--known-hosts', sandbox.knownHostsFile, '--output', 'json']);
    assert.equal(dumped.code, 0, dumped.stderr + dumped.stdout);
    const ours = JSON.parse((await sandbox.run('facts01', 'cat /srv/facts.json')).stdout);
    const theirs = await ansibleSetup(sandbox, inventory);
    for (const name of SAME) assert.deepEqual(ours.facts[name], theirs[`ansible_${name}`], `ansible_${name}`);
    assert.deepEqual([...(ours.facts.interfaces as string[])].sort(), [...(theirs.ansible_interfaces as string[])].sort(), 'ansible_interfaces (Ansible orders them by a set)');
    for (const name of ['tz', 'tz_offset', 'tz_dst']) assert.equal(ours.facts.date_time[name], (theirs.ansible_date_time as Record<string, string>)[name], `ansible_date_time.${name}`);
    const env = (e: Record<string, string>) => Object.fromEntries(Object.entries(e).filter(([k]) => !ENV_VOLATILE.includes(k)));
    assert.deepEqual(env(ours.facts.env), env(theirs.ansible_env as Record<string, string>), 'ansible_env');
    assert.equal(ours.hostname, 'facts01');
    assert.equal(ours.address, (theirs.ansible_default_ipv4 as { address: string }).address);
    assert.equal((await sandbox.run('facts01', 'cat /srv/facts01.txt')).stdout, `${theirs.ansible_fqdn} ${ours.address} Debian\n`, 'facts in a task argument (dest) and content');
    assert.equal((await sandbox.run('facts01', 'cat /srv/debian')).stdout, `${theirs.ansible_distribution_release}\n`, 'when: on a fact');
    assert.equal((await sandbox.run('facts01', 'cat /srv/later')).stdout, 'facts01\n', 'facts outlive their play, as in Ansible');
  });

  it('a no-op rerun of a play that gathers facts is one connection and one round trip', async () => {
    const noop = ['apply', inventory, join(fixtures, 'gathered-facts', 'noop.yaml'), '--known-hosts', sandbox.knownHostsFile, '--output', 'json'];
    const first = await runbook(noop);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const run = await runbook(noop);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual([run.recap!.facts01.ok, run.recap!.facts01.changed], [3, 0]);
    const transport = run.events.find((e) => e.type === 'recap')!.transport.facts01;
    assert.deepEqual(transport, { connections: 1, roundTrips: 1 });
  });
});
