import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requestKey, treeFact } from '../../lib/facts/index.js';
import { normalizeMode } from '../../lib/engine/args.js';
import { copy } from '../../lib/modules/copy.js';
import { file } from '../../lib/modules/file.js';
import type { ApplyContext, ModuleContext, ModuleDefinition, PathState } from '../../lib/modules/types.js';
import type { RemoteStep } from '../../lib/transport/types.js';
import { resolveMode, symbolicModeError } from '../../lib/util/modes.js';
import { withDefaults } from './module-args.js';
import { hostFreeContext } from './module-context.js';

describe('modes relative to the current one, as ansible-core 2.14 resolves them', () => {
  it('equals AnsibleModule._symbolic_mode_to_octal case for case', () => {
    const modes = ['u+x', 'g-w,o-rwx', 'a+X', 'u=rw,g=r', 'u=rwX,g=rX,o=', 'go-w', 'a-x+X', 'u+s,g+s,o+t', 'o=u', 'g=u-w', 'u=rw-x+X,g=r-x+X,o=r-x+X', 'a=', 'u+t,o+s', 'ug+rw,o-r', 'a+rwx', 'u-s'];
    const currents = ['0644', '0755', '0600', '0700', '4750', '0000', '0711', '1777'];
    const cases: Array<[string, string, boolean]> = [];
    for (const mode of modes) for (const current of currents) for (const dir of [false, true]) cases.push([mode, current, dir]);
    const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', ORACLE], { input: JSON.stringify(cases) }).toString()) as string[];
    const actual = cases.map(([mode, current, dir]) => resolveMode(mode, current, dir));
    const differ = cases.filter((_, i) => actual[i] !== expected[i]).map((c, i) => `${c.join(' ')}: ${actual[i]} vs ${expected[i]}`);
    assert.deepEqual(differ, []);
    assert.equal(resolveMode('0640', '0777', false), '0640');
    assert.match(symbolicModeError('+x')!, /umask/);
    assert.match(symbolicModeError('u+q')!, /invalid mode/);
  });
});

const ORACLE = `
import sys, json, stat
from ansible.module_utils.basic import AnsibleModule
class S: pass
out = []
for mode, current, isdir in json.load(sys.stdin):
    st = S(); st.st_mode = (stat.S_IFDIR if isdir else stat.S_IFREG) | int(current, 8)
    out.append('%04o' % AnsibleModule._symbolic_mode_to_octal(st, mode))
print(json.dumps(out))
`;


const dir = (path: string, mode: string): PathState => ({ path, exists: true, type: 'directory', mode, owner: 'root', group: 'root' });
const regular = (path: string, mode: string): PathState => ({ path, exists: true, type: 'file', mode, owner: 'root', group: 'root', size: 2, sha256: 'a'.repeat(64) });

describe('relative modes in file and copy (facts in, commands out)', () => {
  it('stay symbolic after coercion when they depend on the path; absolute ones become octal', () => {
    assert.equal(normalizeMode('u=rw,g=r,o='), '0640');
    assert.equal(normalizeMode('u=rw,g=r'), 'u=rw,g=r', 'others as they were: relative');
    assert.equal(normalizeMode('a+X'), 'a+X');
    assert.throws(() => normalizeMode('+x'), /umask/);
  });

  it('a new directory gets the mode resolved against 0755; an existing one against its own', async () => {
    const made = await queued(file, { path: '/srv/d', state: 'directory', mode: 'g-w,o-rwx' }, context([dir('/srv', '0755')]));
    assert.deepEqual(made, ['[ -d /srv/d ] || { mkdir -- /srv/d && chmod 0750 -- /srv/d; }']);
    const opened = await queued(file, { path: '/srv/d', state: 'directory', mode: 'a+X' }, context([dir('/srv', '0755'), dir('/srv/d', '0700')]));
    assert.deepEqual(opened, ['chmod 0711 -- /srv/d']);
    const same = await file.check(withDefaults(file, { path: '/srv/d', state: 'directory', mode: 'a+X' }), context([dir('/srv', '0755'), dir('/srv/d', '0711')]));
    assert.equal(same.changed, false);
  });

  it('recurse resolves per path and sets each changed path to its own result', async () => {
    const tree = { [requestKey(treeFact('/t'))]: { root: '/t', exists: true, entries: [
      { path: '/t/a', type: 'directory', mode: '0700', owner: 'root', group: 'root' },
      { path: '/t/a/plain', type: 'file', mode: '0600', owner: 'root', group: 'root' },
      { path: '/t/a/exec', type: 'file', mode: '0700', owner: 'root', group: 'root' },
      { path: '/t/a/done', type: 'file', mode: '0640', owner: 'root', group: 'root' },
    ] } };
    const scripts = await queued(file, { path: '/t', state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' }, context([dir('/t', '0750')], tree));
    assert.deepEqual(scripts, ['chmod 0750 -- /t && head -c 15 | xargs -0r chmod 0750 -- && head -c 11 | xargs -0r chmod 0640 --']);
    assert.deepEqual(stdins.at(-1), ['/t/a\0/t/a/exec\0', '/t/a/plain\0']);
  });

  it('copy: a new file resolves against 0644, an existing one against its mode', async () => {
    const created = await queued(copy, { dest: '/srv/f', content: 'x\n', mode: 'u+x' }, context([dir('/srv', '0755')]));
    assert.match(created[0], /"mode":"0744"/);
    const existing = await copy.check(withDefaults(copy, { dest: '/srv/f', content: 'x\n', mode: 'g+r' }), context([dir('/srv', '0755'), regular('/srv/f', '0600')]));
    assert.equal(existing.message, 'content, mode 0600 → 0640');
  });
});

function context(paths: PathState[], other: Record<string, unknown> = {}): ModuleContext {
  return hostFreeContext({ paths, other });
}

const stdins: string[][] = [];

async function queued(module: ModuleDefinition, args: Record<string, unknown>, ctx: ModuleContext): Promise<string[]> {
  const full = withDefaults(module, args);
  const check = await module.check(full, ctx);
  const scripts: string[] = [];
  const transport = {
    queue: (step: RemoteStep) => {
      scripts.push(step.script);
      stdins.push(((step.stdin ?? []) as Buffer[]).map((b) => b.toString()));
    },
    writeFile: (path: string, content: Buffer, options: object) => scripts.push(`write ${path} ${content.length} ${JSON.stringify(options)}`),
  };
  await module.apply(full, check, { ...ctx, transport, transportOf: () => transport } as unknown as ApplyContext);
  return scripts;
}
