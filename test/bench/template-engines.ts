/**
 * The engine comparison behind lib/template's choice (README, Architecture):
 * runbook's nunjucks-based engine against minijinja-js (MiniJinja compiled to
 * WebAssembly), on the differential suite (pass rate against Ansible), the cost
 * of one render of typical task arguments, and start-up (import) time.
 *
 *   npx tsc -p . && node dist/test/bench/template-engines.js
 *
 * minijinja-js gets runbook's filters and tests for the names it lacks, so the
 * comparison is of the engines, not of who wrote more Ansible filters.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderString } from '../../lib/template/index.js';
import { registeredPlugins } from '../../lib/template/environment.js';
import { caseVars, renderWithRunbook } from '../template/runbook-engine.js';
import { compare, loadSuite, runOracle, SUITE_DIR, SUITE_ENV, type Outcome, type TemplateCase } from '../template/suite.js';

const require = createRequire(import.meta.url);

interface MiniJinjaEnvironment {
  undefinedBehavior: string;
  trimBlocks: boolean;
  keepTrailingNewline: boolean;
  enablePyCompat(): void;
  addFilter(name: string, fn: (...args: unknown[]) => unknown): void;
  addTest(name: string, fn: (...args: unknown[]) => boolean): void;
  addGlobal(name: string, value: unknown): void;
  addTemplate(name: string, source: string): void;
  renderStr(source: string, ctx: unknown): string;
  renderNamedStr(name: string, source: string, ctx: unknown): string;
  renderTemplate(name: string, ctx: unknown): string;
  evalExpr(expr: string, ctx: unknown): unknown;
}

function fromMiniJinja(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromMiniJinja(v)]));
  if (Array.isArray(value)) return value.map(fromMiniJinja);
  return typeof value === 'bigint' ? Number(value) : value;
}

function miniJinja(): MiniJinjaEnvironment {
  const { Environment } = require('minijinja-js') as { Environment: new () => MiniJinjaEnvironment };
  const env = new Environment();
  env.undefinedBehavior = 'strict';
  env.trimBlocks = true;
  env.keepTrailingNewline = false; // Ansible re-adds the source's trailing newlines itself
  env.enablePyCompat();
  const { filters, tests } = registeredPlugins();
  const probe = (text: string) => {
    try {
      env.evalExpr(text, {});
      return true;
    } catch (error) {
      return !/unknown (filter|test)/.test(String((error as Error).message));
    }
  };
  for (const [name, filter] of Object.entries(filters)) {
    if (!probe(`1 | ${name}`)) env.addFilter(name, (...args: unknown[]) => (filter as (...a: unknown[]) => unknown)(...args.map(fromMiniJinja)));
  }
  for (const [name, test] of Object.entries(tests)) {
    if (!probe(`1 is ${name}`)) env.addTest(name, (...args: unknown[]) => (test as (...a: unknown[]) => boolean)(...args.map(fromMiniJinja)));
  }
  env.addGlobal('omit', '__omit_place_holder__');
  for (const name of ['base.j2', 'partial.j2', 'item_partial.j2', 'macro_lib.j2', 'lookup.j2']) {
    env.addTemplate(name, readFileSync(join(SUITE_DIR, 'templates', name), 'utf8'));
  }
  return env;
}

/** A lone `{{ expr }}` evaluates natively (evalExpr), anything else renders to text. */
function renderWithMiniJinja(env: MiniJinjaEnvironment, testCase: TemplateCase): Outcome {
  const vars = { playbook_dir: SUITE_DIR, ...(testCase.vars as Record<string, unknown>) };
  try {
    if (testCase.kind === 'condition') return { value: Boolean(env.evalExpr(testCase.text, vars)) };
    if (testCase.kind === 'file') {
      const source = readFileSync(join(SUITE_DIR, 'templates', testCase.text), 'utf8');
      const trailing = /\n*$/.exec(source)![0];
      return { value: env.renderNamedStr(testCase.text, source, vars).replace(/\n*$/, '') + trailing };
    }
    const single = /^\{\{((?:(?!\}\}|\{\{|\{%).)*)\}\}$/s.exec(testCase.text);
    if (single) return { value: fromMiniJinja(env.evalExpr(single[1], vars)) };
    return { value: env.renderStr(testCase.text, vars) };
  } catch (error) {
    return { error: String((error as Error).message).split('\n')[0] };
  }
}

/** Typical task arguments of one host, and a host with ~200 variables (group vars, facts). */
function renderWorkload(): { texts: string[]; vars: Record<string, unknown> } {
  const vars: Record<string, unknown> = {
    base: '/srv/app',
    app_dir: '{{ base }}/current',
    port: 8080,
    packages: ['nginx', 'git', 'curl'],
    users: [{ name: 'alice', admin: true }, { name: 'bob', admin: false }],
    config: { tls: { enabled: true } },
  };
  for (let i = 0; i < 200; i++) vars[`fact_${i}`] = { value: i, list: [i, `${i}`] };
  const texts = [
    '{{ app_dir }}/releases',
    '{{ packages | join(" ") }}',
    '{{ port }}',
    '/etc/nginx/sites/{{ users | selectattr("admin") | map(attribute="name") | first }}.conf',
    '{{ config.tls.enabled | ternary("ssl", "plain") }}',
    '{{ missing | default("x") }}',
  ];
  return { texts, vars };
}

function microsPerRender(render: (text: string, vars: Record<string, unknown>) => unknown): number {
  const { texts, vars } = renderWorkload();
  for (let i = 0; i < 200; i++) for (const text of texts) render(text, vars); // warm caches and JIT
  const rounds = 2000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) for (const text of texts) render(text, vars);
  return Number(process.hrtime.bigint() - start) / 1000 / (rounds * texts.length);
}

/** Milliseconds to import an engine and render one string, in a fresh Node process (median of 5). */
function startupMillis(importCode: string): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now();${importCode};console.log(performance.now()-t)`], {
      cwd: join(fileURLToPath(import.meta.url), '../../../..'),
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(run.stderr);
    times.push(Number(run.stdout.trim()));
  }
  return times.sort((a, b) => a - b)[2];
}

function main(): void {
  Object.assign(process.env, SUITE_ENV);
  const suite = loadSuite();
  const oracle = runOracle(suite.cases);
  // A JS filter that throws makes minijinja-js panic (an unwrap in its bindings) and leaves the
  // environment unusable ("recursive use of an object"), so a case that failed gets a fresh one.
  let mini = miniJinja();
  const miniRender = (c: TemplateCase) => {
    const outcome = renderWithMiniJinja(mini, c);
    if ('error' in outcome) mini = miniJinja();
    return outcome;
  };
  const engines: [string, (c: TemplateCase) => Outcome][] = [
    ['runbook (nunjucks, extended)', (c) => renderWithRunbook(c, caseVars(c))],
    ['minijinja-js 2.11.0', miniRender],
  ];
  const rows: string[] = [];
  for (const [name, render] of engines) {
    const byGroup = new Map<string, [number, number]>();
    let passed = 0;
    for (const testCase of suite.cases) {
      const same = compare(oracle.get(testCase.id)!, render(testCase)).same;
      if (same) passed++;
      const counts = byGroup.get(testCase.group) ?? [0, 0];
      counts[0] += same ? 1 : 0;
      counts[1]++;
      byGroup.set(testCase.group, counts);
    }
    const groups = [...byGroup].map(([group, [ok, all]]) => `${group} ${ok}/${all}`).join('; ');
    rows.push(`${name}: ${passed}/${suite.cases.length} (${((100 * passed) / suite.cases.length).toFixed(1)}%) — ${groups}`);
  }
  console.log('pass rate against Ansible:');
  for (const row of rows) console.log(`  ${row}`);
  const runbookMicros = microsPerRender((text, vars) => renderString(text, vars));
  mini = miniJinja();
  const miniMicros = microsPerRender((text, vars) => {
    const single = /^\{\{((?:(?!\}\}|\{\{|\{%).)*)\}\}$/s.exec(text);
    return single ? mini.evalExpr(single[1], vars) : mini.renderStr(text, vars);
  });
  console.log(`µs per render (6 task-argument strings, host with 200 variables): runbook ${runbookMicros.toFixed(1)}, minijinja-js ${miniMicros.toFixed(1)}`);
  const runbookStart = startupMillis("const m=await import('./dist/lib/template/index.js');m.renderString('{{ 1 }}',{})");
  const miniStart = startupMillis("const {createRequire}=await import('node:module');const r=createRequire(process.cwd()+'/x.js');const {Environment}=r('minijinja-js');new Environment().renderStr('{{ 1 }}',{})");
  console.log(`start-up ms (import + first render in a fresh process, median of 5): runbook ${runbookStart.toFixed(1)}, minijinja-js ${miniStart.toFixed(1)}`);
}

main();
