import assert from 'node:assert/strict';
import { aptCommands, planApt, splitSpec, wantsUpdate, type AptArgs, type AptFacts } from '../../lib/modules/apt.js';
import { compareDebianVersions, fnmatch, parsePolicy, type PackageCandidate, type PackageState } from '../../lib/facts/package.js';
import { planRepository, suggestFilename } from '../../lib/modules/apt_repository.js';
import { currentSelection, planSelection } from '../../lib/modules/dpkg_selections.js';

// Host-free: facts in (dpkg's and apt's answers), the plan and apt-get command lines out.
const defaults: AptArgs = {
  state: 'present', cache_valid_time: 0, purge: false, autoremove: false, dpkg_options: 'force-confdef,force-confold',
  only_upgrade: false, allow_downgrade: false, allow_unauthenticated: false, allow_change_held_packages: false, force_apt_get: false, lock_timeout: 60,
};
const installed = (name: string, version: string): PackageState => ({ name, installed: true, status: 'ii ', version });
const absent = (name: string): PackageState => ({ name, installed: false, status: '' });
const configOnly = (name: string): PackageState => ({ name, installed: false, status: 'rc ', version: '1.0' });
const offered = (name: string, candidate: string | undefined, versions: string[]): PackageCandidate => ({ name, known: true, candidate, versions });

function facts(packages: PackageState[], candidates: PackageCandidate[] = [], extra: Partial<AptFacts> = {}): AptFacts {
  return { packages: new Map(packages.map((p) => [p.name, p])), candidates: new Map(candidates.map((c) => [c.name, c])), ...extra };
}

describe('apt: decisions from facts (Ansible 2.14 modules/apt.py)', () => {
  it('installs only what is missing, in one apt-get call, at the candidate version', () => {
    const plan = planApt({ ...defaults, name: ['hello', 'sl', 'curl'] }, facts([absent('hello'), installed('sl', '5.02-1+b1'), absent('curl')], [offered('hello', '2.10-3', ['2.10-3']), offered('curl', '7.88.1-10+deb12u8', ['7.88.1-10+deb12u8'])]));
    assert.deepEqual(plan.install, ['hello=2.10-3', 'curl=7.88.1-10+deb12u8']);
    const commands = aptCommands({ ...defaults, name: ['hello', 'sl', 'curl'], install_recommends: false }, plan);
    assert.equal(commands.length, 1);
    assert.equal(commands[0].line, "DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C apt-get -y -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install -o APT::Install-Recommends=no hello=2.10-3 curl=7.88.1-10+deb12u8");
  });

  it('a no-op present asks no candidate and runs nothing', () => {
    const plan = planApt({ ...defaults, name: ['a', 'b', 'c'] }, facts([installed('a', '1'), installed('b', '2'), installed('c', '3')]));
    assert.deepEqual([plan.install, plan.remove, plan.update], [[], [], false]);
    assert.deepEqual(aptCommands(defaults, plan), []);
  });

  it('name=version takes the best version matching the pattern; an installed match is no change', () => {
    const candidates = [offered('hello', '2.10-3', ['2.10-3', '2.10-2', '2.9-1'])];
    assert.deepEqual(planApt({ ...defaults, name: ['hello=2.10-2'] }, facts([absent('hello')], candidates)).install, ['hello=2.10-2']);
    assert.deepEqual(planApt({ ...defaults, name: ['hello=2.9*'] }, facts([installed('hello', '2.10-3')], candidates)).install, ['hello=2.9-1']);
    assert.deepEqual(planApt({ ...defaults, name: ['hello=2.10-*'] }, facts([installed('hello', '2.10-3')], candidates)).install, []);
    assert.throws(() => planApt({ ...defaults, name: ['hello=3.0'] }, facts([absent('hello')], candidates)), /no available installation candidate for hello=3.0/);
    assert.throws(() => planApt({ ...defaults, name: ['a=1=2'] }, facts([absent('a')])), /invalid package spec: a=1=2/);
  });

  it('latest upgrades to the candidate; present keeps an older installed version', () => {
    const candidates = [offered('hello', '2.10-3', ['2.10-3', '2.10-2'])];
    assert.deepEqual(planApt({ ...defaults, name: ['hello'], state: 'latest' }, facts([installed('hello', '2.10-2')], candidates)).install, ['hello=2.10-3']);
    assert.deepEqual(planApt({ ...defaults, name: ['hello'], state: 'latest' }, facts([installed('hello', '2.10-3')], candidates)).install, []);
    assert.deepEqual(planApt({ ...defaults, name: ['hello'] }, facts([installed('hello', '2.10-2')], candidates)).install, []);
  });

  it('a name apt does not know fails as Ansible says; a virtual one goes to apt-get by name', () => {
    assert.throws(() => planApt({ ...defaults, name: ['nope'] }, facts([absent('nope')], [{ name: 'nope', known: false, versions: [] }])), /No package matching 'nope' is available/);
    assert.deepEqual(planApt({ ...defaults, name: ['mail-transport-agent'] }, facts([absent('mail-transport-agent')], [offered('mail-transport-agent', undefined, [])])).install, ['mail-transport-agent']);
  });

  it('absent removes installed packages; purge also those with config files left', () => {
    const state = facts([installed('a', '1'), configOnly('b'), absent('c')]);
    assert.deepEqual(planApt({ ...defaults, name: ['a', 'b', 'c'], state: 'absent' }, state).remove, ['a']);
    const purge = planApt({ ...defaults, name: ['a', 'b', 'c'], state: 'absent', purge: true }, state);
    assert.deepEqual(purge.remove, ['a', 'b']);
    assert.match(aptCommands({ ...defaults, state: 'absent', purge: true }, purge)[0].line, / apt-get -q -y .* --purge remove a b$/);
  });

  it('update_cache: by the lists\' age against cache_valid_time, as get_cache_mtime', () => {
    assert.equal(wantsUpdate({ update_cache: true, cache_valid_time: 0 }, { updated: 1000, now: 1001 }), true);
    assert.equal(wantsUpdate({ update_cache: true, cache_valid_time: 3600 }, { updated: 1000, now: 4000 }), false);
    assert.equal(wantsUpdate({ update_cache: true, cache_valid_time: 3600 }, { updated: 1000, now: 5000 }), true);
    assert.equal(wantsUpdate({ update_cache: undefined, cache_valid_time: 60 }, { updated: 1000, now: 5000 }), true);
    assert.equal(wantsUpdate({ update_cache: false, cache_valid_time: 0 }, undefined), false);
  });

  it('a .deb whose version is installed is no change; another version is installed with its dependencies', () => {
    const deb = { name: 'sl', version: '5.02-1+b1', architecture: 'amd64' };
    assert.equal(planApt({ ...defaults, deb: '/srv/sl.deb' }, facts([], [], { deb, debInstalled: installed('sl', '5.02-1+b1') })).deb, undefined);
    const plan = planApt({ ...defaults, deb: '/srv/sl.deb' }, facts([], [], { deb, debInstalled: absent('sl') }));
    assert.deepEqual(plan.deb, { path: '/srv/sl.deb', name: 'sl', version: '5.02-1+b1' });
    assert.match(aptCommands(defaults, plan)[0].line, / install \/srv\/sl\.deb$/);
    assert.throws(() => planApt({ ...defaults, deb: '/srv/sl.deb', state: 'absent' }, facts([], [], { deb, debInstalled: absent('sl') })), /deb only supports state=present/);
  });

  it('autoremove alone removes what apt-get -s autoremove lists', () => {
    const plan = planApt({ ...defaults, autoremove: true }, facts([], [], { autoremovable: ['libfoo1'] }));
    assert.deepEqual(plan.autoremove, ['libfoo1']);
    assert.match(aptCommands({ ...defaults, autoremove: true }, plan)[0].line, / autoremove$/);
    assert.deepEqual(planApt({ ...defaults, autoremove: true }, facts([], [], { autoremovable: [] })).autoremove, []);
  });

  it('splits specs as package_split', () => {
    assert.deepEqual(splitSpec('hello'), { spec: 'hello', name: 'hello' });
    assert.deepEqual(splitSpec('hello=2.10-*'), { spec: 'hello=2.10-*', name: 'hello', compare: '=', version: '2.10-*' });
    assert.deepEqual(splitSpec('hello>=2.9'), { spec: 'hello>=2.9', name: 'hello', compare: '>=', version: '2.9' });
  });
});

describe('package facts: parsers and dpkg\'s rules', () => {
  it('reads apt-cache policy', () => {
    const text = `hello:
  Installed: 2.10-2
  Candidate: 2.10-3
  Version table:
     2.10-3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 2.10-2 100
        100 /var/lib/dpkg/status
mail-transport-agent:
  Installed: (none)
  Candidate: (none)
  Version table:
`;
    const parsed = parsePolicy(text);
    assert.deepEqual(parsed.get('hello'), { name: 'hello', known: true, candidate: '2.10-3', versions: ['2.10-3', '2.10-2'] });
    assert.deepEqual(parsed.get('mail-transport-agent'), { name: 'mail-transport-agent', known: true, candidate: undefined, versions: [] });
  });

  it('orders versions as dpkg (epochs, ~, revisions)', () => {
    const cases: Array<[string, string, number]> = [
      ['1.0', '1.0', 0], ['1.0-1', '1.0-2', -1], ['1:0.1', '2.0', 1], ['1.0~rc1', '1.0', -1], ['2.10-3', '2.9-1', 1],
      ['7.88.1-10+deb12u8', '7.88.1-10+deb12u12', -1], ['1.0a', '1.0', 1], ['1.0+b1', '1.0', 1], ['0001', '1', 0],
    ];
    for (const [a, b, expected] of cases) assert.equal(compareDebianVersions(a, b), expected, `${a} vs ${b}`);
  });

  it('matches versions as Python fnmatch', () => {
    assert.equal(fnmatch('2.10-3', '2.10-*'), true);
    assert.equal(fnmatch('2.10-3', '2.1?-3'), true);
    assert.equal(fnmatch('2.10-3', '2.1'), false);
    assert.equal(fnmatch('1.0+b1', '1.0+b[0-9]'), true);
    assert.equal(fnmatch('1.0+b1', '1.0+b[!0-9]'), false);
  });
});

describe('apt_repository: sources files as Ansible 2.14 rewrites them', () => {
  const line = 'deb [signed-by=/etc/apt/keyrings/x.asc] http://repo.example.test/debian bookworm main';

  it('names the file after the repository (or filename) and appends the line', () => {
    assert.equal(suggestFilename(line), 'repo_example_test_debian.list');
    assert.equal(suggestFilename('deb http://user:pw@repo.example.test/x stable main'), 'repo_example_test_x.list');
    assert.equal(suggestFilename(line, 'mine'), 'mine.list');
    const plan = planRepository({ repo: line, state: 'present' }, new Map([['/etc/apt/sources.list', ['deb http://deb.debian.org/debian bookworm main']]]));
    assert.equal(plan.changed, true);
    assert.deepEqual(plan.write.find((w) => w.isNew), { path: '/etc/apt/sources.list.d/repo_example_test_debian.list', content: `${line}\n`, isNew: true });
  });

  it('a line already there (whitespace aside) is no change; a disabled one is enabled in place', () => {
    const files = new Map([['/etc/apt/sources.list.d/x.list', [line.replace(/ /g, '  ')]]]);
    assert.equal(planRepository({ repo: line, state: 'present' }, files).changed, false);
    const disabled = planRepository({ repo: line, state: 'present' }, new Map([['/etc/apt/sources.list.d/x.list', ['# comment', `#${line} # old`]]]));
    assert.deepEqual(disabled.write, [{ path: '/etc/apt/sources.list.d/x.list', content: `# comment\n${line} # old\n`, isNew: false }]);
  });

  it('absent drops the line; a file left empty is removed', () => {
    const plan = planRepository({ repo: line, state: 'absent' }, new Map([['/etc/apt/sources.list.d/x.list', [line]], ['/etc/apt/sources.list', ['deb http://a/ b c', line]]]));
    assert.deepEqual(plan.remove, ['/etc/apt/sources.list.d/x.list']);
    assert.deepEqual(plan.write, [{ path: '/etc/apt/sources.list', content: 'deb http://a/ b c\n', isNew: false }]);
    assert.throws(() => planRepository({ repo: 'http://x stable', state: 'present' }, new Map()), /Invalid repository string/);
  });
});

describe('dpkg_selections: decisions from the package fact (Ansible 2.14 modules/dpkg_selections.py)', () => {
  const installed: PackageState = { name: 'hello', installed: true, status: 'ii ', version: '2.10-3' };
  it('reads the wanted state from db:Status-Abbrev as dpkg --get-selections names it', () => {
    assert.equal(currentSelection(installed), 'install');
    assert.equal(currentSelection({ ...installed, status: 'hi ' }), 'hold');
    assert.equal(currentSelection({ ...installed, status: 'rc ' }), 'deinstall');
    assert.equal(currentSelection({ ...installed, status: 'pn ' }), 'purge');
    assert.equal(currentSelection({ name: 'x', installed: false, status: '' }), 'not present');
    assert.equal(currentSelection({ name: 'x', installed: false, status: 'un ' }), 'not present');
  });
  it('changes only a different selection, and predicts the new one for later tasks', () => {
    const hold = planSelection({ name: 'hello', selection: 'hold' }, installed);
    assert.equal(hold.changed, true);
    assert.deepEqual(hold.result, { before: 'install', after: 'hold' });
    assert.equal((hold.facts?.[0].value as PackageState).status, 'hi ');
    assert.equal(planSelection({ name: 'hello', selection: 'install' }, installed).changed, false);
    const unknown = planSelection({ name: 'nosuch', selection: 'purge' }, { name: 'nosuch', installed: false, status: '' });
    assert.equal(unknown.changed, true);
    assert.equal(unknown.facts, undefined);
  });
});
