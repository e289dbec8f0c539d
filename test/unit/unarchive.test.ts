import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathFact, requestKey } from '../../lib/facts/index.js';
import { archiveFact, archiveKind, mergeListings, parseTarListing, type ArchiveMember, type ArchiveState, type DiskEntry } from '../../lib/facts/archive.js';
import { planUnarchive, unarchive } from '../../lib/modules/unarchive.js';
import type { ApplyContext, ModuleContext } from '../../lib/modules/types.js';
import type { RemoteStep } from '../../lib/transport/types.js';
import { withDefaults } from './module-args.js';
import { hostFreeContext } from './module-context.js';

const T = 1709287200; // 2024-03-01 10:00:00 UTC
const member = (name: string, type: ArchiveMember['type'], mode: number, extra: Partial<ArchiveMember> = {}): ArchiveMember => ({ name, type, mode, uname: 'root', gname: 'root', uid: 0, gid: 0, size: type === 'file' ? 4 : 0, mtime: { seconds: T }, ...extra });
const onDisk = (type: DiskEntry['type'], mode: number, extra: Partial<DiskEntry> = {}): DiskEntry => ({ type, mode, owner: 'root', group: 'root', uid: 0, gid: 0, size: type === 'file' ? 4 : 0, mtime: { seconds: T, nanos: 0 }, ...extra });
const ids = { users: new Map([['root', 0], ['nobody', 65534]]), groups: new Map([['root', 0], ['nogroup', 65534]]) };
const archive = [member('app/', 'directory', 0o755), member('app/run', 'file', 0o755), member('app/link', 'link', 0o777, { linkTarget: 'run' })];
const unpacked = () => new Map<string, DiskEntry>([['app', onDisk('directory', 0o755)], ['app/run', onDisk('file', 0o755)], ['app/link', onDisk('link', 0o777, { linkTarget: 'run' })]]);
const root = { root: true, user: 'root' };

describe('unarchive, host-free (facts in, decision and commands out)', () => {
  it('parses GNU tar verbose listings (C quoting, links, transformed directory names, pax fractions) and merges names with numbers', () => {
    const names = [
      'drwxr-xr-x root/root         0 2024-03-01 10:00:00 "app/"',
      '-rwsr-x--T bob/staff         4 2024-03-01 10:00:00.5 "app/a \\"b\\"\\n c"',
      'lrwxrwxrwx root/root         0 2024-03-01 10:00:00 "app/l" -> "a \\303\\251"',
      'hrw-r--r-- root/root         0 2024-03-01 10:00:00 "app/h" link to "app/r"',
      'drwxr-x--- root/root         0 2024-03-01 10:00:00 "sub"/',
    ].join('\n');
    const numbers = names.replace('root/root', '0/0').replace(/root\/root/g, '0/0').replace('bob/staff', '1000/50');
    const members = mergeListings(names, numbers);
    assert.deepEqual(
      members.map((m) => [m.name, m.type, m.mode.toString(8), m.uname, m.uid, m.gid, m.mtime, m.linkTarget]),
      [
        ['app/', 'directory', '755', 'root', 0, 0, { seconds: T }, undefined],
        ['app/a "b"\n c', 'file', '5750', 'bob', 1000, 50, { seconds: T, nanos: 500000000 }, undefined],
        ['app/l', 'link', '777', 'root', 0, 0, { seconds: T }, 'a é'],
        ['app/h', 'hardlink', '644', 'root', 0, 0, { seconds: T }, 'app/r'],
        ['sub/', 'directory', '750', 'root', 0, 0, { seconds: T }, undefined],
      ],
    );
    assert.throws(() => parseTarListing('app/run\n'), /listing does not parse — GNU tar is required/);
  });

  it("lists the controller's archive as the host would (this machine's GNU tar)", () => {
    const tar = execFileSync('tar', ['--list', '--verbose', '--full-time', '--utc', '--quoting-style=c', '-zf', 'test/compat/fixtures/unarchive/files/app.tar.gz']).toString();
    assert.deepEqual(parseTarListing(tar).map((m) => m.name), ['app-1.0/', 'app-1.0/README', 'app-1.0/bin/', 'app-1.0/bin/run', 'app-1.0/conf/', 'app-1.0/conf/app.conf', 'app-1.0/current']);
  });

  it("counts only what Ansible counts of tar --diff: missing, mode, owner as root, a file's mtime", () => {
    const plan = (disk: Map<string, DiskEntry>, args: Record<string, unknown> = {}, as = root) => planUnarchive({ members: archive, disk, ...ids }, args, as);
    assert.equal(plan(unpacked()).extract, false);
    const missingLink = unpacked();
    missingLink.delete('app/link');
    assert.equal(plan(missingLink).extract, false, 'a missing symlink is a readlink warning, not counted');
    const missing = unpacked();
    missing.delete('app/run');
    assert.deepEqual(plan(missing).reasons, ['app/run is missing']);
    const touched = unpacked();
    touched.set('app/run', onDisk('file', 0o755, { mtime: { seconds: T + 1, nanos: 0 }, size: 9 }));
    assert.deepEqual(plan(touched).reasons, ['app/run: modification time differs']);
    const sameTimeOtherSize = unpacked();
    sameTimeOtherSize.set('app/run', onDisk('file', 0o755, { size: 9 }));
    assert.equal(plan(sameTimeOtherSize).extract, false, 'Size differs alone is not counted');
    const owned = unpacked();
    owned.set('app/run', onDisk('file', 0o755, { owner: 'nobody', uid: 65534 }));
    assert.deepEqual(plan(owned).reasons, ['app/run: owner nobody, archive root']);
    assert.equal(plan(owned, {}, { root: false, user: 'deploy' }).extract, false, 'not root: Uid differs is not counted');
    const chmodded = unpacked();
    chmodded.set('app', onDisk('directory', 0o700));
    assert.deepEqual(plan(chmodded).reasons, ['app: mode 0700, archive 0755']);
    const typeDiffers = unpacked();
    typeDiffers.set('app/run', onDisk('directory', 0o755));
    assert.equal(plan(typeDiffers).extract, false, 'File type differs is not counted');
  });

  it('uses the name a host knows before the number, as tar does', () => {
    const numeric = [member('d/', 'directory', 0o755), member('d/f', 'file', 0o644, { uname: 'ghost', gname: 'ghost', uid: 1234, gid: 1234 })];
    const disk = new Map([['d', onDisk('directory', 0o755)], ['d/f', onDisk('file', 0o644, { owner: '1234', group: '1234', uid: 1234, gid: 1234 })]]);
    assert.equal(planUnarchive({ members: numeric, disk, ...ids }, {}, root).extract, false);
    const known = [member('d/', 'directory', 0o755), member('d/f', 'file', 0o644, { uname: 'nobody', gname: 'nogroup', uid: 1234, gid: 1234 })];
    assert.equal(planUnarchive({ members: known, disk, ...ids }, {}, root).extract, true, 'nobody exists on the host: 65534 expected');
  });

  it('owner, group and mode are set on every listed path and the top folders, unpacked or not (links: owner only)', () => {
    const result = planUnarchive({ members: archive, disk: unpacked(), ...ids }, { owner: 'nobody', mode: 'u=rwX,g=rX,o=' }, root);
    assert.equal(result.extract, false);
    assert.deepEqual(result.chown, { owner: 'nobody', paths: ['app', 'app/run', 'app/link'] });
    assert.deepEqual(result.chmod, [{ mode: '0750', paths: ['app', 'app/run'] }]);
    const again = new Map([...unpacked()].map(([p, e]) => [p, { ...e, owner: 'nobody', uid: 65534, mode: e.type === 'link' ? e.mode : 0o750 }]));
    const none = planUnarchive({ members: archive, disk: again, ...ids }, { owner: 'nobody', mode: 'u=rwX,g=rX,o=' }, root);
    assert.equal(none.chown, undefined);
    assert.deepEqual(none.chmod, []);
  });

  it('check and apply: skipped by creates; a local archive sent on stdin, checked, unpacked, chowned by paths on stdin', async () => {
    const dest = '/srv/x';
    const local = withDefaults(unarchive, { src: 'app.tar.gz', dest, owner: 'nobody' });
    const destStat = { exists: true, isdir: true, mode: '0755', pw_name: 'root', gr_name: 'root', uid: 0, gid: 0, size: 4096 };
    const empty: ArchiveState = { destIsDir: true, disk: new Map([['', onDisk('directory', 0o755)]]), ...ids };
    const facts: Record<string, unknown> = {};
    const ctx = context(facts, join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'compat', 'fixtures', 'unarchive'));
    const requests = unarchive.prefetch!(local, { host: 'h', baseDir: ctx.baseDir });
    for (const request of requests) facts[requestKey(request)] = request.kind === archiveKind ? empty : destStat;
    assert.deepEqual((requests.find((r) => r.kind === archiveKind)!.param as { tops: string[] }).tops, ['app-1.0']);
    const check = await unarchive.check(local, ctx);
    assert.equal(check.changed, true);
    assert.equal(check.result!.handler, 'TgzArchive');
    const steps: RemoteStep[] = [];
    await unarchive.apply(local, check, { ...ctx, transport: { queue: (step: RemoteStep) => steps.push(step) } } as unknown as ApplyContext);
    assert.equal(steps.length, 1);
    assert.match(steps[0].script, /head -c 300 > "\$t"/);
    assert.match(steps[0].script, /tar --extract -C \/srv\/x -z --owner=nobody -f "\$t"/);
    assert.match(steps[0].script, /xargs -0r chown -h nobody --/);
    const parts = steps[0].stdin as Buffer[];
    assert.equal(parts[0].length, 300);
    assert.equal(parts[2].toString(), ['app-1.0/', 'app-1.0/README', 'app-1.0/bin/', 'app-1.0/bin/run', 'app-1.0/conf/', 'app-1.0/conf/app.conf', 'app-1.0/current'].map((p) => `/srv/x/${p.replace(/\/$/, '')}\0`).join(''));
    const skipping = withDefaults(unarchive, { src: 'app.tar.gz', dest, creates: '/srv/x/app' });
    facts[requestKey(pathFact('/srv/x/app'))] = { path: '/srv/x/app', exists: true };
    const skipped = await unarchive.check(skipping, ctx);
    assert.deepEqual([skipped.skipped, skipped.message], [true, 'skipped, since /srv/x/app exists']);
    assert.equal(unarchive.validate!(withDefaults(unarchive, { src: 'https://x/a.tgz', dest })), 'unarchive: a URL src is not supported yet (fetch it with get_url, then remote_src: true)');
    await assert.rejects(unarchive.check(withDefaults(unarchive, { src: 'https://x/a.tgz', dest, remote_src: true }), ctx), /a URL src is not supported yet/);
  });

  it('the archive fact: a missing dest or src is an answer; find output that does not parse is an error', () => {
    const out = (stdout: string, code = 0, stderr = '', tool = 'tar') => ({ tool, code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });
    const param = archiveFact({ dest: '/d', remote: { src: '/a.tgz', listArgs: [], members: [] } }).param as never;
    const idsOut = out('root:0\n\nroot:0\n', 0, '', 'getent');
    const [missing] = archiveKind.parse([out('F-\n'), out('F-\n'), out('NODEST', 0, '', 'find'), idsOut], [param]);
    assert.deepEqual([missing.srcMissing, missing.destIsDir], [true, false]);
    const [broken] = archiveKind.parse([out('Ftgz\n', 2, 'gzip: stdin: not in gzip format\n'), out('Ftgz\n', 2), out('d\x00755\x00root\x00root\x000\x000\x004096\x001.5\x00\x00.\x00', 0, '', 'find'), idsOut], [param]);
    assert.match(broken.listError!, /not in gzip format/);
    assert.throws(() => archiveKind.parse([out('F\n'), out('F\n'), out('d\x00755\x00root\x00', 0, '', 'find'), idsOut], [param]), /find: output does not parse/);
    assert.throws(() => archiveKind.parse([out('F\n'), out('F\n'), out('', 1, "find: './x': Permission denied\n", 'find'), idsOut], [param]), /Permission denied/);
  });
});

function context(facts: Record<string, unknown>, baseDir: string): ModuleContext {
  return hostFreeContext({ other: facts }, { baseDir, dryRun: false });
}
