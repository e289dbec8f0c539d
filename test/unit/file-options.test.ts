import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requestKey, treeFact } from '../../lib/facts/index.js';
import { treeKind, type TreeState } from '../../lib/facts/tree.js';
import { copy } from '../../lib/modules/copy.js';
import type { CommandAnswer } from '../../lib/facts/command.js';
import { git as gitModule, parseCheckout, resolveVersion } from '../../lib/modules/git.js';
import { includeVars, loadVarsDir } from '../../lib/modules/include_vars.js';
import { file } from '../../lib/modules/file.js';
import { lineinfile } from '../../lib/modules/lineinfile.js';
import { template } from '../../lib/modules/template.js';
import type { FilePlan } from '../../lib/modules/file-state.js';
import type { ApplyContext, ModuleContext, ModuleDefinition, PathState } from '../../lib/modules/types.js';
import { WRITE_END, atomicWriteStep, combinedScript } from '../../lib/transport/scripts.js';
import type { RemoteStep } from '../../lib/transport/types.js';
import { backupsNamedAlike } from '../compat/harness.js';
import { withDefaults } from './module-args.js';
import { hostFreeContext } from './module-context.js';

const dir = (path: string, mode = '0755', owner = 'root'): PathState => ({ path, exists: true, type: 'directory', mode, owner, group: owner });
const regular = (path: string, sha256: string, mode = '0644'): PathState => ({ path, exists: true, type: 'file', mode, owner: 'root', group: 'root', size: 3, sha256 });

/** Facts in (paths, other kinds by request key), nothing else: these modules must not ask more. */
function context(paths: PathState[], other: Record<string, unknown> = {}): ModuleContext {
  return hostFreeContext({ paths, other });
}


/** apply() with a transport that only records what it would queue. */
async function queued(module: ModuleDefinition, args: Record<string, unknown>, ctx: ModuleContext): Promise<string[]> {
  const full = withDefaults(module, args);
  const check = await module.check(full, ctx);
  const scripts: string[] = [];
  const transport = {
    queue: (step: RemoteStep) => scripts.push(step.script),
    writeFile: (path: string, content: Buffer, options: object) => scripts.push(`write ${path} ${content.length} ${JSON.stringify(options)}`),
  };
  await module.apply(full, check, { ...ctx, transport, transportOf: () => transport } as unknown as ApplyContext);
  return scripts;
}

describe('file options, host-free (facts in, commands out)', () => {
  it('file state=directory makes each missing parent with the mode and owner, as Ansible 2.14 ensure_directory', async () => {
    const ctx = context([dir('/srv')]);
    const args = { path: '/srv/a/b/c', state: 'directory', mode: '0750', owner: 'nobody', group: 'nogroup' };
    const check = await file.check(withDefaults(file, args), ctx);
    assert.equal(check.changed, true);
    assert.deepEqual(check.predicted!.map((p) => [p.path, p.mode, p.owner]), [['/srv/a', '0750', 'nobody'], ['/srv/a/b', '0750', 'nobody'], ['/srv/a/b/c', '0750', 'nobody']]);
    assert.match(check.message!, /with parents \/srv\/a, \/srv\/a\/b/);
    const scripts = await queued(file, args, ctx);
    assert.equal(scripts.length, 3);
    assert.equal(scripts[0], "[ -d /srv/a ] || { mkdir -- /srv/a && chown -h nobody:nogroup -- /srv/a && chmod 0750 -- /srv/a; }");
    // Without a mode, made under the umask as Ansible's os.mkdir: no chmod.
    const plain = await queued(file, { path: '/srv/a', state: 'directory' }, ctx);
    assert.deepEqual(plain, ['[ -d /srv/a ] || { mkdir -- /srv/a; }']);
  });

  it('file recurse: changed only when something below differs; chown -R (links not followed), chmod -R', async () => {
    const tree = (entries: TreeState['entries']): Record<string, unknown> => ({ [requestKey(treeFact('/srv/t'))]: { root: '/srv/t', exists: true, entries } });
    const args = { path: '/srv/t', state: 'directory', recurse: true, owner: 'nobody', mode: '0750' };
    const same = [{ path: '/srv/t/a', type: 'file' as const, mode: '0750', owner: 'nobody', group: 'root' }, { path: '/srv/t/l', type: 'link' as const, mode: '0777', owner: 'nobody', group: 'root' }];
    const top = dir('/srv/t', '0750', 'nobody');
    const unchanged = await file.check(withDefaults(file, args), context([top], tree(same)));
    assert.equal(unchanged.changed, false, 'a link keeps its 0777: not a difference');
    const differs = [...same, { path: '/srv/t/b', type: 'file' as const, mode: '0644', owner: 'nobody', group: 'root' }];
    const check = await file.check(withDefaults(file, args), context([top], tree(differs)));
    assert.equal(check.changed, true);
    assert.match(check.message!, /1 path below: owner nobody, mode 0750/);
    assert.deepEqual(await queued(file, args, context([top], tree(differs))), ['chown -h -R nobody -- /srv/t && chmod -R 0750 -- /srv/t']);
    assert.equal(file.validate!(withDefaults(file, { path: '/x', state: 'file', recurse: true })), "recurse option requires state to be 'directory'");
  });

  it('the tree fact parses find output and refuses what does not parse', () => {
    const out = (stdout: string, code = 0, stderr = '') => [{ tool: 'find', code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) }];
    const [tree] = treeKind.parse(out('f\x00644\x00root\x00root\x00/t/a\x00d\x002755\x00nobody\x00nogroup\x00/t/d\x00'), ['/t']);
    assert.deepEqual(tree.entries.map((e) => [e.path, e.type, e.mode]), [['/t/a', 'file', '0644'], ['/t/d', 'directory', '2755']]);
    assert.deepEqual(treeKind.parse(out('', 1, "find: '/t': No such file or directory\n"), ['/t'])[0], { root: '/t', exists: false, entries: [] });
    assert.throws(() => treeKind.parse(out('', 1, "find: '/t': Permission denied\n"), ['/t']), /find: \/t: find: '\/t': Permission denied/);
    assert.throws(() => treeKind.parse(out('f\x00644\x00root\x00'), ['/t']), /does not parse/);
    assert.equal(treeKind.forgetOnPathChanged!('/t', '/t/x/y'), true);
    assert.equal(treeKind.forgetOnPathChanged!('/t', '/tx'), false);
  });

  it('copy force=false leaves an existing file alone, metadata too; template the same', async () => {
    const existing = regular('/srv/f', 'a'.repeat(64), '0600');
    const ctx = context([dir('/srv'), existing]);
    const check = await copy.check(withDefaults(copy, { dest: '/srv/f', content: 'new', mode: '0644', force: false }), ctx);
    assert.equal(check.changed, false);
    assert.equal((await template.check(withDefaults(template, { src: 'missing.j2', dest: '/srv/f', force: false }), ctx)).changed, false, 'not even rendered');
    const missing = await copy.check(withDefaults(copy, { dest: '/srv/g', content: 'new', force: false }), ctx);
    assert.equal(missing.changed, true);
  });

  it('copy remote_src compares checksums on the host and copies there, checked against the planned checksum', async () => {
    const sum = 'b'.repeat(64);
    const ctx = context([dir('/srv'), regular('/srv/src', sum)]);
    const args = { src: '/srv/src', dest: '/srv/dst', remote_src: true, mode: '0600' };
    assert.deepEqual(copy.prefetch!(withDefaults(copy, args), { host: 'h' }).map((r) => r.param).includes('/srv/src'), true);
    const scripts = await queued(copy, args, ctx);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], /cat -- \/srv\/src > "\$t"/);
    assert.match(scripts[0], new RegExp(`= ${sum} \\]`));
    assert.match(scripts[0], /chmod 0600 "\$t" && mv -f -- "\$t" \/srv\/dst/);
    const same = await copy.check(withDefaults(copy, args), context([dir('/srv'), regular('/srv/src', sum), regular('/srv/dst', sum, '0600')]));
    assert.equal(same.changed, false);
    await assert.rejects(copy.check(withDefaults(copy, { ...args, src: '/srv/nope' }), ctx), /Source \/srv\/nope not found/);
    await assert.rejects(copy.check(withDefaults(copy, { ...args, src: '/srv' }), ctx), /is a directory/);
    assert.equal(copy.validate!(withDefaults(copy, { dest: '/x', content: 'a', remote_src: true })), 'remote_src needs src, a file on the host');
  });

  it('validate must contain %s (unless still a template); lineinfile create makes the missing parent', async () => {
    assert.equal(copy.validate!(withDefaults(copy, { dest: '/x', content: 'a', validate: 'visudo -c' })), 'validate must contain %s: visudo -c');
    assert.equal(copy.validate!(withDefaults(copy, { dest: '/x', content: 'a', validate: '{{ v }}' })), undefined);
    const ctx = context([dir('/srv')]);
    const args = { path: '/srv/new/app.conf', line: 'x=1', create: true, backup: true, validate: 'true %s' };
    const check = await lineinfile.check(withDefaults(lineinfile, args), ctx);
    assert.deepEqual(check.predicted!.map((p) => [p.path, p.type]), [['/srv/new', 'directory'], ['/srv/new/app.conf', 'file']]);
    const scripts = await queued(lineinfile, args, ctx);
    assert.equal(scripts[0], 'mkdir -p -- /srv/new');
    assert.match(scripts[1], /^write \/srv\/new\/app.conf 4 .*"validate":"true %s","backup":true/);
    const plan = check.data as FilePlan;
    assert.equal(plan.makeParent, '/srv/new');
  });
});

describe('atomic write with validate and backup, run by sh here', () => {
  const run = (target: string, content: string, options: object) => {
    const script = combinedScript([{ script: atomicWriteStep(target, Buffer.byteLength(content), { become: false, ...options }), privilege: { become: false } }], 0);
    try {
      execFileSync('sh', ['-c', script], { input: Buffer.concat([Buffer.from(content), WRITE_END]), stdio: ['pipe', 'pipe', 'pipe'] });
      return '';
    } catch (error) {
      return String((error as { stderr: Buffer }).stderr);
    }
  };

  it('a failing validate leaves the file untouched and no temp file; a passing one replaces it', () => {
    const work = mkdtempSync(join(tmpdir(), 'filemod-'));
    const target = join(work, 'app.conf');
    writeFileSync(target, 'ok=1\n');
    const error = run(target, 'broken\n', { validate: 'grep -q ok= %s' });
    assert.match(error, /failed to validate .*app\.conf \(rc 1\)/);
    assert.equal(readFileSync(target, 'utf8'), 'ok=1\n');
    assert.deepEqual(readdirSync(work), ['app.conf']);
    assert.equal(run(target, 'ok=2\n', { validate: "sh -c 'grep -q ok=2 \"$0\"' %s" }), '');
    assert.equal(readFileSync(target, 'utf8'), 'ok=2\n');
  });

  it("backup keeps the old bytes and mode under Ansible's name pattern, one per write", () => {
    const work = mkdtempSync(join(tmpdir(), 'filemod-'));
    const target = join(work, 'app.conf');
    writeFileSync(target, 'one\n', { mode: 0o640 });
    assert.equal(run(target, 'two\n', { backup: true, mode: '0640' }), '');
    assert.equal(run(target, 'three\n', { backup: true, mode: '0640' }), '');
    const backups = readdirSync(work).filter((n) => n !== 'app.conf').sort();
    assert.equal(backups.length, 2);
    for (const name of backups) assert.match(name, /^app\.conf\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/);
    assert.deepEqual(backups.map((n) => readFileSync(join(work, n), 'utf8')).sort(), ['one\n', 'two\n']);
    assert.equal(statSync(join(work, backups[0])).mode & 0o777, 0o640);
    assert.equal(readFileSync(target, 'utf8'), 'three\n');
  });

  it('the compat harness matches backups by pattern: pid and time ignored, bytes and mode compared', () => {
    const entry = (sha256: string, mode = '0644') => ({ type: 'f', mode, owner: 'root', group: 'root', target: '', sha256 });
    const a = backupsNamedAlike(new Map([['/x/app.conf', entry('1')], ['/x/app.conf.123.2026-01-01@10:00:00~', entry('b')], ['/x/app.conf.99.2026-01-01@10:00:01~', entry('a')]]));
    const b = backupsNamedAlike(new Map([['/x/app.conf', entry('1')], ['/x/app.conf.5.2026-12-01@17:00:00~', entry('a')], ['/x/app.conf.7.2026-12-01@17:00:00~', entry('b')]]));
    assert.deepEqual([...a.keys()].sort(), ['/x/app.conf', '/x/app.conf.<backup 1>~', '/x/app.conf.<backup 2>~']);
    assert.deepEqual(a, b);
  });
});

describe('git, host-free (checkout and ls-remote answers in, plan out)', () => {
  const answer = (stdout: string, code = 0, stderr = ''): CommandAnswer => ({ code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });
  const a = '1'.repeat(40);
  const b = '2'.repeat(40);
  const t = '3'.repeat(40);
  const lsRemote = answer(`${a}\tHEAD\n${a}\trefs/heads/main\n${b}\trefs/heads/feature\n${'4'.repeat(40)}\trefs/tags/v1\n${t}\trefs/tags/v1^{}\n`);
  const args = (extra: Record<string, unknown> = {}) => withDefaults(gitModule, { repo: '/srv/origin.git', dest: '/srv/app', ...extra });
  const facts = (checkout: CommandAnswer, remote = lsRemote, extra: Record<string, unknown> = {}) => {
    const full = args(extra);
    const [checkoutRequest, remoteRequest] = gitModule.prefetch!(full, { host: 'h' });
    return { ctx: context([], { [requestKey(checkoutRequest)]: checkout, ...(remoteRequest ? { [requestKey(remoteRequest)]: remote } : {}) }), full };
  };

  it('versions resolve as Ansible: HEAD, branch, annotated tag to its commit, a full commit id as given', () => {
    assert.deepEqual(resolveVersion(lsRemote, { repo: 'r', version: 'HEAD' }), { target: a, kind: 'head' });
    assert.deepEqual(resolveVersion(lsRemote, { repo: 'r', version: 'feature' }), { target: b, kind: 'branch' });
    assert.deepEqual(resolveVersion(lsRemote, { repo: 'r', version: 'v1' }), { target: t, kind: 'tag' });
    assert.deepEqual(resolveVersion(lsRemote, { repo: 'r', version: '9'.repeat(40) }), { target: '9'.repeat(40), kind: 'commit' });
    assert.throws(() => resolveVersion(lsRemote, { repo: 'r', version: 'nope' }), /Failed to find version 'nope'/);
    assert.throws(() => resolveVersion(answer('', 128, 'fatal: not a repo'), { repo: 'r', version: 'HEAD' }), /ls-remote r failed: fatal: not a repo/);
    assert.throws(() => parseCheckout(answer('', 127), '/d'), /git: not found on the host/);
    assert.throws(() => parseCheckout(answer('repo\ngarbage\n'), '/d'), /does not read as a repository/);
  });

  it('absent dest: clone; at the version: nothing; elsewhere: update; local modifications fail unless force', async () => {
    let { ctx, full } = facts(answer('absent\n'));
    const clone = await gitModule.check(full, ctx);
    assert.equal(clone.changed, true);
    assert.deepEqual(clone.result, { before: null, after: a, remote_url_changed: false });
    ({ ctx, full } = facts(answer(`repo\n${a}\n/srv/origin.git\n`)));
    assert.equal((await gitModule.check(full, ctx)).changed, false);
    ({ ctx, full } = facts(answer(`repo\n${a}\n/srv/origin.git\n`), lsRemote, { version: 'feature' }));
    const update = await gitModule.check(full, ctx);
    assert.equal(update.changed, true);
    assert.equal(update.message, '1111111 → 2222222');
    ({ ctx, full } = facts(answer(`repo\n${a}\n/srv/origin.git\n M README\n`)));
    const refused = await gitModule.check(full, ctx);
    assert.equal(refused.failed, true);
    assert.equal(refused.message, 'Local modifications exist in the destination: /srv/app (force=no).');
    ({ ctx, full } = facts(answer(`repo\n${a}\n/srv/origin.git\n M README\n`), lsRemote, { force: true }));
    assert.equal((await gitModule.check(full, ctx)).message, 'local modifications discarded');
    ({ ctx, full } = facts(answer('not-a-repo\n')));
    await assert.rejects(gitModule.check(full, ctx), /already exists and is not a git repository/);
    ({ ctx, full } = facts(answer(`repo\n${b}\n/srv/origin.git\n`), lsRemote, { update: false }));
    assert.equal((await gitModule.check(full, ctx)).changed, false);
  });
});

describe('include_vars dir, host-free', () => {
  const root = mkdtempSync(join(tmpdir(), 'filemod-vars-'));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('settings/a.yml', 'x: a\nshared: a\n');
  put('settings/b.yaml', 'shared: b\n');
  put('settings/notes.txt', 'n: 1\n');
  put('settings/sub/c.json', '{"shared": "c", "z": 1}');
  const load = (extra: Record<string, unknown>) => loadVarsDir({ dir: 'settings', depth: 0, extensions: ['json', 'yaml', 'yml'], ignore_unknown_extensions: false, ...extra }, root);

  it('walks sorted, later files win, unknown extensions fail or are skipped; filters and depth as Ansible', () => {
    assert.throws(() => load({}), /notes\.txt does not have a valid extension: json, yaml, yml/);
    assert.deepEqual(load({ ignore_unknown_extensions: true }).vars, { x: 'a', shared: 'c', z: 1 });
    assert.deepEqual(load({ ignore_unknown_extensions: true, depth: 1 }).vars, { x: 'a', shared: 'b' });
    assert.deepEqual(load({ ignore_unknown_extensions: true, files_matching: '^[ab]' }).vars, { x: 'a', shared: 'b' });
    assert.deepEqual(load({ ignore_unknown_extensions: true, ignore_files: ['b.yaml', 'c\\.json'] }).vars, { x: 'a', shared: 'a' });
    assert.equal(load({ ignore_unknown_extensions: true }).files.length, 3);
    assert.throws(() => load({ dir: 'nope' }), /nope directory does not exist/);
    assert.equal(includeVars.validate!(withDefaults(includeVars, { file: 'a.yml', depth: 2 })), 'You are mixing file only and dir only arguments, these are incompatible');
    assert.equal(includeVars.validate!(withDefaults(includeVars, { dir: 'settings' })), undefined);
  });
});
