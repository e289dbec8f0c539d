import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { runbook } from './cli.js';

/**
 * environment on a real host: exported for the task's commands (block over play, task over
 * block, a templated mapping), and a value from a vault exported without ever being printed.
 * (The same merging is checked against Ansible by the play-keywords compat fixture.)
 */
describe('environment on a real host: merged, exported, and a vault value never printed', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let dir: string;
  const secret = 'tok-3f9a-very-secret';
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'env' });
    dir = sandbox.dir;
    sandbox.writeInventory(join(dir, 'inventory.yaml'));
    writeFileSync(join(dir, 'vault-pass'), 'pw\n');
    const encrypted = await runbook(['vault', 'encrypt_string', '--vault-password-file', join(dir, 'vault-pass'), '--name', 'api_token', secret]);
    assert.equal(encrypted.code, 0, encrypted.stderr);
    writeFileSync(join(dir, 'site.yml'), `- hosts: all
  gather_facts: false
  vars:
${encrypted.stdout.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}
    proxy: {HTTP_PROXY: "http://proxy:3128"}
  environment:
    LEVEL: play
    ONLY_PLAY: p
  tasks:
    - name: Folder
      file: {path: /srv/env, state: directory, mode: "0755"}
    - block:
        - name: Levels
          shell: echo "$LEVEL $ONLY_PLAY $ONLY_BLOCK $HTTP_PROXY" > /srv/env/levels
          environment: "{{ proxy }}"
      environment:
        LEVEL: block
        ONLY_BLOCK: b
    - name: The token reaches the command, not the output
      shell: printf '%s' "$API_TOKEN" > /srv/env/token; echo "done"
      environment:
        API_TOKEN: "{{ api_token }}"
`);
  });
  after(async () => sandbox?.stop());

  it('exports the merged environment, and hides a task whose environment reads a vault value', async () => {
    const run = await runbook(['apply', join(dir, 'inventory.yaml'), join(dir, 'site.yml'), '--known-hosts', sandbox.knownHostsFile, '--vault-password-file', join(dir, 'vault-pass'), '-v', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const host = sandbox.hosts[0].name;
    assert.equal((await sandbox.fileInfo(host, '/srv/env/levels')).content?.toString(), 'block p b http://proxy:3128\n');
    assert.equal((await sandbox.fileInfo(host, '/srv/env/token')).content?.toString(), secret);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), 'the vault value appeared in the output');
    const token = run.events.find((e) => e.type === 'task_result' && e.task === 'The token reaches the command, not the output');
    assert.equal(token?.status, 'changed');
    assert.equal(token?.stdout, undefined, 'a no_log task shows no command output');
  });
});
