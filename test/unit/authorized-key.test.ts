// authorized_key's text edit, host-free, against ansible.posix.authorized_key's own enforce_state
// (Debian's `ansible` package) run in check mode with --diff: the oracle's `after` is the file's text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { editAuthorizedKeys, parseKeyOptions, type AuthorizedKeyArgs } from '../../lib/modules/authorized_key.js';

type Case = { existing: string } & Partial<Pick<AuthorizedKeyArgs, 'state' | 'key_options' | 'exclusive' | 'comment'>> & { key: string };

const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const C = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBccccccccccc';

const cases: Case[] = [
  { existing: '', key: `${A} alice@laptop` },
  { existing: `${A} alice@laptop\n`, key: `${A} alice@laptop` },
  { existing: `${A}    alice@laptop\n`, key: `${A} alice@laptop` },
  { existing: `${A} alice@laptop\n`, key: A },
  { existing: `${A} alice@laptop\n`, key: `${B} bob\n${C} carol` },
  { existing: `# managed elsewhere\n${A} alice\n\n${B} bob`, key: `${C} carol` },
  { existing: `${A} alice\n${B} bob\n`, key: `${B} bob`, state: 'absent' },
  { existing: `${A} alice\n${B} bob\n`, key: `${C} carol`, state: 'absent' },
  { existing: `${A} alice\n${B} bob\n${C} carol\n`, key: `${C} carol\n${A} alice`, exclusive: true },
  { existing: `${A} alice\n`, key: `${A} alice`, key_options: 'no-port-forwarding,from="10.0.0.1,10.0.0.2"' },
  { existing: `no-port-forwarding,from="10.0.0.1,10.0.0.2" ${A} alice\n`, key: `${A} alice`, key_options: 'from="10.0.0.1,10.0.0.2",no-port-forwarding' },
  { existing: `command="echo hi" ${A} alice\n`, key: `${A} alice` },
  { existing: `${A} alice\n${B} bob\n`, key: `${A} alice`, comment: 'renamed' },
  { existing: `${A} alice\n${A} alice again\n${B} bob\n`, key: `${C} carol` },
  { existing: 'not a key line\n\n\n', key: `${A} alice` },
  { existing: `${A} alice\n`, key: `# a comment\n\n${B} bob` },
  { existing: `${A} alice\n`, key: `${A} alice\n${A} alice twice` },
  { existing: `\\#escaped ${A} x\n`, key: `${B} bob` },
  { existing: `${A} alice\r\n${B} bob\r\n`, key: `${C} carol` },
];

function oracle(all: Case[]): Array<{ after?: string | null; error?: string }> {
  const script = `
import json, os, sys, tempfile
from ansible_collections.ansible.posix.plugins.modules import authorized_key as ak
class Module:
    check_mode = True
    _diff = True
    def fail_json(self, **kw):
        raise Exception(kw['msg'])
out = []
for c in json.load(sys.stdin):
    fd, path = tempfile.mkstemp()
    os.write(fd, c['existing'].encode())
    os.close(fd)
    params = dict(user='nobody', key=c['key'], path=path, manage_dir=True, state=c.get('state', 'present'),
                  key_options=c.get('key_options'), exclusive=c.get('exclusive', False), comment=c.get('comment'), follow=False)
    try:
        result = ak.enforce_state(Module(), params)
        out.append({'after': result['diff']['after'] if result.get('changed') else None})
    except Exception as e:
        out.append({'error': str(e)})
    os.unlink(path)
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(all) }).toString());
}

describe('authorized_key: the text ansible.posix.authorized_key 1.5 writes, host-free', () => {
  let expected: ReturnType<typeof oracle>;
  before(() => {
    expected = oracle(cases);
  });
  cases.forEach((c, i) => {
    it(JSON.stringify(c).replace(/AAAA\w+/g, 'AAAA…').slice(0, 160), () => {
      const want = expected[i];
      assert.equal(want.error, undefined, `the oracle failed: ${want.error}`);
      assert.equal(editAuthorizedKeys(c.existing, { state: 'present', exclusive: false, ...c }) ?? null, want.after);
    });
  });

  it('refuses a line that names no key type, as the module does', () => {
    assert.throws(() => editAuthorizedKeys('', { key: 'not-a-key AAAA', state: 'present', exclusive: false }), /invalid key specified: not-a-key AAAA/);
    const [answer] = oracle([{ existing: '', key: 'not-a-key AAAA' }]);
    assert.match(answer.error ?? '', /invalid key specified: not-a-key AAAA/);
  });

  it('splits options on commas outside quotes', () => {
    assert.deepEqual(parseKeyOptions('no-pty,from="a,b",environment="X=1"'), [['no-pty', null], ['from', '"a,b"'], ['environment', '"X=1"']]);
  });
});
