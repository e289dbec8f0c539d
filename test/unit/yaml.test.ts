import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.js';
import { loadYamlFile, locationOf, parseYaml, sourceTextOf, valueLocationOf } from '../../lib/yaml/load.js';
import { FIXTURES } from './input-fixtures.js';

describe('yaml loader', () => {
  const text = [
    '# a comment',
    'plays:',
    '  - name: one',
    '    copy:',
    '      mode: 0644',
    '      other: 0o644',
    '    empty:',
    '  - {name: two, "quoted": [1, 2]}',
    'after: &anchor',
    '  k: v',
    'alias: *anchor',
    '',
  ].join('\n');
  const data = parseYaml(text, 'p.yml') as any;

  it('returns plain data', () => {
    assert.equal(data.plays[0].name, 'one');
    assert.deepEqual(data.plays[1].quoted, [1, 2]);
    assert.equal(data.alias, data.after);
  });

  it('locates mappings and sequences at their first character', () => {
    assert.deepEqual(locationOf(data), { file: 'p.yml', line: 2, column: 1 });
    assert.deepEqual(locationOf(data.plays), { file: 'p.yml', line: 3, column: 3 });
    assert.deepEqual(locationOf(data.plays[0]), { file: 'p.yml', line: 3, column: 5 });
    assert.deepEqual(locationOf(data.plays[0].copy), { file: 'p.yml', line: 5, column: 7 });
    assert.deepEqual(locationOf(data.plays[1]), { file: 'p.yml', line: 8, column: 5 });
  });

  it('locates keys, values and sequence items', () => {
    assert.deepEqual(locationOf(data.plays[0], 'copy'), { file: 'p.yml', line: 4, column: 5 });
    assert.deepEqual(locationOf(data.plays[1], 'quoted'), { file: 'p.yml', line: 8, column: 17 });
    assert.deepEqual(valueLocationOf(data.plays[0].copy, 'mode'), { file: 'p.yml', line: 5, column: 13 });
    assert.deepEqual(valueLocationOf(data.plays[0], 'empty'), { file: 'p.yml', line: 7, column: 5 });
    assert.deepEqual(locationOf(data.plays, 1), { file: 'p.yml', line: 8, column: 5 });
    assert.deepEqual(locationOf(data.plays[1].quoted, 1), { file: 'p.yml', line: 8, column: 31 });
  });

  it('keeps the source text of scalars', () => {
    assert.equal(sourceTextOf(data.plays[0].copy, 'mode'), '0644');
    assert.equal(sourceTextOf(data.plays[0].copy, 'other'), '0o644');
  });

  it('keeps the anchor location for aliases', () => {
    assert.deepEqual(locationOf(data.alias), { file: 'p.yml', line: 9, column: 8 }); // at its &anchor
  });

  it('turns syntax errors into InputError with file:line:column', () => {
    assert.throws(
      () => parseYaml('a: 1\nb: [1, 2\nc: 3\n', 'bad.yml'),
      (e: unknown) => e instanceof InputError && /^bad\.yml:\d+:\d+: invalid YAML/.test(e.message) && e.location?.file === 'bad.yml',
    );
    assert.throws(() => parseYaml('a: 1\n  b: 2\n', 'bad.yml'), /bad\.yml:2:\d+: invalid YAML/);
  });

  it('names a missing file', () => {
    assert.throws(() => loadYamlFile(join(FIXTURES, 'nope.yml')), (e: unknown) => e instanceof InputError && /nope\.yml: no such file/.test(e.message));
  });

  it('reads YAML 1.1 booleans as Ansible does, keeping YAML 1.2 integers', () => {
    const flags = parseYaml('a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: "yes"\ng: y\nh: 0644\n', 'b.yml');
    assert.deepEqual(flags, { a: true, b: false, c: true, d: false, e: true, f: 'yes', g: 'y', h: 644 });
  });

  it('handles a BOM without shifting columns', () => {
    const bom = parseYaml('\ufeffa:\n  b: 1\n', 'bom.yml') as any;
    assert.deepEqual(locationOf(bom, 'a'), { file: 'bom.yml', line: 1, column: 1 });
  });
});
