import assert from 'node:assert/strict';
import { argRuleError } from '../../lib/modules/arg-rules.js';
import { assert as assertModule, fail } from '../../lib/modules/assert.js';
import { debug } from '../../lib/modules/debug.js';
import { pause } from '../../lib/modules/pause.js';
import { setFact } from '../../lib/modules/set_fact.js';
import { systemd } from '../../lib/modules/systemd.js';
import type { ModuleContext } from '../../lib/modules/types.js';
import { evaluateCondition, renderValue } from '../../lib/template/index.js';

/** A context with variables and no host: these modules never ask one. */
function context(vars: Record<string, unknown>, verbosity = 0, changedPaths: string[] = []): ModuleContext {
  const noHost = () => {
    throw new Error('asked the host');
  };
  return {
    host: 'h',
    user: 'root',
    vars,
    privilege: { become: false },
    dryRun: false,
    diff: false,
    noLog: false,
    baseDir: '/nonexistent',
    facts: { path: noHost, content: noHost, query: noHost } as never,
    factsOf: noHost,
    render: (text) => String(renderValue(text, vars)),
    progress: () => {},
    changedPaths: () => changedPaths,
    evaluate: (condition) => evaluateCondition(condition, vars),
    expression: (expression) => renderValue(`{{ ${expression} }}`, vars),
    verbosity,
  };
}

describe('control modules, host-free', () => {
  it('set_fact returns its variables as ansible_facts, true/false/yes/no strings as booleans', async () => {
    const check = await setFact.check({ cacheable: false, a: 'yes', b: 'No', c: 'maybe', d: [1] }, context({}));
    assert.deepEqual(check.result, { ansible_facts: { a: true, b: false, c: 'maybe', d: [1] } });
    assert.equal(check.changed, false);
    assert.match(setFact.validate!({ cacheable: false })!, /at least one is required/);
    assert.match(setFact.validate!({ 'bad-name': 1 })!, /not valid/);
  });

  it('debug: msg, var (undefined as Ansible prints it), verbosity', async () => {
    assert.deepEqual((await debug.check({ verbosity: 0 }, context({}))).result, { msg: 'Hello world!' });
    const shown = await debug.check({ var: 'a.b', verbosity: 0 }, context({ a: { b: [1, 2] } }));
    assert.deepEqual(shown.result, { 'a.b': [1, 2] });
    assert.deepEqual((await debug.check({ var: 'nope', verbosity: 0 }, context({}))).result, { nope: 'VARIABLE IS NOT DEFINED!' });
    const quiet = await debug.check({ msg: 'x', verbosity: 2 }, context({}, 1));
    assert.equal(quiet.skipped, true);
    assert.equal((await debug.check({ msg: 'x', verbosity: 1 }, context({}, 1))).skipped, undefined);
    assert.equal(argRuleError(debug, { msg: 'a', var: 'b' }), 'parameters are mutually exclusive: msg|var');
  });

  it('assert: the first condition that fails, with fail_msg; success_msg otherwise', async () => {
    const vars = { n: 3 };
    const failed = await assertModule.check({ that: ['n > 1', 'n > 5', 'n > 9'], fail_msg: 'too small', quiet: false }, context(vars));
    assert.equal(failed.failed, true);
    assert.deepEqual(failed.result, { assertion: 'n > 5', evaluated_to: false, msg: 'too small' });
    const passed = await assertModule.check({ that: ['n == 3'], quiet: false }, context(vars));
    assert.equal(passed.failed, undefined);
    assert.deepEqual(passed.result, { msg: 'All assertions passed' });
    assert.equal((await assertModule.check({ that: ['n == 3'], quiet: true }, context(vars))).message, undefined);
    assert.equal((await assertModule.check({ that: ['n == 4'], quiet: false }, context(vars))).message, 'Assertion failed');
  });

  it('fail: fails with its message', async () => {
    const check = await fail.check({ msg: 'Failed as requested from task' }, context({}));
    assert.equal(check.failed, true);
    assert.equal(check.message, 'Failed as requested from task');
  });

  it('pause needs seconds or minutes, and runs once for the play', () => {
    assert.equal(argRuleError(pause, {}), 'one of the following is required: seconds, minutes');
    assert.equal(argRuleError(pause, { seconds: 1 }), undefined);
    assert.equal(pause.runsOnce, true);
  });

  it('systemd with daemon_reload and no name: reloads when a unit file was written in this run, never a change', async () => {
    assert.equal(systemd.validate!({ daemon_reload: true }), undefined);
    assert.match(systemd.validate!({ state: 'started', daemon_reload: false })!, /needs 'name'/);
    const none = await systemd.check({ daemon_reload: true }, context({}));
    assert.equal(none.changed, false);
    const after = await systemd.check({ daemon_reload: true }, context({}, 0, ['/srv/x', '/etc/systemd/system/app.service']));
    assert.equal(after.changed, true);
    assert.deepEqual((after.data as { actions: string[] }).actions, ['daemon-reload']);
    let ran = '';
    const applied = await systemd.apply({ daemon_reload: true }, after, { ...context({}), transport: { exec: async (command: string) => ((ran = command), { code: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }) } } as never);
    assert.equal(ran, 'systemctl daemon-reload');
    assert.equal(applied.changed, false, 'as Ansible: ok, not changed');
  });

  it('required_if and required_together, as Ansible words them', () => {
    const module = { ...setFact, requiredIf: [['state', 'present', ['path', 'src'], true]] as const, requiredTogether: [['a', 'b']] };
    assert.equal(argRuleError(module, { state: 'present' }), 'state is present but any of the following are missing: path, src');
    assert.equal(argRuleError(module, { state: 'present', src: 'x' }), undefined);
    assert.equal(argRuleError(module, { state: '{{ s }}' }), undefined, 'a template waits for the run');
    assert.equal(argRuleError(module, { a: 1 }), 'parameters are required together: a, b');
  });
});
