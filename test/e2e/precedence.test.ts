import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { fixtures, runbook } from './cli.js';

describe('variable precedence: all < parent group < child group < host < play < task < extra vars', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.start({ count: 1, prefix: 'prec' });
  });
  after(async () => sandbox?.stop());

  it('each level overrides the ones below it, on a real host', async () => {
    const host = sandbox.hosts[0];
    const connection = (yaml.load(sandbox.inventoryYaml()) as any).all.hosts[host.name];
    const text = readFileSync(join(fixtures, 'precedence', 'inventory.yaml'), 'utf8').replace('HOSTNAME:', `${host.name}:`);
    const data = yaml.load(text) as any;
    Object.assign(data.all.children.parent.children.child.hosts[host.name], connection);
    const inventory = join(sandbox.dir, 'precedence.yaml');
    writeFileSync(inventory, yaml.dump(data));
    const run = await runbook(['apply', inventory, join(fixtures, 'precedence', 'playbook.yaml'), '--known-hosts', sandbox.knownHostsFile, '-e', 'v_extra=extra', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const written = await sandbox.fileInfo(host.name, '/srv/precedence');
    assert.equal(written.content?.toString(), 'all parent child host play task extra\n');
  });
});
