import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateCondition, renderString, renderTemplateFile, renderTemplateFilePieces } from '../../lib/template/index.js';

// A template's results are remembered by the values it reads (template/environment.ts, RenderMemo).
// Each case below must come out as if every render ran afresh.
const origin = { what: 'test' };
const render = (text: string, vars: Record<string, unknown>) => renderString(text, vars, origin);

describe('template results remembered by the values read (template/environment.ts)', () => {
  it('a changed value renders anew: text, number, a list or mapping changed in place', () => {
    const text = '{{ a }}-{{ n + 1 }}-{{ l | join(",") }}-{{ d.k }}';
    const vars = { a: 'x', n: 1, l: ['p'], d: { k: 'v' } };
    assert.equal(render(text, vars), 'x-2-p-v');
    assert.equal(render(text, vars), 'x-2-p-v');
    vars.l.push('q');
    assert.equal(render(text, vars), 'x-2-p,q-v');
    vars.d.k = 'w';
    assert.equal(render(text, vars), 'x-2-p,q-w');
    assert.equal(render(text, { ...vars, a: 'y', n: 5 }), 'y-6-p,q-w');
    assert.equal(render(text, vars), 'x-2-p,q-w');
    // A number and its text are different values.
    assert.equal(render('{{ v is string }}', { v: '1' }), true);
    assert.equal(render('{{ v is string }}', { v: 1 }), false);
    assert.equal(render('{{ v is defined }}', {}), false);
    assert.equal(render('{{ v is defined }}', { v: null }), true);
  });

  it('a variable holding a template is rendered when read', () => {
    assert.equal(render('<{{ x }}>', { x: '{{ y }}', y: '1' }), '<1>');
    assert.equal(render('<{{ x }}>', { x: '{{ y }}', y: '2' }), '<2>');
  });

  it('lookups and random filters run every time', () => {
    process.env.RUNBOOK_MEMO_TEST = 'one';
    assert.equal(render("{{ lookup('env', 'RUNBOOK_MEMO_TEST') }}", {}), 'one');
    process.env.RUNBOOK_MEMO_TEST = 'two';
    assert.equal(render("{{ lookup('env', 'RUNBOOK_MEMO_TEST') }}", {}), 'two');
    const dir = mkdtempSync(join(tmpdir(), 'rb-memo-'));
    try {
      const file = join(dir, 'data.txt');
      writeFileSync(file, 'first');
      assert.equal(render(`{{ lookup('pipe', 'cat ${file}') }}`, {}), 'first');
      writeFileSync(file, 'second');
      assert.equal(render(`{{ lookup('pipe', 'cat ${file}') }}`, {}), 'second');
      assert.equal(render(`{{ query('file', '${file}') | first }}`, {}), 'second');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const draws = new Set(Array.from({ length: 30 }, () => render('{{ range(1000000) | random }}', {})));
    assert.ok(draws.size > 1, `30 draws of random gave ${[...draws].join(', ')}`);
    const orders = new Set(Array.from({ length: 30 }, () => render('{{ l | shuffle | join }}', { l: ['a', 'b', 'c', 'd', 'e'] })));
    assert.ok(orders.size > 1, `30 shuffles gave ${[...orders].join(', ')}`);
  });

  it('lists and mappings are compared by identity too (is sameas)', () => {
    const a = [1];
    assert.equal(render('{{ a is sameas b }}', { a, b: [1] }), false);
    assert.equal(render('{{ a is sameas b }}', { a, b: a }), true);
    assert.equal(render('{{ a is sameas b }}', { a, b: [1] }), false);
  });

  it("a mapping's methods run every time (they may change it)", () => {
    const seen: Record<string, unknown> = {};
    const text = "{% set _ = seen.update({'n': 1}) %}ok";
    assert.equal(render(text, { seen }), 'ok');
    assert.deepEqual(seen, { n: 1 });
    Reflect.deleteProperty(seen, 'n');
    assert.equal(render(text, { seen }), 'ok');
    assert.deepEqual(seen, { n: 1 });
  });

  it('a file rendered whole or in pieces gives the same text, in either order', () => {
    const text = 'a {{ x }}\n{% for i in l %}{{ i }}\n{% endfor %}\n';
    const vars = { x: 'X', l: [1, 2] };
    const whole = renderTemplateFile(text, vars, origin);
    assert.equal(renderTemplateFilePieces(text, vars, origin).join(''), whole);
    assert.equal(renderTemplateFile(text, vars, origin), whole);
    assert.equal(renderTemplateFilePieces(text, vars, origin).join(''), 'a X\n1\n2\n');
  });

  it('conditions see the values of the time', () => {
    const vars: Record<string, unknown> = { fact: 'production-1' };
    assert.equal(evaluateCondition('fact.startswith(env)', { ...vars, env: 'production' }, origin), true);
    assert.equal(evaluateCondition('fact.startswith(env)', { ...vars, env: 'staging' }, origin), false);
    assert.equal(evaluateCondition('fact.startswith(env)', { ...vars, env: 'production' }, origin), true);
  });

  it('answers from the memo only what may be answered from it (a fresh process: no vault value known)', () => {
    const index = fileURLToPath(new URL('../../lib/template/index.js', import.meta.url));
    const environment = fileURLToPath(new URL('../../lib/template/environment.js', import.meta.url));
    const script = `
      const { renderString } = await import(${JSON.stringify(index)});
      const { renderMemoHitCount } = await import(${JSON.stringify(environment)});
      const counts = {};
      const twice = (name, text, first, second) => {
        const before = renderMemoHitCount();
        renderString(text, first);
        renderString(text, second ?? first);
        counts[name] = renderMemoHitCount() - before;
      };
      const peers = ['a', 'b'];
      twice('same values', '{{ env }}-{{ peers | join(",") }}', { env: 'p', peers }, { env: 'p', peers });
      twice('another value', '{{ env }}-{{ peers | join(",") }}!', { env: 'p', peers }, { env: 'q', peers });
      twice('a lookup', "{{ lookup('env', 'HOME') }}", {});
      twice('random', '{{ range(10) | random }}', {});
      twice('hostvars-like objects', '{{ h.x }}', { h: { x: new Date(0) } });
      twice('a method of a list', '{{ l.index(1) }}', { l: [1] });
      twice('a method of text', '{{ s.upper() }}', { s: 'a' });
      console.log(JSON.stringify(counts));
    `;
    const counts = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.deepEqual(counts, {
      'same values': 1,
      'another value': 0,
      'a lookup': 0,
      random: 0,
      'hostvars-like objects': 0,
      'a method of a list': 0,
      'a method of text': 1,
    });
  });

  it('a vault value read through a remembered template is still noticed (a fresh process: the vault value stays in it)', () => {
    const index = fileURLToPath(new URL('../../lib/template/index.js', import.meta.url));
    const redact = fileURLToPath(new URL('../../lib/vault/redact.js', import.meta.url));
    const script = `
      const { renderString } = await import(${JSON.stringify(index)});
      const { markSecret, readsSecret } = await import(${JSON.stringify(redact)});
      const value = 'memo-test-secret-value';
      renderString('[{{ v }}]', { v: value });
      renderString('[{{ v }}]', { v: value });
      markSecret(value);
      console.log(JSON.stringify(readsSecret(() => renderString('[{{ v }}]', { v: value }))));
    `;
    const read = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.deepEqual(read, { value: '[memo-test-secret-value]', secret: true });
  });
});
