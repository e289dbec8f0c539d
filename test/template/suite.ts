/**
 * The differential template suite: cases from test/fixtures/template/cases.yaml,
 * rendered by Ansible itself (oracle.py, one Python process for all cases) and
 * compared with what an engine under test renders, native types included.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';

const here = dirname(fileURLToPath(import.meta.url));
/** The fixture folder, from the source tree (dist/test/template -> test/fixtures/template). */
export const SUITE_DIR = resolve(here, '../../../test/fixtures/template');
const ORACLE = join(SUITE_DIR, 'oracle.py');
/** Debian's Python, which has ansible-core and the ansible collections; never a pyenv shim. */
const PYTHON = '/usr/bin/python3';
/** Environment both sides see, for lookup('env'). */
export const SUITE_ENV = { RUNBOOK_TEMPLATE_SUITE: 'from the environment' };

export type CaseKind = 'expr' | 'condition' | 'file';

export interface TemplateCase {
  id: string; // "group: text", unique
  group: string;
  kind: CaseKind;
  text: string; // expression string, condition, or template file name
  vars: Record<string, unknown>; // as written; {$unsafe: text} marks an !unsafe string
}

export interface Suite {
  cases: TemplateCase[];
  /** Case id -> why runbook knowingly renders it differently. */
  unsupported: Map<string, string>;
}

interface GroupSpec {
  name: string;
  vars?: Record<string, unknown>;
  expr?: string[];
  when?: string[];
  file?: string[];
}

export function loadSuite(): Suite {
  const doc = yaml.load(readFileSync(join(SUITE_DIR, 'cases.yaml'), 'utf8')) as { groups: GroupSpec[]; unsupported?: Record<string, string> };
  const cases: TemplateCase[] = [];
  const seen = new Set<string>();
  for (const group of doc.groups) {
    const kinds: [CaseKind, string[] | undefined][] = [
      ['expr', group.expr],
      ['condition', group.when],
      ['file', group.file],
    ];
    for (const [kind, texts] of kinds) {
      for (const text of texts ?? []) {
        const id = `${group.name}: ${kind === 'condition' ? 'when ' : ''}${text}`;
        if (seen.has(id)) throw new Error(`duplicate case ${id}`);
        seen.add(id);
        cases.push({ id, group: group.name, kind, text, vars: group.vars ?? {} });
      }
    }
  }
  const unsupported = new Map(Object.entries(doc.unsupported ?? {}));
  for (const id of unsupported.keys()) if (!seen.has(id)) throw new Error(`'unsupported' names no case: ${id}`);
  return { cases, unsupported };
}

/** What a case rendered to: a value (Python types encoded as oracle.py does) or a refusal. */
export type Outcome = { value: unknown } | { error: string };

/** Run the oracle once over every case. */
export function runOracle(cases: TemplateCase[]): Map<string, Outcome> {
  const request = { basedir: SUITE_DIR, cases: cases.map((c) => ({ id: c.id, kind: c.kind, text: c.text, vars: c.vars })) };
  const run = spawnSync(PYTHON, [ORACLE], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...SUITE_ENV, ANSIBLE_DEPRECATION_WARNINGS: 'False', ANSIBLE_NOCOLOR: '1' },
  });
  if (run.status !== 0) throw new Error(`oracle failed (exit ${run.status}): ${run.stderr}`);
  const results = JSON.parse(run.stdout) as ({ id: string } & Outcome)[];
  return new Map(results.map(({ id, ...outcome }) => [id, outcome as Outcome]));
}

/**
 * Oracle encoding -> JavaScript values: a float is a number (JavaScript has one
 * numeric type; text output still shows Python's `3.0`), a tuple a list.
 */
export function fromOracle(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromOracle);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if ('$float' in record) {
    const text = String(record.$float);
    return text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text);
  }
  if ('$tuple' in record) return (record.$tuple as unknown[]).map(fromOracle);
  if ('$type' in record) return { $type: record.$type, $repr: record.$repr };
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, fromOracle(item)]));
}

/** A JS value as comparable data: Maps become objects, String objects strings. */
export function plain(value: unknown): unknown {
  if (value instanceof String) return value.toString();
  if (Array.isArray(value)) return Array.from(value, plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), plain(item)]));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

export interface Verdict {
  same: boolean;
  expected: string;
  actual: string;
}

function show(outcome: Outcome): string {
  if ('error' in outcome) return `error: ${outcome.error.slice(0, 200)}`;
  return `${JSON.stringify(outcome.value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))} (${Array.isArray(outcome.value) ? 'list' : outcome.value === null ? 'None' : typeof outcome.value})`;
}

/** Same when both refuse, or both render the same value of the same type (dict key order included). */
export function compare(oracle: Outcome, actual: Outcome): Verdict {
  const expected = 'error' in oracle ? oracle : { value: fromOracle(oracle.value) };
  const got = 'error' in actual ? actual : { value: plain(actual.value) };
  let same: boolean;
  if ('error' in expected || 'error' in got) same = 'error' in expected && 'error' in got;
  else same = isDeepStrictEqual(expected.value, got.value) && sameKeyOrder(expected.value, got.value);
  return { same, expected: show(expected), actual: show(got) };
}

function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.every((item, i) => sameKeyOrder(item, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    return keysA.join('\0') === keysB.join('\0') && keysA.every((key) => sameKeyOrder((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return true;
}
