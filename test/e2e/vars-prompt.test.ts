import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { repoRoot, runbook } from './cli.js';

/**
 * vars_prompt: asked on a terminal before any host is touched (hidden when private, twice with
 * confirm), defaults without a terminal (with a warning), -e skips the question, and no default
 * without a terminal is bad input. The differential fixture test/compat/fixtures/vars-prompt checks
 * defaults and precedence against ansible-playbook.
 */
describe('vars_prompt', function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let dir: string;
  let inventory: string;
  const playbook = (prompts: string) => {
    const file = join(dir, `play-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(
      file,
      `- hosts: all\n  gather_facts: false\n  vars_prompt:\n${prompts}  tasks:\n    - copy:\n        dest: /srv/vp/answers\n        content: "{{ version }} {{ token }}\\n"\n`,
    );
    return file;
  };
  const prompts = '    - name: version\n      prompt: Which version?\n      default: "1.2"\n      private: false\n    - name: token\n      prompt: Token\n      default: default-token-value\n      confirm: true\n';

  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'vp' });
    dir = mkdtempSync(join(tmpdir(), 'runbook-vp-'));
    inventory = join(dir, 'inventory.yaml');
    sandbox.writeInventory(inventory);
    await sandbox.run('vp01', 'mkdir -p /srv/vp');
  });
  after(async () => sandbox?.stop());
  const answers = async () => (await sandbox.fileInfo('vp01', '/srv/vp/answers')).content?.toString();

  it('without a terminal: the defaults, with a warning; a private default never shows', async () => {
    const run = await runbook(['apply', inventory, playbook(prompts), '--known-hosts', sandbox.knownHostsFile, '-v']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await answers(), '1.2 default-token-value\n');
    assert.match(run.stderr, /\[WARNING\]: vars_prompt 'version' \(.*play-\w+\.yml:4:7\): not prompting as stdin is not a terminal; its default is used/);
    assert.ok(!(run.stdout + run.stderr).includes('default-token-value'), 'the private answer was shown');
  });

  it('-e answers the question: nothing asked, no warning for it', async () => {
    const run = await runbook(['apply', inventory, playbook(prompts), '--known-hosts', sandbox.knownHostsFile, '-e', 'version=2.0']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(await answers(), '2.0 default-token-value\n');
    assert.doesNotMatch(run.stderr, /vars_prompt 'version'/);
    assert.match(run.stderr, /vars_prompt 'token'/);
  });

  it('no default and no terminal: exit 1 naming file:line, before any host is touched', async () => {
    await sandbox.run('vp01', 'rm -f /srv/vp/answers');
    const run = await runbook(['apply', inventory, playbook('    - name: version\n    - name: token\n      default: x\n'), '--known-hosts', sandbox.knownHostsFile]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /play-\w+\.yml:4:7: vars_prompt 'version' has no default and stdin is not a terminal to ask on: pass it with -e version=\.\.\./);
    assert.equal((await sandbox.fileInfo('vp01', '/srv/vp/answers')).exists, false);
  });

  it('on a terminal: asked before the run, the private one hidden and confirmed', async () => {
    const secret = 'typed-secret-7f3a';
    const command = ['node', join(repoRoot, 'bin', 'runbook.js'), 'apply', inventory, playbook(prompts), '--known-hosts', sandbox.knownHostsFile].map((a) => `'${a}'`).join(' ');
    const typed = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      const steps: Array<[string, string]> = [
        ['Which version? [1.2]: ', '3.1'],
        ['Token [default-token-value]: ', 'mistyped'],
        ['confirm Token [default-token-value]: ', secret],
        ['***** VALUES ENTERED DO NOT MATCH ****', ''],
        ['Token [default-token-value]: ', secret],
        ['confirm Token [default-token-value]: ', secret],
      ];
      let seen = 0;
      let cursor = 0;
      child.stdout.on('data', (chunk) => {
        out += chunk;
        // Each answer typed once its question is up, as a user would; questions are found in order.
        while (seen < steps.length) {
          const [question, answer] = steps[seen];
          const at = out.indexOf(question, cursor);
          if (at < 0) break;
          cursor = at + question.length;
          seen++;
          if (question.endsWith(': ')) child.stdin.write(`${answer}\r`);
        }
      });
      child.on('close', (code) => resolve({ code: code ?? 1, out }));
    });
    assert.equal(typed.code, 0, typed.out);
    assert.match(typed.out, /VALUES ENTERED DO NOT MATCH/);
    assert.equal(await answers(), `3.1 ${secret}\n`);
    assert.ok(!typed.out.includes(secret), `the private answer was echoed or shown: ${JSON.stringify(typed.out)}`);
    assert.ok(!typed.out.includes('[WARNING]'), typed.out);
  });
});
