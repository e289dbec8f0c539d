import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseProbe, probeScript } from '../../lib/transport/probe.js';
import { Sandbox } from '../sandbox/hosts.js';

/** The batched fact probe, run by a real host's sh and coreutils, parsed back. */
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
        "printf 'x' > \"/srv/p/it's\"",
      ].join(' && '),
    );
  });
  after(async () => sandbox?.stop());

  it('answers every path and every query of one batch', async () => {
    const paths = ['/srv/p/a dir', '/srv/p/a dir/file with spaces', '/srv/p/empty', '/srv/p/link', '/srv/p/missing', "/srv/p/it's"];
    // More than ten queries: an index written into printf's format once turned \\0 + digits into octal.
    const queries = Array.from({ length: 12 }, (_, i) => `printf 'line ${i}\\n\\n'; exit ${i % 4}`);
    const result = await sandbox.run('probe01', probeScript(paths, queries));
    assert.equal(result.code, 0, result.stderr);
    const answer = parseProbe(Buffer.from(result.stdout, 'latin1'), paths, queries);

    assert.deepEqual(answer.paths.get('/srv/p/a dir'), { path: '/srv/p/a dir', exists: true, type: 'directory', mode: '0755', owner: 'root', group: 'root', size: answer.paths.get('/srv/p/a dir')!.size });
    assert.deepEqual(answer.paths.get('/srv/p/a dir/file with spaces'), {
      path: '/srv/p/a dir/file with spaces',
      exists: true,
      type: 'file',
      mode: '0640',
      owner: 'nobody',
      group: 'root',
      size: 6,
      sha256: createHash('sha256').update('hello\n').digest('hex'),
    });
    assert.equal(answer.paths.get('/srv/p/empty')!.sha256, createHash('sha256').update('').digest('hex'));
    assert.equal(answer.paths.get('/srv/p/empty')!.type, 'file');
    assert.deepEqual([answer.paths.get('/srv/p/link')!.type, answer.paths.get('/srv/p/link')!.linkTarget], ['link', '/srv/p/a dir']);
    assert.equal(answer.paths.get('/srv/p/link')!.sha256, undefined, 'a link is not hashed as its target');
    assert.deepEqual(answer.paths.get('/srv/p/missing'), { path: '/srv/p/missing', exists: false });
    assert.equal(answer.paths.get("/srv/p/it's")!.sha256, createHash('sha256').update('x').digest('hex'));
    answer.queries.forEach((reply, i) => {
      assert.equal(reply.stdout.toString(), `line ${i}\n\n`, `query ${i} output, trailing newlines kept`);
      assert.equal(reply.code, i % 4, `query ${i} exit code`);
    });
  });
});
