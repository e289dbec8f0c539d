import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { commandFact, fileContentFact, groupFact, packageFact, parseProbe, pathFact, planProbe, sysctlFact, userFact, type FactRequest } from '../../lib/facts/index.js';
import { Sandbox } from '../sandbox/hosts.js';

/** The batched fact probe, run by a real host's sh and tools, parsed back by each fact kind. */
describe('the fact probe on a real host', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'probe' });
    await sandbox.run(
      'probe01',
      [
        "mkdir -p '/srv/p/a dir'",
        "printf 'hello\\n' > '/srv/p/a dir/file with spaces'",
        'chmod 0640 "/srv/p/a dir/file with spaces" && chown nobody:root "/srv/p/a dir/file with spaces"',
        ': > /srv/p/empty',
        'ln -s "/srv/p/a dir" /srv/p/link',
        // A link whose name holds ' -> ' and whose target a newline, an arrow and a byte no quoting leaves alone.
        `ln -s "$(printf 'odd -> target\\n\\001 -> x')" '/srv/p/odd -> link'`,
        'ln -s /srv/p/nowhere /srv/p/dangling',
        "printf 'x' > \"/srv/p/it's\"",
        "printf 'a\\0b\\n\\n' > /srv/p/binary",
      ].join(' && '),
    );
  });
  after(async () => sandbox?.stop());

  async function probe(requests: FactRequest[]): Promise<Map<string, unknown>> {
    const plan = planProbe(requests);
    const result = await sandbox.runBytes('probe01', plan.script);
    const answers = parseProbe(plan, result);
    return new Map(requests.map((r) => [`${r.kind.name}:${r.kind.key(r.param)}`, answers.get(`${r.kind.name}\0${r.kind.key(r.param)}`)]));
  }

  it('answers every path, content and command of one batch', async () => {
    const paths = ['/srv/p/a dir', '/srv/p/a dir/file with spaces', '/srv/p/empty', '/srv/p/link', '/srv/p/missing', "/srv/p/it's", '/srv/p/missing/below', '/srv/p/odd -> link', '/srv/p/dangling'];
    // More than ten commands: an index written into printf's format once turned \\0 + digits into octal.
    const commands = Array.from({ length: 12 }, (_, i) => ['sh', '-c', `printf 'line ${i}\\n\\n'; echo err${i} >&2; exit ${i % 4}`]);
    const answer = await probe([...paths.map(pathFact), ...commands.map(commandFact), fileContentFact('/srv/p/binary'), fileContentFact('/srv/p/missing')]);
    const path = (p: string) => answer.get(`path:${p}`) as Record<string, unknown>;

    assert.deepEqual(path('/srv/p/a dir'), { path: '/srv/p/a dir', exists: true, type: 'directory', mode: '0755', owner: 'root', group: 'root', size: path('/srv/p/a dir').size });
    assert.deepEqual(path('/srv/p/a dir/file with spaces'), {
      path: '/srv/p/a dir/file with spaces',
      exists: true,
      type: 'file',
      mode: '0640',
      owner: 'nobody',
      group: 'root',
      size: 6,
      sha256: createHash('sha256').update('hello\n').digest('hex'),
    });
    assert.equal(path('/srv/p/empty').sha256, createHash('sha256').update('').digest('hex'));
    assert.equal(path('/srv/p/empty').type, 'file');
    assert.deepEqual([path('/srv/p/link').type, path('/srv/p/link').linkTarget], ['link', '/srv/p/a dir']);
    assert.equal(path('/srv/p/link').sha256, undefined, 'a link is not hashed as its target');
    assert.deepEqual([path('/srv/p/odd -> link').type, path('/srv/p/odd -> link').linkTarget], ['link', 'odd -> target\n\u0001 -> x']);
    assert.deepEqual([path('/srv/p/dangling').type, path('/srv/p/dangling').linkTarget, path('/srv/p/dangling').sha256], ['link', '/srv/p/nowhere', undefined]);
    assert.deepEqual(path('/srv/p/missing'), { path: '/srv/p/missing', exists: false });
    assert.deepEqual(path('/srv/p/missing/below'), { path: '/srv/p/missing/below', exists: false });
    assert.equal(path("/srv/p/it's").sha256, createHash('sha256').update('x').digest('hex'));
    commands.forEach((argv, i) => {
      const reply = answer.get(`command:${JSON.stringify(argv)}`) as { stdout: Buffer; stderr: Buffer; code: number };
      assert.equal(reply.stdout.toString(), `line ${i}\n\n`, `command ${i} output, trailing newlines kept`);
      assert.equal(reply.stderr.toString(), `err${i}\n`, `command ${i} stderr`);
      assert.equal(reply.code, i % 4, `command ${i} exit code`);
    });
    assert.deepEqual((answer.get('content:/srv/p/binary') as { content: Buffer }).content, Buffer.from('a\0b\n\n'), 'NUL bytes and trailing newlines survive');
    assert.deepEqual(answer.get('content:/srv/p/missing'), { path: '/srv/p/missing', exists: false, readable: false });
  });

  it('answers packages, users, groups and sysctl values as the host has them', async () => {
    const answer = await probe([packageFact('openssh-server'), packageFact('no-such-package-xyz'), userFact('root'), userFact('nobody'), userFact('no_such_user'), groupFact('root'), groupFact('no_such_group'), sysctlFact('kernel.ostype'), sysctlFact('no.such.key')]);
    const dpkg = (await sandbox.run('probe01', "dpkg-query -W -f='${Version}' openssh-server")).stdout;
    assert.deepEqual(answer.get('package:openssh-server'), { name: 'openssh-server', installed: true, status: 'ii ', version: dpkg, architecture: (await sandbox.run('probe01', "dpkg-query -W -f='${Architecture}' openssh-server")).stdout });
    assert.deepEqual(answer.get('package:no-such-package-xyz'), { name: 'no-such-package-xyz', installed: false, status: '' });
    assert.deepEqual(answer.get('user:root'), { name: 'root', exists: true, uid: 0, gid: 0, comment: 'root', home: '/root', shell: '/bin/bash' });
    assert.equal((answer.get('user:nobody') as { uid: number }).uid, 65534);
    assert.deepEqual(answer.get('user:no_such_user'), { name: 'no_such_user', exists: false });
    assert.deepEqual(answer.get('group:root'), { name: 'root', exists: true, gid: 0, members: [] });
    assert.deepEqual(answer.get('group:no_such_group'), { name: 'no_such_group', exists: false });
    assert.deepEqual(answer.get('sysctl:kernel.ostype'), { key: 'kernel.ostype', exists: true, value: 'Linux' });
    assert.deepEqual(answer.get('sysctl:no.such.key'), { key: 'no.such.key', exists: false });
  });
});
