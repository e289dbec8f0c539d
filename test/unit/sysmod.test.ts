import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountKind, groupFact, userFact, type AccountState, type GroupState, type SectionOutput } from '../../lib/facts/index.js';
import { cronJob, planCron, userCrontabLines, type CronArgs } from '../../lib/modules/cron.js';
import { controllerMode, fetchDestination, writeAtomically } from '../../lib/modules/fetch.js';
import { planGroup, type GroupArgs } from '../../lib/modules/group.js';
import { chooseStrategy } from '../../lib/modules/hostname.js';
import { service, serviceToSystemd } from '../../lib/modules/service.js';
import { planSysctl, sysctlValue, type SysctlArgs } from '../../lib/modules/sysctl.js';
import { passwordDigest, planUser, useraddDefaults, type UserArgs, type UserFacts } from '../../lib/modules/user.js';
import { argRuleError } from '../../lib/modules/arg-rules.js';

const output = (stdout: string, code = 0, stderr = ''): SectionOutput => ({ tool: 'getent', code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });

describe('account fact kind (passwd, groups, home, shadow digest)', () => {
  const passwd = 'alice:x:2311:2311:Alice:/home/alice:/bin/bash\n';
  const groups = 'root:x:0:\nalice:x:2311:\nops:x:2400:bob,alice\nsys:x:999:alice\n';
  const hash = '$6$salt$abc';
  const shadow = `\x1ealice\nentry 1 ${passwordDigest(hash)}\n`;

  it('reads the entry, the groups listing the user, the primary group, the home, and the password as a digest', () => {
    const [state] = accountKind.parse([output(passwd), output(groups), output('alice\n'), output(shadow)], ['alice']);
    assert.deepEqual(state, {
      name: 'alice', exists: true, uid: 2311, gid: 2311, comment: 'Alice', home: '/home/alice', shell: '/bin/bash', groups: ['ops', 'sys'], primaryGroup: 'alice', homeExists: true,
      password: { locked: true, sha256: passwordDigest(`!${hash}`) },
    });
  });

  it('an unknown user is absent (getent exit 2), never an error', () => {
    const [state] = accountKind.parse([output('', 2), output(groups), output(''), output('\x1enobody-here\nabsent\n')], ['nobody-here']);
    assert.equal(state.exists, false);
  });

  it('a shadow entry the probing user cannot read leaves the password unknown (the module then refuses to decide)', () => {
    const [state] = accountKind.parse([output(passwd), output(groups), output(''), output('\x1ealice\nabsent\n')], ['alice']);
    assert.equal(state.password, undefined);
    assert.equal(state.homeExists, false);
  });

  it('garbage from getent is an error', () => {
    assert.throws(() => accountKind.parse([output('alice:x:notanumber\n'), output(groups), output(''), output(shadow)], ['alice']), /does not parse/);
    assert.throws(() => accountKind.parse([output(passwd), output(groups), output(''), output('\x1ealice\nentry 1 zz\n')], ['alice']), /does not parse/);
    assert.throws(() => accountKind.parse([output(passwd), output(groups), output(''), output('', 1, 'getent: boom')], ['alice']), /shadow/);
  });

  it('the shadow section digests on the host: the probe never prints the hash', () => {
    const sections = accountKind.sections(['alice']);
    assert.equal(sections.length, 4);
    assert.match(sections[3].script, /printf %s "\$p" \| sha256sum/);
  });
});

describe('group (facts in, command out)', () => {
  const args = (over: Partial<GroupArgs> = {}): GroupArgs => ({ name: 'ops', state: 'present', system: false, local: false, non_unique: false, ...over });
  const absent: GroupState = { name: 'ops', exists: false };
  const present: GroupState = { name: 'ops', exists: true, gid: 2400, members: [] };

  it('creates with -g, -o and -r as Ansible orders them', () => {
    assert.deepEqual(planGroup(args({ gid: 2400, non_unique: true, system: true }), absent).data!.argv, ['groupadd', '-g', '2400', '-o', '-r', 'ops']);
  });
  it('changes a differing gid, leaves an existing group without gid alone', () => {
    assert.deepEqual(planGroup(args({ gid: 2500 }), present).data!.argv, ['groupmod', '-g', '2500', 'ops']);
    assert.equal(planGroup(args(), present).changed, false);
    assert.equal(planGroup(args({ system: true }), present).changed, false);
  });
  it('removes, and an absent group stays ok', () => {
    assert.deepEqual(planGroup(args({ state: 'absent' }), present).data!.argv, ['groupdel', 'ops']);
    assert.equal(planGroup(args({ state: 'absent' }), absent).changed, false);
  });
  it('predicts the group for later tasks (a file owned by it, a user in it)', () => {
    const plan = planGroup(args({ gid: 2400 }), absent);
    assert.deepEqual(plan.facts, [{ request: groupFact('ops'), value: { name: 'ops', exists: true, gid: 2400, members: [] } }]);
  });
  it('non_unique needs gid (Ansible required_if)', () => {
    const rules = { requiredIf: [['non_unique', true, ['gid']]] } as never;
    assert.match(argRuleError(rules, { non_unique: true }) ?? '', /non_unique is true but all of the following are missing: gid/);
  });
});

describe('user (facts in, commands out)', () => {
  const args = (over: Partial<UserArgs> = {}): UserArgs => ({
    name: 'alice', state: 'present', non_unique: false, append: false, update_password: 'always', create_home: true, move_home: false, system: false, remove: false, force: false, local: false, ...over,
  });
  const none: AccountState = { name: 'alice', exists: false, groups: [], homeExists: false };
  const alice: AccountState = { name: 'alice', exists: true, uid: 2311, gid: 2400, comment: '', home: '/home/alice', shell: '/bin/sh', groups: ['sys'], primaryGroup: 'ops', homeExists: true, password: { locked: false, sha256: passwordDigest('$6$a$b') } };
  const groups = new Map<string, GroupState>([
    ['ops', { name: 'ops', exists: true, gid: 2400 }],
    ['sys', { name: 'sys', exists: true, gid: 999 }],
    ['web', { name: 'web', exists: true, gid: 2500 }],
    ['alice', { name: 'alice', exists: false }],
  ]);
  const facts = (account: AccountState, over: Partial<UserFacts> = {}): UserFacts => ({ account, groups, ...over });

  it('creates with useradd, the hash on stdin only', () => {
    const plan = planUser(args({ uid: 2311, group: 'ops', groups: ['sys'], shell: '/bin/bash', comment: 'Alice', password: '$6$a$b' }), facts(none));
    assert.deepEqual(plan.data!.commands, [`useradd -u 2311 -g ops -G sys -c Alice -s /bin/bash -m -p "$(cat)" -- alice`]);
    assert.equal(plan.data!.stdin, '$6$a$b');
    assert.ok(!JSON.stringify({ message: plan.message, result: plan.result }).includes('$6$a$b'), 'the hash is shown');
    assert.equal(plan.result!.password, 'NOT_LOGGING_PASSWORD');
  });

  it('uses -N when a group of the user\'s name exists, -M without a home, -r for system', () => {
    const withGroup = new Map(groups).set('alice', { name: 'alice', exists: true, gid: 3000 });
    assert.deepEqual(planUser(args({ create_home: false, system: true }), { account: none, groups: withGroup }).data!.commands, ['useradd -N -M -r -- alice']);
  });

  it('fails as Ansible when a named group does not exist', () => {
    assert.throws(() => planUser(args({ group: 'nosuch' }), facts(none, { groups: new Map([['nosuch', { name: 'nosuch', exists: false }]]) })), /Group nosuch does not exist/);
  });

  it('predicts the account, its own group and its home for the tasks after it (a dry-run then sees them)', () => {
    const plan = planUser(args(), facts(none));
    assert.deepEqual(plan.facts!.find((f) => f.request.kind === userFact('x').kind)!.value, { name: 'alice', exists: true, uid: undefined, gid: undefined, comment: '', home: '/home/alice', shell: undefined });
    assert.deepEqual(plan.facts!.find((f) => f.request.kind === groupFact('x').kind)!.value, { name: 'alice', exists: true, gid: undefined, members: [] });
    assert.deepEqual(plan.predicted, [{ path: '/home/alice', exists: true, type: 'directory', mode: '0755', owner: 'alice', group: 'alice' }]);
  });

  it('a new account is predicted with useradd\'s defaults: its shell, a locked empty password', () => {
    const defaults = useraddDefaults({ readable: true, content: Buffer.from('# comment\nSHELL=/bin/sh\n') });
    assert.deepEqual(defaults, { shell: '/bin/sh', home: '/home' });
    const plan = planUser(args(), facts(none, { defaults }));
    const shadowed = plan.facts!.find((f) => f.request.kind === accountKind)!.value as AccountState;
    assert.deepEqual(shadowed.password, { locked: true, sha256: passwordDigest('') });
    assert.equal(shadowed.shell, '/bin/sh');
    // So a later task asking what useradd already did is predicted ok, as the real run finds it.
    assert.equal(planUser(args({ shell: '/bin/sh', password_lock: true }), facts(shadowed)).changed, false);
  });

  it('an account as asked changes nothing (the same hash, groups, group by gid)', () => {
    const plan = planUser(args({ uid: 2311, group: 'ops', groups: ['sys'], shell: '/bin/sh', password: '$6$a$b' }), facts(alice));
    assert.equal(plan.changed, false, plan.message);
  });

  it('modifies only what differs, with usermod', () => {
    const plan = planUser(args({ uid: 2312, shell: '/bin/bash', groups: ['web'], append: true, password: '$6$new$x', password_lock: true }), facts(alice));
    assert.deepEqual(plan.data!.commands, [`usermod -u 2312 -a -G web -s /bin/bash -p "$(cat)" -- alice`]);
    // -p replaces -L: the lock goes into the hash, as Ansible does.
    assert.equal(plan.data!.stdin, '!$6$new$x');
  });

  it('groups without append replace the list; an empty list empties it', () => {
    assert.deepEqual(planUser(args({ groups: ['web'] }), facts(alice)).data!.commands, ['usermod -G web -- alice']);
    assert.deepEqual(planUser(args({ groups: [] }), facts(alice)).data!.commands, [`usermod -G '' -- alice`]);
    assert.equal(planUser(args({ groups: [], append: true }), facts(alice)).changed, false);
    assert.equal(planUser(args({ groups: ['sys'], append: true }), facts(alice)).changed, false);
  });

  it('update_password on_create leaves an existing hash; password_lock locks and unlocks', () => {
    assert.equal(planUser(args({ password: '$6$other$y', update_password: 'on_create' }), facts(alice)).changed, false);
    assert.deepEqual(planUser(args({ password_lock: true }), facts(alice)).data!.commands, ['usermod -L -- alice']);
    const locked = { ...alice, password: { locked: true, sha256: alice.password!.sha256 } };
    assert.deepEqual(planUser(args({ password_lock: false }), facts(locked)).data!.commands, ['usermod -U -- alice']);
  });

  it('a missing home is made from the skeleton, owned by the user', () => {
    const plan = planUser(args(), facts({ ...alice, homeExists: false }));
    assert.equal(plan.data!.commands.length, 1);
    assert.match(plan.data!.commands[0], /cp -a -- \/etc\/skel \/home\/alice;.*chmod 0755 .*chown -R -- alice: \/home\/alice/);
  });

  it('removes with userdel -f -r; an absent user stays ok', () => {
    assert.deepEqual(planUser(args({ state: 'absent', force: true, remove: true }), facts(alice)).data!.commands, ['userdel -f -r alice']);
    assert.equal(planUser(args({ state: 'absent' }), facts(none)).changed, false);
  });
});

describe('service: the systemd code, as Ansible on a systemd host', () => {
  it('hands name, state and enabled to systemd, no daemon-reload', () => {
    assert.deepEqual(serviceToSystemd({ name: 'web', state: 'started', enabled: true, use: 'auto', sleep: 3, pattern: 'x' }), { name: 'web', state: 'started', enabled: true, daemon_reload: false });
  });
  it('needs state or enabled, and only knows systemd', () => {
    assert.match(argRuleError(service, { name: 'web' }) ?? '', /one of the following is required: state, enabled/);
    assert.deepEqual(service.args.use.choices, ['auto', 'systemd']);
  });
});

describe('sysctl (file text and kernel value in, decision out)', () => {
  const args = (over: Partial<SysctlArgs> = {}): SysctlArgs => ({ name: 'vm.swappiness', value: '10', state: 'present', reload: false, sysctl_set: false, ignoreerrors: false, sysctl_file: '/etc/sysctl.conf', ...over });
  const proc = (value?: string) => ({ key: 'vm.swappiness', exists: value !== undefined, value });

  it('reads values as the module does', () => {
    assert.deepEqual(['yes', 'True', 'off', ' 5 ', true, false, 7].map(sysctlValue), ['1', '1', '0', '5', '1', '0', '7']);
  });
  it('rewrites the file as the module: stripped lines, first of duplicate keys, key=value', () => {
    const text = '# c\nvm.swappiness = 60\n ; x\n\nvm.swappiness=70\n  net.core.somaxconn =  1024\n';
    const decision = planSysctl(args(), text, proc('60'));
    assert.equal(decision.fileText, '# c\nvm.swappiness=10\n; x\n\nnet.core.somaxconn=1024\n');
    assert.deepEqual([decision.changed, decision.setProc, decision.reload], [true, false, false]);
  });
  it('appends a new key; a value already in the file changes nothing without reload or sysctl_set', () => {
    assert.equal(planSysctl(args({ name: 'a.b', value: '1' }), 'x.y=2\n', proc('0')).fileText, 'x.y=2\na.b=1\n');
    assert.equal(planSysctl(args(), 'vm.swappiness=10\n', proc('60')).changed, false);
  });
  it('with reload, a kernel value that differs is a change (and reloads); with sysctl_set it is set', () => {
    assert.deepEqual(planSysctl(args({ reload: true }), 'vm.swappiness=10\n', proc('60')), { changed: true, fileText: undefined, setProc: false, reload: true });
    assert.deepEqual(planSysctl(args({ sysctl_set: true }), 'vm.swappiness=10\n', proc('60')), { changed: true, fileText: undefined, setProc: true, reload: false });
    assert.equal(planSysctl(args({ sysctl_set: true, reload: true }), 'vm.swappiness=10\n', proc('10')).changed, false);
    // Vector values compare word by word.
    assert.equal(planSysctl(args({ name: 'r', value: '1  2', sysctl_set: true }), 'r=1  2\n', { key: 'r', exists: true, value: '1\t2' }).changed, false);
  });
  it('absent removes the key from the file', () => {
    assert.equal(planSysctl(args({ state: 'absent', value: undefined }), 'vm.swappiness=1\nx=2\n', proc('1')).fileText, 'x=2\n');
    assert.equal(planSysctl(args({ state: 'absent', value: undefined }), 'x=2\n', proc('1')).changed, false);
  });
});

describe('hostname strategy (as Ansible 2.14 picks it)', () => {
  const debian = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
  it('Debian without systemd: the file strategy; with systemd: hostnamectl', () => {
    assert.equal(chooseStrategy(undefined, false, debian), 'file');
    assert.equal(chooseStrategy(undefined, true, debian), 'systemd');
    assert.equal(chooseStrategy('debian', false, debian), 'systemd');
  });
  it('refuses what runbook does not do, saying so', () => {
    assert.throws(() => chooseStrategy('alpine', false, debian), /use: alpine .*not supported/);
    assert.throws(() => chooseStrategy(undefined, false, 'ID="rhel"\n'), /rhel.*not supported/);
  });
});

describe('cron (crontab text in, crontab text out)', () => {
  const args = (over: Partial<CronArgs> = {}): CronArgs => ({ name: 'backup', state: 'present', minute: '*', hour: '*', day: '*', month: '*', weekday: '*', disabled: false, env: false, backup: false, job: '/bin/backup', ...over });

  it('writes a job line as the module, with the user in a cron_file', () => {
    assert.equal(cronJob(args({ minute: '30', hour: '2', user: 'root' }), true), '30 2 * * * root /bin/backup');
    assert.equal(cronJob(args({ special_time: 'daily', disabled: true }), false), '#@daily /bin/backup');
  });
  it('adds, updates in place, and leaves an identical job', () => {
    const added = planCron(args(), '', [], false);
    assert.equal(added.text, '#Ansible: backup\n* * * * * /bin/backup\n');
    const text = 'MAILTO=x\n#Ansible: backup\n* * * * * /bin/backup\n#Ansible: other\n1 * * * * /bin/other\n';
    const lines = text.trimEnd().split('\n');
    assert.equal(planCron(args(), text, lines, false).changed, false);
    assert.equal(planCron(args({ hour: '3' }), text, lines, false).text, 'MAILTO=x\n#Ansible: backup\n* 3 * * * /bin/backup\n#Ansible: other\n1 * * * * /bin/other\n');
    assert.deepEqual(planCron(args({ hour: '3' }), text, lines, false).jobs, ['backup', 'other']);
  });
  it('adopts an unnamed identical job by adding the comment', () => {
    assert.equal(planCron(args(), '* * * * * /bin/backup\n', ['* * * * * /bin/backup'], false).text, '#Ansible: backup\n* * * * * /bin/backup\n');
  });
  it('removes a job; the last job of a cron_file removes the file', () => {
    const text = '#Ansible: backup\n* * * * * root /bin/backup\n';
    const decision = planCron(args({ state: 'absent', cron_file: '/etc/cron.d/b' }), text, text.trimEnd().split('\n'), true);
    assert.equal(decision.removeFile, true);
  });
  it('variables: inserted first or after another, updated, removed', () => {
    const env = (over: Partial<CronArgs>) => args({ env: true, name: 'MAILTO', job: 'ops', ...over });
    assert.equal(planCron(env({}), 'SHELL=/bin/sh\n', ['SHELL=/bin/sh'], false).text, 'MAILTO="ops"\nSHELL=/bin/sh\n');
    assert.equal(planCron(env({ insertafter: 'SHELL' }), 'SHELL=/bin/sh\nA=1\n', ['SHELL=/bin/sh', 'A=1'], false).text, 'SHELL=/bin/sh\nMAILTO="ops"\nA=1\n');
    assert.equal(planCron(env({ state: 'absent' }), 'MAILTO="ops"\n', ['MAILTO="ops"'], false).text, '');
    assert.throws(() => planCron(env({ insertafter: 'NOPE' }), '', [], false), /Variable named 'NOPE' not found/);
  });
  it('a crontab without a final newline is rewritten', () => {
    assert.equal(planCron(args(), '#Ansible: backup\n* * * * * /bin/backup', ['#Ansible: backup', '* * * * * /bin/backup'], false).changed, true);
  });
  it('drops the header crontab -l adds', () => {
    const listed = '# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/crontabAbc installed on Tue Dec  1 10:00:00 2026)\n# (Cron version -- $Id$)\n#Ansible: a\n* * * * * x\n';
    assert.deepEqual(userCrontabLines(listed), { lines: ['#Ansible: a', '* * * * * x'], existing: '#Ansible: a\n* * * * * x\n' });
  });
});

describe('fetch (where, and how it lands on the controller)', () => {
  it('lays files out as Ansible: dest/<inventory_hostname>/<src>, flat, flat into a folder', () => {
    assert.equal(fetchDestination({ src: '/etc/app.conf', dest: 'out', flat: false }, 'web1', '/play'), '/play/out/web1/etc/app.conf');
    assert.equal(fetchDestination({ src: '/etc/app.conf', dest: '/backup/', flat: true }, 'web1', '/play'), '/backup/app.conf');
    assert.equal(fetchDestination({ src: '/etc/app.conf', dest: '/backup/x.conf', flat: true }, 'web1', '/play'), '/backup/x.conf');
  });
  it('refuses a flat dest that is an existing folder without a trailing slash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fetch-'));
    assert.throws(() => fetchDestination({ src: '/a', dest: dir, flat: true }, 'h', '/'), /dest is an existing directory/);
  });
  it('a secret lands 0600 whatever the umask; others keep the source mode plus u+w', () => {
    assert.equal(controllerMode('0640', true), 0o600);
    assert.equal(controllerMode('0444', false), 0o644 & ~process.umask());
    const dir = mkdtempSync(join(tmpdir(), 'fetch-'));
    const path = join(dir, 'deep', 'key');
    mkdirSync(join(dir, 'deep'));
    writeAtomically(path, Buffer.from('secret'), 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'secret');
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });
});
