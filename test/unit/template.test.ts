import assert from 'node:assert/strict';
import { InputError } from '../../lib/errors.js';
import { evaluateCondition, OMIT, referencedVariables, renderString, renderTemplateFile, renderTemplateFilePieces, renderValue } from '../../lib/template/index.js';

const location = { file: 'site.yml', line: 12, column: 7 };
const origin = { what: "task 'Deploy'", location };

function vars(): Record<string, unknown> {
  return {
    base: '/srv/app',
    item: 3,
    packages: ['nginx', 'git'],
    config: { port: 8080, tls: { enabled: true } },
    flag: false,
    nothing: null,
    words: ' a,b  c ',
    users: [
      { name: 'alice', admin: true, uid: 1001 },
      { name: 'bob', admin: false, uid: 1002 },
    ],
    result: { changed: true, failed: false, rc: 0, stdout: 'line1\nline2' },
    skipped_result: { skipped: true, changed: false },
    hostvars: { web1: { ansible_host: '10.0.0.1' } },
    app_dir: '{{ base }}/current',
  };
}

const render = (text: string, extra: Record<string, unknown> = {}) => renderString(text, { ...vars(), ...extra }, origin);

function assertUndefinedError(fn: () => unknown, variable: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
    assert.match(error.message, new RegExp(`undefined variable '${variable.replace(/[.[\]]/g, '\\$&')}'`));
    assert.match(error.message, /in task 'Deploy'/);
    assert.deepEqual(error.location, location);
    return true;
  });
}

describe('template: renderString', () => {
  it('returns strings without markup untouched', () => {
    const text = 'plain /etc/hosts {not a template}';
    assert.equal(renderString(text, {}), text);
  });

  it('renders mixed text to a string', () => {
    assert.equal(render('{{ base }}/file{{ item }}.txt'), '/srv/app/file3.txt');
  });

  // Ansible's Templar (checked against it in template-differential.test.ts): a lone expression keeps
  // lists, dicts and bools; numbers come out as text unless the template is one bare variable.
  it('returns native values for a lone expression the way Ansible does', () => {
    assert.deepEqual(render('{{ packages }}'), ['nginx', 'git']);
    assert.equal(render('  {{ config }} '), "  {'port': 8080, 'tls': {'enabled': True}} ");
    assert.equal(render('{{ config.port }}'), '8080');
    assert.equal(render('{{ item }}'), 3);
    assert.equal(render('{{ flag }}'), false);
    assert.equal(render('{{ nothing }}'), null);
    assert.equal(render('{{ item * 2 }}'), '6');
  });

  it('prints values the way Python does inside text', () => {
    assert.equal(render('v={{ flag }} {{ packages }} [{{ nothing }}]'), "v=False ['nginx', 'git'] []");
  });

  it('accepts Python literals True/False/None', () => {
    assert.equal(render('{{ True }}'), true);
    assert.equal(render('{{ False or None }}'), '');
    assert.equal(render('{{ none is none }}'), true);
  });

  it('uses Python truthiness, equality and list concatenation', () => {
    assert.equal(render('{% if [] %}y{% else %}n{% endif %}'), 'n');
    assert.equal(render('{{ [] or "empty" }}'), 'empty');
    assert.equal(render('{{ [1, 2] == [1, 2] }}'), true);
    assert.equal(render("{{ '3' == 3 }}"), false);
    assert.deepEqual(render('{{ packages + ["vim"] }}'), ['nginx', 'git', 'vim']);
  });

  it('renders variables that hold templates', () => {
    assert.equal(render('{{ app_dir }}/bin'), '/srv/app/current/bin');
    assert.throws(() => render('{{ a }}', { a: '{{ b }}', b: '{{ a }}' }), /loop/);
  });

  it('supports Python string methods', () => {
    assert.deepEqual(render("{{ words.split(',') }}"), [' a', 'b  c ']);
    assert.deepEqual(render('{{ words.split() }}'), ['a,b', 'c']);
    assert.equal(render("{{ base.startswith('/srv') and base.endswith(('x', 'app')) }}"), true);
    assert.equal(render('{{ words.strip() }}'), 'a,b  c');
    assert.equal(render("{{ 'Ab'.upper() }}{{ 'Ab'.lower() }}{{ 'a-b'.replace('-', '_') }}"), 'ABaba_b');
    assert.deepEqual(render('{{ result.stdout.splitlines() }}'), ['line1', 'line2']);
    assert.deepEqual(render('{{ config.keys() | list }}'), ['port', 'tls']);
  });

  it('iterates dict keys like Python and supports items()', () => {
    assert.equal(render('{% for k in config %}{{ k }};{% endfor %}'), 'port;tls;');
    assert.equal(render('{% for k, v in config.items() %}{{ k }}={{ v is mapping }};{% endfor %}'), 'port=False;tls=True;');
  });

  it('does not expose JavaScript prototypes', () => {
    assertUndefinedError(() => render("{{ base.constructor.constructor('return 1')() }}"), 'base.constructor');
    assertUndefinedError(() => render('{{ toString }}'), 'toString');
  });
});

describe('template: undefined variables', () => {
  it('names the variable and the origin', () => {
    assertUndefinedError(() => render('{{ missing }}'), 'missing');
    assertUndefinedError(() => render('x {{ config.nope }}'), 'config.nope');
    assertUndefinedError(() => render('{{ config.tls.nope.deeper }}'), 'config.tls.nope');
    assertUndefinedError(() => render("{{ hostvars['web2'].ansible_host }}"), 'hostvars.web2');
    assertUndefinedError(() => render('{{ missing | upper }}'), 'missing');
  });

  it('allows undefined under default() and is defined', () => {
    assert.equal(render("{{ missing | default('x') }}"), 'x');
    assert.equal(render('{{ missing.a.b | d(5) }}'), '5');
    assert.equal(render("{{ config.nope | default('dflt') }}"), 'dflt');
    assert.equal(render("{{ '' | default('dflt', true) }}"), 'dflt');
    assert.equal(render("{{ '' | default('dflt') }}"), '');
    assert.equal(render('{{ missing is defined }}'), false);
    assert.equal(render('{{ missing is undefined }}'), true);
    assert.equal(render('{{ config.tls.enabled is defined }}'), true);
    assert.equal(render('{{ missing is defined and missing.x }}'), false);
  });

  it('resolves defined lookups', () => {
    assert.equal(render("{{ hostvars['web1'].ansible_host }}"), '10.0.0.1');
    assert.equal(render('{{ item.name }}', { item: { name: 'n' } }), 'n');
    assert.equal(render('{{ result.stdout }}'), 'line1\nline2');
    assert.equal(render('{{ packages[-1] }}'), 'git');
  });

  it('reports unknown filters and syntax errors as InputError', () => {
    assert.throws(() => render('{{ base | uper }}'), (e: unknown) => e instanceof InputError && /unknown filter 'uper'.*did you mean 'upper'/.test(e.message));
    assert.throws(() => render('{{ base | }}'), (e: unknown) => e instanceof InputError && e.location === location);
  });

  it('mandatory names the missing variable or uses the message', () => {
    assertUndefinedError(() => render('{{ missing | mandatory }}'), 'missing');
    assert.throws(() => render("{{ missing | mandatory('set missing') }}"), /set missing/);
  });
});

describe('template: filters', () => {
  const cases: [string, unknown][] = [
    ["{{ packages | join(', ') }}", 'nginx, git'],
    ['{{ users | join(",", attribute="name") }}', 'alice,bob'],
    ["{{ 'AbC' | lower }}{{ 'AbC' | upper }}", 'abcABC'],
    ["{{ 'a-b-c' | replace('-', '+') }}", 'a+b+c'],
    ["{{ '  x  ' | trim }}", 'x'],
    ['{{ packages | length }}{{ config | length }}{{ base | count }}', '228'],
    ['{{ packages | first }}{{ packages | last }}', 'nginxgit'],
    ["{{ 'ab' | list }}", ['a', 'b']],
    ['{{ [3, 1, 3, 2] | unique }}', [3, 1, 2]],
    ['{{ [3, 1, 2] | sort }}', [1, 2, 3]],
    ['{{ users | sort(attribute="uid", reverse=true) | map(attribute="name") | list }}', ['bob', 'alice']],
    ["{{ '42' | int + 1 }}", '43'],
    ["{{ '3.7' | int }}{{ 'x' | int }}{{ 'x' | int(7) }}", '307'],
    ["{{ '1.5' | float }}", '1.5'],
    ['{{ 5 | string }}', '5'],
    ["{{ 'yes' | bool }}{{ 'no' | bool }}{{ 1 | bool }}", 'TrueFalseTrue'],
    ['{{ config | to_json }}', '{"port": 8080, "tls": {"enabled": true}}'],
    ['{{ {"b": 1, "a": [1]} | to_nice_json }}', '{\n    "a": [\n        1\n    ],\n    "b": 1\n}'],
    ['{{ config | to_yaml }}', 'port: 8080\ntls: {enabled: true}\n'],
    ['{{ config | to_nice_yaml }}', 'port: 8080\ntls:\n    enabled: true\n'],
    ['{{ \'{"a": [1, 2]}\' | from_json }}', { a: [1, 2] }],
    ["{{ 'hello' | b64encode }}", 'aGVsbG8='],
    ["{{ 'aGVsbG8=' | b64decode }}", 'hello'],
    ["{{ '/etc/nginx/nginx.conf' | basename }}", 'nginx.conf'],
    ["{{ '/etc/nginx/nginx.conf' | dirname }}", '/etc/nginx'],
    ["{{ 'web-01' | regex_replace('^web-(\\\\d+)$', 'app\\\\1') }}", 'app01'],
    ["{{ 'Web' | regex_replace('w', 'X', ignorecase=true) }}", 'Xeb'],
    ["{{ 'ver 1.22' | regex_search('[0-9.]+') }}", '1.22'],
    ["{{ 'none' | regex_search('[0-9]+') }}", ''],
    ["{{ 'k=v' | regex_search('(\\\\w)=(\\\\w)', '\\\\2') }}", ['v']],
    ['{{ users | map(attribute="name") | list }}', ['alice', 'bob']],
    ['{{ packages | map("upper") | list }}', ['NGINX', 'GIT']],
    ['{{ [1, 2, 3, 4] | select("even") | list }}', [2, 4]],
    ['{{ [1, 2, 3, 4] | reject("even") | list }}', [1, 3]],
    ['{{ [0, 1, "", "x"] | select | list }}', [1, 'x']],
    ['{{ users | selectattr("admin") | map(attribute="name") | list }}', ['alice']],
    ['{{ users | rejectattr("admin") | map(attribute="name") | list }}', ['bob']],
    ['{{ users | selectattr("name", "match", "^b") | map(attribute="uid") | first }}', '1002'],
    ['{{ users | selectattr("uid", "equalto", 1001) | map(attribute="name") | list }}', ['alice']],
    // nunjucks' lexer ends the expression at any `}}`, so nested dict literals need `} }`.
    ['{{ {"a": 1, "n": {"x": 1} } | combine({"b": 2, "n": {"y": 2} }) }}', { a: 1, n: { y: 2 }, b: 2 }],
    ['{{ {"n": {"x": 1} } | combine({"n": {"y": 2} }, recursive=true) }}', { n: { x: 1, y: 2 } }],
    ['{{ {"a": 1} | dict2items }}', [{ key: 'a', value: 1 }]],
    ['{{ [{"key": "a", "value": 1}] | items2dict }}', { a: 1 }],
    ['{{ [{"n": "a", "v": 1}] | items2dict(key_name="n", value_name="v") }}', { a: 1 }],
    ["{{ \"it's here\" | quote }}", `'it'"'"'s here'`],
    ["{{ 'simple' | quote }}", 'simple'],
    ["{{ flag | ternary('on', 'off') }}", 'off'],
    ["{{ nothing | ternary('on', 'off', 'unset') }}", 'unset'],
    ["{{ 'a,b,,c' | split(',') }}", ['a', 'b', '', 'c']],
    ['{{ config.port | mandatory }}', '8080'],
    ['{{ [[1, [2]], 3] | flatten }}', [1, 2, 3]],
    ['{{ [1, 2, 3] | difference([2]) }}', [1, 3]],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.deepEqual(render(text), expected));
  }
});

describe('template: tests', () => {
  const cases: [string, boolean][] = [
    ['missing is defined', false],
    ['base is defined', true],
    ['missing is undefined', true],
    ['nothing is none', true],
    ['base is string', true],
    ['item is number', true],
    ['config is mapping', true],
    ['packages is mapping', false],
    ['packages is sequence', true],
    ['packages is iterable', true],
    ['result is succeeded', true],
    ['result is success', true],
    ['result is failed', false],
    ['result is failure', false],
    ['result is changed', true],
    ['result is skipped', false],
    ['skipped_result is skipped', true],
    ["base is match('/srv')", true],
    ["base is match('app')", false],
    ["base is search('app')", true],
    ["'git' is in(packages)", true],
    ["'vim' in packages", false],
    ["'2.10' is version('2.9', '>')", true],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => assert.equal(evaluateCondition(expr, vars(), origin), expected));
  }
});

describe('template: evaluateCondition', () => {
  it('evaluates bare expressions with Python truthiness', () => {
    assert.equal(evaluateCondition('item > 2 and base is defined', vars()), true);
    assert.equal(evaluateCondition('packages', vars()), true);
    assert.equal(evaluateCondition('[]', vars()), false);
    assert.equal(evaluateCondition('{}', vars()), false);
    assert.equal(evaluateCondition('not flag', vars()), true);
    assert.equal(evaluateCondition('result.rc == 0', vars()), true);
  });

  it('passes booleans through', () => {
    assert.equal(evaluateCondition(true, {}), true);
    assert.equal(evaluateCondition(false, {}), false);
  });

  // Ansible evaluates `{% if answer %}`: any non-empty string is true, 'no' and 'False' included.
  it('uses Python truth for string results, as Ansible does', () => {
    assert.equal(evaluateCondition('answer', { answer: 'no' }), true);
    assert.equal(evaluateCondition('answer', { answer: 'False' }), true);
    assert.equal(evaluateCondition('answer', { answer: 'yes' }), true);
    assert.equal(evaluateCondition('answer', { answer: '' }), false);
    assert.equal(evaluateCondition('{{ answer }}', { answer: 'False' }), false);
  });

  it('renders templated conditions, then evaluates the result', () => {
    assert.equal(evaluateCondition('{{ flag }}', vars()), false);
    assert.equal(evaluateCondition("{{ item }} == 3", vars()), true);
  });

  it('raises InputError on undefined variables', () => {
    assertUndefinedError(() => evaluateCondition('missing == 1', vars(), origin), 'missing');
  });
});

describe('template: referencedVariables', () => {
  it('lists top-level names read', () => {
    assert.deepEqual(referencedVariables('{{ base }}/{{ config.port }} {{ hostvars["w"].x }}').sort(), ['base', 'config', 'hostvars']);
  });

  it('excludes loop, set and macro bindings and globals', () => {
    const text = '{% for u in users %}{{ u.name }}{{ loop.index }}{% endfor %}{% set n = 1 %}{{ n }}{{ omit }}{{ range(3) }}{{ True }}';
    assert.deepEqual(referencedVariables(text), ['users']);
  });

  it('leaves out names guarded by default() or is defined unless asked', () => {
    const text = "{{ a | default('x') }}{% if b is defined %}{{ b }}{% endif %}{{ c }}";
    assert.deepEqual(referencedVariables(text), ['c']);
    assert.deepEqual(referencedVariables(text, { includeOptional: true }).sort(), ['a', 'b', 'c']);
  });

  it('analyses bare expressions', () => {
    assert.deepEqual(referencedVariables('result.rc == 0 and item', { expression: true }).sort(), ['item', 'result']);
    assert.deepEqual(referencedVariables('no markup here'), []);
  });
});

describe('template: renderTemplateFile', () => {
  it('applies trim_blocks but not lstrip_blocks, and keeps the trailing newline', () => {
    const text = '# users\n{% for u in users %}\n{{ u.name }}:{{ u.uid }}\n{% endfor %}\n  {% if flag %}\nnever\n  {% endif %}\nend\n';
    assert.equal(renderTemplateFile(text, vars(), origin), '# users\nalice:1001\nbob:1002\n  end\n');
  });

  it('always returns text', () => {
    assert.equal(renderTemplateFile('{{ item }}', vars(), origin), '3');
    assert.equal(renderTemplateFile('no markup\n', vars(), origin), 'no markup\n');
  });

  it('reports the template line of an undefined variable', () => {
    assert.throws(() => renderTemplateFile('a\nb {{ missing }}\n', vars(), origin), /undefined variable 'missing' in task 'Deploy' \(template line 2\)/);
  });

  it('renders a big file in small pieces whose text is the whole file, line numbers intact', () => {
    // Literal runs past the lexer's tag characters ({ } # %), multi-byte text, a loop, a macro,
    // a {% set %} block and a filter block (their own outputs), and trailing newlines to keep.
    const block = [
      'host {{ inventory }} é ✓ 😀 { not a tag } 100% # plain\n',
      '{% for u in users %}{{ u.name }}={{ u.uid }};{% endfor %}\n',
      '{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ twice("ab") }}\n',
      '{% set captured %}{{ base }}|{{ item }}{% endset %}{{ captured | upper }}\n',
      '{% filter upper %}lower {{ base }}{% endfilter %}\n',
      'x'.repeat(30_000),
      '\n',
    ].join('');
    const text = `${block.repeat(120)}{{ missing_at_the_end | default('end') }}\n\n`;
    const context = { ...vars(), inventory: 'web1' };
    const pieces = renderTemplateFilePieces(text, context, origin);
    assert.equal(pieces.join(''), renderTemplateFile(text, context, origin));
    assert.ok(pieces.join('').endsWith('\nend\n\n'));
    assert.ok(pieces.length > 50, `${pieces.length} pieces`);
    // A piece is taken once it is over 32 KiB: at most that plus one output (the 30,000 x's).
    assert.ok(Math.max(...pieces.map((piece) => piece.length)) < 32 * 1024 + 30_100, 'a piece far longer than 32 KiB');
    const failing = `${block.repeat(30)}{{ missing }}\n`;
    assert.throws(() => renderTemplateFilePieces(failing, context, origin), /undefined variable 'missing' in task 'Deploy' \(template line 181\)/);
  });
});

describe('template: renderValue and omit', () => {
  it('renders nested structures and keys', () => {
    const rendered = renderValue({ dest: '{{ base }}/x', list: ['{{ item }}', 'plain'], '{{ config.port }}': 'port', n: 5 }, vars());
    assert.deepEqual(rendered, { dest: '/srv/app/x', list: [3, 'plain'], '8080': 'port', n: 5 });
  });

  it('drops mapping keys whose value renders to omit', () => {
    const rendered = renderValue({ mode: "{{ mode | default(omit) }}", owner: 'root' }, vars());
    assert.deepEqual(rendered, { owner: 'root' });
    assert.equal(render('{{ omit }}'), OMIT);
  });
});

describe('template: compile once', () => {
  // How fast rendering is belongs to the benchmark (npm run bench), not to a timed test.
  it('renders without autoescape and compiles each text once (the second use is the cached compile)', async () => {
    const { compiled } = await import('../../lib/template/environment.js');
    const context = { ...vars(), item: 7 };
    assert.equal(renderString('{{ "<b>" }}&', context), '<b>&');
    const text = '{{ base }}/file{{ item }}.txt';
    assert.equal(renderString(text, context), "/srv/app/file7.txt");
    assert.equal(compiled(text, 'expression', undefined), compiled(text, 'expression', undefined));
  });
});

describe('template: !unsafe strings', () => {
  it('are read from YAML and never templated, alone or inside lists and other templates', async () => {
    const { parseYaml } = await import('../../lib/yaml/load.js');
    const doc = parseYaml('v: !unsafe "{{ secret }}"\nl: [!unsafe "{% raw %}", "{{ n }}"]\n', 'vars.yml') as Record<string, unknown>;
    const scope = { ...doc, n: 1 };
    assert.equal(renderString('{{ v }}', scope), '{{ secret }}');
    assert.equal(renderString('x {{ v }} y', scope), 'x {{ secret }} y');
    assert.deepEqual(renderString('{{ l }}', scope), ['{% raw %}', 1]);
    assert.deepEqual(renderValue({ arg: doc.v }, scope), { arg: '{{ secret }}' });
  });
});
