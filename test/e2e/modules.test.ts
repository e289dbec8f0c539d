import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from '../../lib/modules/index.js';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook, totals } from './cli.js';

/** What a module's example needs on the host before it runs. */
const setup: Record<string, string> = {
  file: 'mkdir -p /srv/m && touch /srv/m/doomed && echo x > /srv/m/existing && chmod 0644 /srv/m/existing',
  command: 'mkdir -p /srv/m && touch /srv/m/removable',
  lineinfile: 'printf "a=1\\nb=2\\n" > /srv/m/lines',
  blockinfile: 'printf "a=1\\n" > /srv/m/block',
  replace: 'printf "x=1\\nx=2\\n" > /srv/m/replace',
  group: 'groupadd m-doomed',
  user: 'useradd -m m-doomed',
  authorized_key: 'useradd -m m-keys',
  copy_from_host: 'printf secret > /srv/m/source && chmod 0640 /srv/m/source && chown nobody:root /srv/m/source',
  git: [
    'rm -rf /srv/m/origin.git /srv/m/checkout /srv/m/work && git init -q --bare /srv/m/origin.git && git init -q /srv/m/work && cd /srv/m/work',
    'echo one > README && git add README && git -c user.name=t -c user.email=t@example.org commit -qm one && git tag v1',
    'git push -q /srv/m/origin.git HEAD:refs/heads/main v1 && cd / && rm -rf /srv/m/work',
  ].join(' && '),
};

/**
 * Modules that change nothing on a host of their own, or need what a sandbox host lacks,
 * have their check → apply → check in the flagship e2e test instead.
 */
const elsewhere: Record<string, string> = {
  systemd: 'needs systemd: covered with the systemctl stand-in in flagship.test.ts',
  kubernetes_namespace: 'needs an API server: covered with the kubectl stand-in in flagship.test.ts',
  wait_for: 'never changes a host: covered in flagship.test.ts and unit tests',
  set_fact: 'never changes a host: covered in control.test.ts',
  debug: 'never changes a host: covered in control.test.ts',
  assert: 'never changes a host: covered in control.test.ts',
  fail: 'never changes a host: covered in control.test.ts',
  include_vars: 'never changes a host: covered in control.test.ts',
  pause: 'never changes a host: covered in control.test.ts',
  stat: 'never changes a host: covered by the compat fixture stat',
  slurp: 'never changes a host: covered by the compat fixture stat',
  setup: 'never changes a host: covered in gathered-facts.test.ts and the compat fixture facts',
  meta: 'steers the play, changes no host: covered in sections.test.ts',
  include_tasks: 'runs other tasks: covered in includes.test.ts and the compat fixtures includes and role-includes',
  include_role: 'runs a role: covered in the compat fixture role-includes',
  apt: 'needs a host with its own /usr (Sandbox option packages): covered by the compat fixture apt and test/unit/apt.test.ts',
  package: 'dispatches to apt: covered by the compat fixture apt',
  get_url: 'needs an HTTP server: covered by the compat fixture get-url-uri (the harness serves one) and test/unit/http-modules.test.ts',
  uri: 'needs an HTTP server: covered by the compat fixture get-url-uri and test/unit/http-modules.test.ts',
  apt_repository: 'covered by the compat fixture apt-repository and test/unit/apt.test.ts',
  service: 'needs systemd: covered with the systemctl stand-in by the compat fixture service',
  fetch: 'changes the controller, not the host: covered by the compat fixture fetch and unit tests',
  wait_for_connection: 'never changes a host: covered by the compat fixture wait-for-connection',
  raw: 'skipped in a dry-run (as Ansible check mode) and always changed: covered by the compat fixture raw',
  unarchive: 'covered by the compat fixture unarchive (its archives in files/) and test/unit/unarchive.test.ts',
  dpkg_selections: "changes dpkg's database: needs a host with its own /usr and dpkg state (Sandbox option packages): covered by the compat fixture dpkg-selections and test/unit/apt.test.ts",
};

describe('every module: check → apply → check on a real host', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let inventory: string;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'mod' });
    inventory = join(sandbox.dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
  });
  after(async () => sandbox?.stop());

  for (const module of builtinModules.filter((m) => !(m.name in elsewhere))) {
    it(module.name, async () => {
      const playbook = join(fixtures, 'modules', `${module.name}.yaml`);
      assert.ok(existsSync(playbook), `no example for module ${module.name} in test/fixtures/modules/`);
      const host = sandbox.hosts[0].name;
      await sandbox.run(host, `mkdir -p /srv/m && ${setup[module.name] ?? 'true'}`);
      const args = ['apply', inventory, playbook, '--known-hosts', sandbox.knownHostsFile, '--output', 'json'];
      const tree = await sandbox.treeHash(host);
      const check = await runbook([...args, '--dry-run']);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const tasks = check.events.filter((e) => e.type === 'task_result').length;
      assert.equal(totals(check.recap).changed, tasks, 'the first check should find every task to change');
      assert.equal(await sandbox.treeHash(host), tree, 'check changed the host');
      const apply = await runbook(args);
      assert.equal(apply.code, 0, apply.stdout + apply.stderr);
      assert.equal(totals(apply.recap).changed, tasks);
      assert.notEqual(await sandbox.treeHash(host), tree, 'apply changed nothing on the host');
      const recheck = await runbook([...args, '--dry-run']);
      assert.equal(totals(recheck.recap).changed, 0, 'check after apply still finds changes');
      assert.equal(totals(recheck.recap).failed, 0);
    });
  }
});
