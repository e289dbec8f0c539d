import assert from 'node:assert/strict';
import { renderTaskArgs, rememberedTaskArgs } from '../../lib/engine/args.js';
import { testRegistry } from './input-fixtures.js';

// Arguments are remembered per task for the next host only when they cannot come out otherwise:
// these cases must each render again (or hand out a copy), as if nothing were remembered.
const file = testRegistry.get('file')!;
const origin = { what: "task 'test'", location: { file: 'test.yml', line: 1, column: 1 } };
const render = (args: Record<string, unknown>, vars: Record<string, unknown>) => renderTaskArgs(file, args, vars, origin).args;

describe('task arguments remembered across hosts (engine/args.ts)', () => {
  it('the same values give the same arguments; other values render anew', () => {
    const args = { path: '{{ root }}/a', state: 'directory', mode: '0755' };
    assert.equal(render(args, { root: '/x' }).path, '/x/a');
    assert.equal(render(args, { root: '/y' }).path, '/y/a');
    assert.equal(render(args, { root: '/x' }).path, '/x/a');
    assert.deepEqual(rememberedTaskArgs(file, args, { root: '/y' }), { path: '/y/a', state: 'directory', mode: '0755', recurse: false });
    assert.equal(rememberedTaskArgs(file, args, { root: '/z' }), undefined);
  });

  it('a module changing what it was given changes nothing for the next host', () => {
    const args = { path: '{{ root }}/b', state: 'directory' };
    const first = render(args, { root: '/x' });
    first.path = '/elsewhere';
    assert.equal(render(args, { root: '/x' }).path, '/x/b');
  });

  it('a variable holding a template, or a mapping that changed, is read again', () => {
    const nested = { path: '{{ root }}/c', state: 'directory' };
    assert.equal(render(nested, { root: '{{ base }}', base: '/one' }).path, '/one/c');
    assert.equal(render(nested, { root: '{{ base }}', base: '/two' }).path, '/two/c');
    const dotted = { path: '{{ cfg.root }}/d', state: 'directory' };
    const cfg = { root: '/one' };
    assert.equal(render(dotted, { cfg }).path, '/one/d');
    cfg.root = '/two';
    assert.equal(render(dotted, { cfg }).path, '/two/d');
  });

  it('a number and its text are different values', () => {
    const args = { path: '/srv/{{ n }}', state: 'directory', mode: '{{ m }}' };
    assert.equal(render(args, { n: 1, m: '0644' }).mode, '0644');
    assert.equal(render(args, { n: '1', m: '0600' }).mode, '0600');
  });
});
