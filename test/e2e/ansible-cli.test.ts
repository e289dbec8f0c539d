import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { repoRoot, runbook } from './cli.js';

/** Ansible users' habits on real sshd hosts: ansible-playbook's flags, ansible.cfg, ad-hoc, -K, -v. */
describe('Ansible command lines, unchanged except the program name', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let dir: string;
  /** Hosts with address and port only: the user and key must come from -u/--private-key or ansible.cfg. */
  let bareInventory: string;
  let inventory: string;
  let playbook: string;

  before(async () => {
    sandbox = await Sandbox.start({ count: 2, prefix: 'acli', becomeHosts: ['acli02'] });
    dir = mkdtempSync(join(tmpdir(), 'runbook-acli-'));
    inventory = join(dir, 'inventory.yaml');
    sandbox.writeInventory(inventory, { groups: { web: ['acli01', 'acli02'] } });
    bareInventory = join(dir, 'bare.yaml');
    writeFileSync(bareInventory, dump({ all: { hosts: { acli01: { ansible_host: sandbox.host('acli01').address, ansible_port: sandbox.host('acli01').port } } } }));
    playbook = join(dir, 'site.yml');
    writeFileSync(
      playbook,
      dump([
        {
          name: 'Web',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { name: 'Who am I', command: 'id -un', changed_when: false, tags: ['who'] },
            { name: 'Greeting', copy: { dest: '/srv/greeting', content: 'hello\n', mode: '0644' }, tags: ['files'] },
            { name: 'Fails but ignored', command: 'ls /nonexistent', ignore_errors: true },
            { name: 'Secret output', shell: 'echo s3cr3t-out', no_log: true, changed_when: false },
          ],
        },
      ]),
    );
  });
  after(async () => sandbox?.stop());

  const known = () => ['--known-hosts', sandbox.knownHostsFile];

  it('-i -C -D: a dry-run with diffs that changes nothing', async () => {
    const run = await runbook(['apply', '-i', inventory, '-C', '-D', playbook, ...known()]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /would change: \[acli01\] Greeting/);
    assert.match(run.stdout, /\+hello/);
    assert.equal((await sandbox.fileInfo('acli01', '/srv/greeting')).exists, false);
  });

  it('-i -u --private-key -f -T: the user and key come from the flags; -v shows command output and the recap has Ansible columns', async () => {
    const without = await runbook(['apply', '-i', bareInventory, playbook, ...known(), '-o', 'json'], { env: { SSH_AUTH_SOCK: '', HOME: dir } });
    assert.equal(without.code, 3, 'reached the host without the key flag');
    const run = await runbook(['apply', '-i', bareInventory, '-u', 'root', '--private-key', sandbox.keyFile, '-f', '5', '-T', '10', '-v', playbook, ...known()], { env: { HOME: dir } });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /ok: \[acli01\] Who am I\n\s+rc=0\n\s+stdout:\n\s+root\n/);
    assert.match(run.stdout, /failed, ignored: \[acli01\] Fails but ignored/);
    assert.ok(!run.stdout.includes('s3cr3t-out'), 'no_log output shown with -v');
    assert.match(run.stdout, /^host\s+ok\s+changed\s+unreachable\s+failed\s+skipped\s+rescued\s+ignored$/m);
    // ok counts the changed task and the ignored failure; a failed command's result says changed, so it counts changed too, as ansible-playbook does.
    assert.match(run.stdout, /^acli01\s+4\s+2\s+0\s+0\s+0\s+0\s+1$/m);
    assert.equal((await sandbox.fileInfo('acli01', '/srv/greeting')).content?.toString(), 'hello\n');
  });

  it('JSON task results carry stdout, stderr and rc, never under no_log', async () => {
    await sandbox.run('acli01', 'rm -f /srv/greeting');
    const run = await runbook(['apply', '-i', inventory, '--limit', 'acli01', playbook, ...known(), '-o', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const result = (task: string, host = 'acli01') => run.events.find((e) => e.type === 'task_result' && e.task === task && e.host === host)!;
    assert.deepEqual([result('Who am I').stdout, result('Who am I').rc], ['root', 0]);
    assert.equal(result('Fails but ignored').rc, 2);
    assert.match(result('Fails but ignored').stderr, /No such file or directory/);
    assert.equal(result('Fails but ignored').ignored, true);
    assert.equal(result('Secret output').stdout, undefined);
    assert.ok(!run.stdout.includes('s3cr3t-out'));
    assert.deepEqual(run.recap!.acli01, { ok: 4, changed: 2, unreachable: false, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
  });

  it('--syntax-check, --list-tags, --start-at-task, --flush-cache', async () => {
    const syntax = await runbook(['apply', '-i', inventory, '--syntax-check', playbook]);
    assert.equal(syntax.code, 0, syntax.stderr);
    assert.match(syntax.stdout, /playbook: .*site\.yml/);
    const tags = await runbook(['apply', '-i', inventory, '--list-tags', playbook]);
    assert.match(tags.stdout, /TASK TAGS: \[files, who\]/);
    const started = await runbook(['apply', '-i', inventory, '--start-at-task', 'Fails*', '--flush-cache', playbook, ...known(), '-o', 'json']);
    assert.equal(started.code, 0, started.stderr);
    assert.deepEqual([...new Set(started.events.filter((e) => e.type === 'task_result').map((e) => e.task))], ['Fails but ignored', 'Secret output']);
    const missing = await runbook(['apply', '-i', inventory, '--start-at-task', 'No such task', playbook]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--start-at-task: no task named 'No such task'/);
  });

  it('-vvv names how each host is reached; -vvvv adds the connection\'s own detail, never a command line or secret', async () => {
    const vvv = await runbook(['apply', '-i', inventory, '--limit', 'acli01', playbook, ...known(), '-vvv']);
    assert.equal(vvv.code, 0, vvv.stderr + vvv.stdout);
    assert.match(vvv.stderr, /<acli01> ESTABLISH SSH CONNECTION FOR USER: root to 127\./);
    assert.doesNotMatch(vvv.stderr, /SSH: negotiated/);
    const vvvv = await runbook(['apply', '-i', inventory, '--limit', 'acli01', playbook, ...known(), '-vvvv']);
    assert.equal(vvvv.code, 0, vvvv.stderr + vvvv.stdout);
    assert.match(vvvv.stderr, /<acli01> ESTABLISH SSH CONNECTION/);
    assert.match(vvvv.stderr, /^<acli01> SSH: negotiated kex \S+, host key ssh-ed25519, cipher \S+/m);
    assert.match(vvvv.stderr, /^<acli01> SSH: host key ssh-ed25519 SHA256:\S+ matches known_hosts$/m);
    assert.match(vvvv.stderr, /^<acli01> SSH: authenticated as root \(publickey; offered: key file/m);
    assert.match(vvvv.stderr, /^<acli01> SSH: EXEC #\d+ as root, fact probe; \d+ bytes of input$/m);
    assert.match(vvvv.stderr, /^<acli01> SSH: EXEC #1 exit 0 after \d+ ms; \d+ bytes of stdout, 0 of stderr$/m);
    // Command lines and no_log output stay out, at every level.
    for (const secret of ['s3cr3t-out', 'echo s3cr3t', 'id -un', 'hello']) assert.ok(!vvvv.stderr.includes(secret), `-vvvv shows '${secret}'`);
  });

  it('--tags with a tag no task has warns and lists the known tags', async () => {
    const run = await runbook(['apply', '-i', inventory, '--tags', 'nosuch', playbook, ...known(), '-o', 'json']);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /tag 'nosuch' is not on any task of these playbooks; known tags: files, who/);
  });

  it('ansible.cfg in the working directory: inventory, remote_user, private_key_file, forks, timeout, host_key_checking; -v names it', async () => {
    const project = join(dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'ansible.cfg'),
      ['[defaults]', 'inventory = ../bare.yaml', 'remote_user = root', `private_key_file = ${sandbox.keyFile}`, 'forks = 3', 'timeout = 7', 'host_key_checking = False', 'stdout_callback = yaml', 'unknown_key = whatever  ; ignored', ''].join('\n'),
    );
    // An empty known_hosts: only host_key_checking = False lets the host in (and records its key).
    const knownHosts = join(project, 'known_hosts');
    writeFileSync(knownHosts, '');
    const run = await runbook(['apply', playbook, '--known-hosts', knownHosts, '-v', '--tags', 'who'], { cwd: project, env: { HOME: dir, SSH_AUTH_SOCK: '' } });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`Using ${join(project, 'ansible.cfg')} as config file`));
    assert.match(run.stderr, /stdout_callback = yaml is ignored/);
    assert.match(run.stdout, /ok: \[acli01\] Who am I/);

    // ANSIBLE_CONFIG names another file; an ANSIBLE_* variable beats the file; a bad value names its source.
    const elsewhere = join(dir, 'elsewhere.cfg');
    writeFileSync(elsewhere, '[defaults]\nforks = zero\n');
    const bad = await runbook(['apply', playbook, '--known-hosts', knownHosts], { cwd: project, env: { ANSIBLE_CONFIG: elsewhere } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /elsewhere\.cfg:2: forks: 'zero' is not a whole number/);
    const badEnv = await runbook(['apply', playbook, '--known-hosts', knownHosts], { cwd: project, env: { ANSIBLE_FORKS: 'abc' } });
    assert.equal(badEnv.code, 1);
    assert.match(badEnv.stderr, /ANSIBLE_FORKS: 'abc' is not a whole number/);
    const fromEnv = await runbook(['apply', playbook, '--known-hosts', knownHosts, '--tags', 'who', '-o', 'json'], { cwd: project, env: { HOME: dir, SSH_AUTH_SOCK: '', ANSIBLE_REMOTE_USER: 'nobody-here' } });
    assert.equal(fromEnv.code, 3, 'ANSIBLE_REMOTE_USER did not beat remote_user');
  });

  it('ansible.cfg private_role_vars: a role\'s vars stay with its own tasks, as ansible-playbook shows them', async () => {
    const project = join(dir, 'private-roles');
    mkdirSync(join(project, 'roles', 'web', 'vars'), { recursive: true });
    mkdirSync(join(project, 'roles', 'web', 'tasks'), { recursive: true });
    writeFileSync(join(project, 'roles', 'web', 'vars', 'main.yml'), 'web_port: 8080\n');
    writeFileSync(join(project, 'roles', 'web', 'tasks', 'main.yml'), dump([{ name: 'In the role', debug: { msg: 'role sees {{ web_port }}' } }]));
    writeFileSync(
      join(project, 'site.yml'),
      dump([{ hosts: 'localhost', gather_facts: false, roles: ['web'], tasks: [{ name: 'After the role', debug: { msg: "play sees {{ web_port | default('nothing') }}" } }] }]),
    );
    // An inventory without hosts: the play runs on Ansible's implicit localhost.
    writeFileSync(join(project, 'hosts.yml'), 'all:\n  hosts: {}\n');
    // ansible-playbook prints `"msg": "role sees 8080"`, runbook `In the role (role sees 8080)`.
    const seen = (stdout: string) => [...stdout.matchAll(/((?:role|play) sees \w+)/g)].map((m) => m[1]);
    for (const [cfg, expected] of [
      ['', ['role sees 8080', 'play sees 8080']],
      ['[defaults]\nprivate_role_vars = True\n', ['role sees 8080', 'play sees nothing']],
    ] as const) {
      writeFileSync(join(project, 'ansible.cfg'), cfg);
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.ANSIBLE_CONFIG;
      delete env.ANSIBLE_PRIVATE_ROLE_VARS;
      const oracle = await new Promise<string>((resolve, reject) => {
        const child = spawn('ansible-playbook', ['-i', 'hosts.yml', 'site.yml'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ansible-playbook exit ${code}: ${out}`))));
      });
      assert.deepEqual(seen(oracle), expected, oracle);
      const run = await runbook(['apply', '-i', 'hosts.yml', 'site.yml', '-v'], { cwd: project, env: { ANSIBLE_CONFIG: '', ANSIBLE_PRIVATE_ROLE_VARS: '' } });
      assert.equal(run.code, 0, run.stderr + run.stdout);
      assert.deepEqual(seen(run.stdout), expected, run.stdout);
    }
  });

  it('ad-hoc: runbook run PATTERN -i INVENTORY -m MODULE -a ARGS, with -b, --check and --diff', async () => {
    const uname = await runbook(['run', 'all', '-i', inventory, '-a', 'uname -s', ...known()]);
    assert.equal(uname.code, 0, uname.stderr);
    assert.match(uname.stdout, /^acli01 \| CHANGED \| rc=0 >>\nLinux$/m);
    assert.match(uname.stdout, /^acli02 \| CHANGED \| rc=0 >>\nLinux$/m);
    const whoami = await runbook(['run', 'acli02', '-i', inventory, '-m', 'shell', '-a', 'id -un', '-b', ...known()]);
    assert.match(whoami.stdout, /^acli02 \| CHANGED \| rc=0 >>\nroot$/m);
    const dry = await runbook(['run', 'web', '-i', inventory, '-m', 'copy', '-a', 'dest=/srv/adhoc content=hi', '--check', '--diff', ...known()]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /acli01 \| WOULD CHANGE => create file/);
    assert.match(dry.stdout, /\+hi/);
    assert.equal((await sandbox.fileInfo('acli01', '/srv/adhoc')).exists, false);
    const real = await runbook(['run', 'acli01', '-i', inventory, '-m', 'copy', '-a', 'dest=/srv/adhoc content=hi mode=0600', '--forks', '1', ...known()]);
    assert.equal(real.code, 0, real.stderr);
    const made = await sandbox.fileInfo('acli01', '/srv/adhoc');
    assert.deepEqual([made.content?.toString(), made.mode], ['hi', '0600']);
    const failing = await runbook(['run', 'all', '-i', inventory, '-a', 'false', ...known(), '-o', 'json']);
    assert.equal(failing.code, 2);
    assert.equal(failing.events.filter((e) => e.type === 'task_result' && e.rc === 1).length, 2);
    const badModule = await runbook(['run', 'all', '-i', inventory, '-m', 'nosuch']);
    assert.equal(badModule.code, 1);
    assert.match(badModule.stderr, /-m nosuch: no such module/);
  });

  it('live view on a terminal: running task, a failed host turns ✖ at once, what changed per host after the play, NO_COLOR', async () => {
    const live = join(dir, 'live.yml');
    writeFileSync(
      live,
      dump([
        {
          name: 'Live',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { name: 'Live greeting', copy: { dest: '/tmp/live-greeting', content: 'hello {{ inventory_hostname }}\n' }, notify: 'Reload' },
            { name: 'Fails on acli02', command: "{{ 'false' if inventory_hostname == 'acli02' else 'true' }}", changed_when: false },
            { name: 'Slow step', command: 'sleep 2', changed_when: false },
            { name: 'Fails but ignored', command: 'ls /nonexistent', ignore_errors: true },
          ],
          handlers: [{ name: 'Reload', command: 'true' }],
        },
      ]),
    );
    const inTerminal = (extra: string, env: Record<string, string> = {}) => {
      const command = `stty cols 120 rows 40; node ${join(repoRoot, 'bin', 'runbook.js')} apply -i ${inventory} ${live} --known-hosts ${sandbox.knownHostsFile} ${extra}`;
      return new Promise<{ code: number; raw: string; frames: string[] }>((resolve) => {
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: { ...process.env, ...env } });
        let raw = '';
        child.stdout.on('data', (chunk) => (raw += chunk));
        child.on('close', (code) => {
          // Every line the terminal showed, in order, escape codes removed.
          const frames = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split(/[\r\n]+/).filter((l) => l.trim() !== '');
          resolve({ code: code ?? 1, raw, frames });
        });
      });
    };
    const dry = await inTerminal('-C');
    assert.equal(dry.code, 2, dry.frames.join('\n'));
    assert.ok(dry.frames.includes('would change: [acli01] Live greeting (create file (mode 0644, root:root))'), dry.frames.join('\n'));

    const run = await inTerminal('');
    assert.equal(run.code, 2);
    const { frames } = run;
    const first = (pattern: RegExp) => frames.findIndex((l) => pattern.test(l));
    assert.ok(first(/acli0\d\s+\d\/4 tasks\s+\[3\/4\] Slow step/) >= 0, 'the running task is not shown with its position');
    const failedMark = first(/✖ acli02\s+2\/4 tasks\s+failed: Fails on acli02/);
    const acli01Done = first(/✔ acli01\s+4\/4 tasks\s+done: 2 changed, 1 failed, ignored/);
    assert.ok(failedMark >= 0 && acli01Done > failedMark, `acli02 not marked failed while acli01 still ran:\n${frames.join('\n')}`);
    // After the play: each host's changed, failed and ignored tasks, handlers included.
    const summary = frames.slice(frames.lastIndexOf(frames.find((l) => /✔ acli01/.test(l))!) + 1);
    for (const line of [
      'changed: [acli01] Live greeting (create file (mode 0644, root:root))',
      'failed, ignored: [acli01] Fails but ignored (exit 2: ls: cannot access \'/nonexistent\': No such file or directory)',
      'changed: [acli01] handler: Reload',
      'failed: [acli02] Fails on acli02 (exit 1: )',
    ]) {
      assert.ok(summary.includes(line), `missing after the play: ${line}\n${summary.join('\n')}`);
    }
    assert.ok(summary.some((l) => /^host\s+ok\s+changed\s+unreachable\s+failed\s+skipped\s+rescued\s+ignored$/.test(l)));
    assert.match(run.raw, /\u001b\[3\dm/, 'no colour on a terminal');
    const plain = await inTerminal('', { NO_COLOR: '1' });
    assert.doesNotMatch(plain.raw, /\u001b\[3\dm/, 'colour despite NO_COLOR');
    const noColor = await inTerminal('--no-color');
    assert.doesNotMatch(noColor.raw, /\u001b\[3\dm/, 'colour despite --no-color');
  });

  it('-K / --become-password-file: sudo that asks for a password gets it over stdin, never in a command line or output', async () => {
    const password = 'pw-Zq81-secret';
    await sandbox.run('acli02', `echo 'deploy:${password}' | chpasswd && echo 'deploy ALL=(ALL) ALL' > /etc/sudoers.d/deploy`);
    // Every way runbook runs something under sudo: the fact probe, a command (with a task
    // timeout: killed on the host at its deadline), a queued write, a streamed copy (> 1 MiB).
    const big = join(dir, 'big.bin');
    writeFileSync(big, randomBytes(3 * 1024 * 1024));
    const sudoPlaybook = join(dir, 'sudo-paths.yml');
    writeFileSync(
      sudoPlaybook,
      dump([
        {
          name: 'Under sudo',
          hosts: 'all',
          gather_facts: false,
          tasks: [
            { name: 'Who am I', command: 'id -un', changed_when: false, timeout: 30 },
            { name: 'Greeting', copy: { dest: '/srv/greeting', content: 'hello\n', mode: '0644' } },
            { name: 'Big file', copy: { src: big, dest: '/srv/big.bin', mode: '0600' } },
          ],
        },
      ]),
    );
    const args = ['apply', '-i', inventory, '--limit', 'acli02', '-b', sudoPlaybook, ...known(), '-o', 'json'];
    const refused = await runbook(args);
    assert.equal(refused.code, 2, 'sudo ran without its password');
    const passwordFile = join(dir, 'become-pass');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    await sandbox.run('acli02', 'rm -f /srv/greeting /srv/big.bin');
    const run = await runbook([...args, '--become-password-file', passwordFile, '-vvvv']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /<acli02> SSH: EXEC #\d+ through sudo as root \(password on stdin\), fact probe; /);
    assert.equal(run.events.find((e) => e.type === 'task_result' && e.task === 'Who am I')?.stdout, 'root');
    const made = await sandbox.fileInfo('acli02', '/srv/greeting');
    assert.deepEqual([made.content?.toString(), made.owner], ['hello\n', 'root']);
    const copied = await sandbox.run('acli02', 'stat -c "%U %a" /srv/big.bin && sha256sum < /srv/big.bin');
    assert.equal(copied.stdout, `root 600\n${createHash('sha256').update(readFileSync(big)).digest('hex')}  -\n`);
    assert.deepEqual(run.recap!.acli02, { ok: 3, changed: 2, unreachable: false, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.ok(!run.stdout.includes(password) && !run.stderr.includes(password));
    const log = await sandbox.run('acli02', `cat ${sandbox.host('acli02').logFile} 2>/dev/null; ps -eo args`);
    assert.ok(!log.stdout.includes(password), 'password in a command line on the host');
    await sandbox.run('acli02', 'rm -f /srv/greeting');

    // -K on a terminal: typed at the prompt (script gives runbook a pseudo-terminal).
    const command = ['node', join(repoRoot, 'bin', 'runbook.js'), ...args, '-K'].map((a) => `'${a}'`).join(' ');
    const typed = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let typedIn = false;
      child.stdout.on('data', (chunk) => {
        out += chunk;
        // Typed once the prompt is up (the terminal's echo is off by then), as a user would.
        if (!typedIn && out.includes('BECOME password:')) {
          typedIn = true;
          child.stdin.write(`${password}\r`);
        }
      });
      child.on('close', (code) => resolve({ code: code ?? 1, out }));
    });
    assert.equal(typed.code, 0, typed.out);
    assert.match(typed.out, /BECOME password:/);
    assert.ok(!typed.out.includes(password), `the password was echoed: ${JSON.stringify(typed.out)}`);
    assert.equal((await sandbox.fileInfo('acli02', '/srv/greeting')).owner, 'root');
  });
});

describe('flags: bad values exit 1 naming the flag, before any host is touched', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--forks', 'abc'], /--forks must be a whole number of at least 1 \(got 'abc'\)/],
    [['--forks', '0'], /--forks must be a whole number/],
    [['-f', '2.5'], /--forks must be a whole number/],
    [['--connect-timeout', 'abc'], /--connect-timeout must be a positive number of seconds \(got 'abc'\)/],
    [['--connect-timeout', '0'], /--connect-timeout must be a positive number/],
    [['--connect-timeout', '-5'], /--connect-timeout must be a positive number/],
    [['-T', 'soon'], /--connect-timeout must be a positive number/],
    [['--known-hosts', '/tmp'], /--known-hosts \/tmp is a directory; name a file/],
    [['--step'], /--step \(from ansible\) is not supported by runbook/],
    [['--ask-pass'], /--ask-pass \(from ansible\) is not supported by runbook: runbook logs in with keys only/],
    [['-M', '/x'], /-M \(from ansible\) is not supported/],
    [['--ssh-extra-args', '-o X=1'], /--ssh-extra-args \(from ansible\) is not supported/],
    [['-c', 'local'], /--connection local is not supported by runbook/],
    [['--become-method', 'su'], /--become-method su is not supported/],
    [['--private-key', '/nonexistent/key'], /--private-key \/nonexistent\/key: no such file/],
    [['--bogus'], /unknown flag --bogus/],
  ];
  for (const [flags, message] of cases) {
    it(`${flags.join(' ')}`, async () => {
      const inventory = join(mkdtempSync(join(tmpdir(), 'runbook-flags-')), 'inventory.yaml');
      writeFileSync(inventory, 'all:\n  hosts:\n    h1:\n      ansible_host: 127.0.0.1\n');
      const run = await runbook(['apply', '-i', inventory, join(repoRoot, 'test', 'fixtures', 'site', 'site.yaml'), ...flags]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, message);
    });
  }
});

describe('runbook doc: generated from every registered module', () => {
  it('lists every module, and shows each one\'s arguments and an example that loads as a playbook', async function () {
    // One runbook process per module (some 50): minutes on a loaded 2-vCPU machine.
    this.timeout(600_000);
    const { builtinModules } = await import('../../lib/modules/index.js');
    const { defaultRegistry } = await import('../../lib/modules/index.js');
    const { parsePlaybookText } = await import('../../lib/playbook/load.js');
    // Examples name a template like a project would: give them one where the loader looks.
    const project = mkdtempSync(join(tmpdir(), 'runbook-doc-'));
    mkdirSync(join(project, 'templates'));
    writeFileSync(join(project, 'templates', 'app.conf.j2'), 'name = {{ inventory_hostname }}\n');
    mkdirSync(join(project, 'vars'));
    writeFileSync(join(project, 'vars', 'site.yaml'), 'release: "1.3"\n');
    const list = await runbook(['doc']);
    assert.equal(list.code, 0, list.stderr);
    for (const module of builtinModules) {
      assert.match(list.stdout, new RegExp(`^${module.name} +\\S`, 'm'), `${module.name} not listed`);
      const doc = await runbook(['doc', module.name]);
      assert.equal(doc.code, 0, doc.stderr);
      for (const [arg, spec] of Object.entries(module.args)) {
        if (arg.startsWith('_')) continue;
        assert.match(doc.stdout, new RegExp(`^  ${arg}${spec.required ? ' \\(required\\)' : ''}\\n      type: ${spec.type}`, 'm'), `${module.name}: ${arg}`);
        if (spec.choices) assert.ok(doc.stdout.includes(`choices: ${spec.choices.join(', ')}`), `${module.name}: choices of ${arg}`);
        if (spec.default !== undefined) assert.ok(doc.stdout.includes(`default: ${JSON.stringify(spec.default)}`), `${module.name}: default of ${arg}`);
      }
      assert.ok(module.example, `${module.name} has no example`);
      assert.ok(doc.stdout.includes('EXAMPLE'), `${module.name}: no example shown`);
      const plays = parsePlaybookText(`- hosts: all\n  tasks:\n${module.example!.replace(/^/gm, '    ')}`, join(project, `${module.name}-example.yaml`), defaultRegistry());
      assert.equal(plays[0].tasks[0].module, module.name);
    }
    const unknown = await runbook(['doc', 'coppy']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /did you mean 'copy'/);
  });
});
