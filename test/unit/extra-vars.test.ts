import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExtraVars } from '../../lib/cli/extra-vars.js';

describe('-e extra vars', () => {
  it('reads key=value as strings, @file as YAML and JSON objects; later ones win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-extra-'));
    try {
      const file = join(dir, 'vars.yaml');
      writeFileSync(file, 'port: 8443\nnames: [a, b]\nmode: from-file\n');
      const vars = parseExtraVars(['mode=cli count=3', `@${file}`, '{"flag": true}']);
      assert.deepEqual(vars, { mode: 'from-file', count: '3', port: 8443, names: ['a', 'b'], flag: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names what is wrong', () => {
    assert.throws(() => parseExtraVars(['novalue']), /'novalue' must be key=value/);
    assert.throws(() => parseExtraVars(['@/no/such/file.yaml']), /extra vars file \/no\/such\/file\.yaml/);
    assert.throws(() => parseExtraVars(['{bad json']), /extra vars \{bad json/);
  });
});
