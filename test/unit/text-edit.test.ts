import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockinfile } from '../../lib/modules/blockinfile.js';
import { lineinfile } from '../../lib/modules/lineinfile.js';
import { replace } from '../../lib/modules/replace.js';
import type { FilePlan } from '../../lib/modules/file-state.js';
import type { ModuleContext, ModuleDefinition, PathState } from '../../lib/modules/types.js';
import { fixtures } from '../e2e/cli.js';
import { withDefaults } from './module-args.js';
import { hostFreeContext } from './module-context.js';

interface Case {
  m: 'lineinfile' | 'blockinfile' | 'replace';
  init: string;
  args: Record<string, unknown>;
  after: string;
  msg: string;
}

const modules: Record<Case['m'], ModuleDefinition> = { lineinfile, blockinfile, replace };

/** Facts in: one regular file with this text (or none); the module asks nothing else. */
function context(path: string, text: string | undefined): ModuleContext {
  const state: PathState = text === undefined ? { path, exists: false } : { path, exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', size: text.length };
  const srv: PathState = { path: '/srv', exists: true, type: 'directory', mode: '0755', owner: 'root', group: 'root' };
  return hostFreeContext({ paths: [state, srv], contents: text === undefined ? {} : { [path]: text } });
}


describe('lineinfile, blockinfile, replace: the text ansible-core 2.14 leaves, host-free', () => {
  // Each case was applied by ansible-playbook 2.14 (connection local) to a file with `init`;
  // `after` and `msg` are what Ansible left and said.
  const cases = JSON.parse(readFileSync(join(fixtures, 'text-edit', 'ansible-2.14-cases.json'), 'utf8')) as Case[];
  for (const [i, c] of cases.entries()) {
    it(`${c.m} ${JSON.stringify(c.args)} on ${JSON.stringify(c.init)}`, async () => {
      const module = modules[c.m];
      const path = `/srv/case${i}`;
      const check = await module.check(withDefaults(module, { ...c.args, path }), context(path, c.init));
      const plan = check.data as FilePlan | undefined;
      const after = plan?.writeContent ? plan.desired.content!.toString() : c.init;
      assert.equal(after, c.after);
      assert.equal(check.changed, c.after !== c.init);
      assert.equal((check.result as { msg: string }).msg, c.msg);
    });
  }

  it('a missing file: an error unless create, then created with the line', async () => {
    const missing = await lineinfile.check(withDefaults(lineinfile, { path: '/srv/x', line: 'a' }), context('/srv/x', undefined));
    assert.equal(missing.failed, true);
    assert.equal(missing.message, 'Destination /srv/x does not exist !');
    const created = await lineinfile.check(withDefaults(lineinfile, { path: '/srv/x', line: 'a', create: true }), context('/srv/x', undefined));
    assert.equal((created.data as FilePlan).desired.content!.toString(), 'a\n');
    assert.equal(created.predicted![0].mode, '0644');
  });

  it('mode and owner changes are reported as Ansible words them', async () => {
    const check = await lineinfile.check(withDefaults(lineinfile, { path: '/srv/y', line: 'a', mode: '0600' }), context('/srv/y', 'a\n'));
    assert.equal(check.changed, true);
    assert.equal((check.result as { msg: string }).msg, 'ownership, perms or SE linux context changed');
  });
});
