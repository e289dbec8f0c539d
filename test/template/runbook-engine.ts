/** runbook's template engine, driven through its public API, for the differential suite. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateCondition, renderString, renderTemplateFile } from '../../lib/template/index.js';
import { UnsafeText } from '../../lib/yaml/unsafe.js';
import { SUITE_DIR, SUITE_ENV, type Outcome, type TemplateCase } from './suite.js';

/** Case vars as runbook's YAML loader would give them: `{$unsafe: text}` is a `!unsafe` string. */
export function runbookVars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(runbookVars);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length === 1 && typeof record.$unsafe === 'string') return new UnsafeText(record.$unsafe);
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, runbookVars(item)]));
}

export function caseVars(testCase: TemplateCase): Record<string, unknown> {
  return { playbook_dir: SUITE_DIR, ...(runbookVars(testCase.vars) as Record<string, unknown>) };
}

export function renderWithRunbook(testCase: TemplateCase, vars = caseVars(testCase)): Outcome {
  Object.assign(process.env, SUITE_ENV);
  const origin = { what: `case ${testCase.id}` };
  try {
    switch (testCase.kind) {
      case 'expr':
        return { value: renderString(testCase.text, vars, origin) };
      case 'condition':
        return { value: evaluateCondition(testCase.text, vars, origin) };
      case 'file': {
        const path = join(SUITE_DIR, 'templates', testCase.text);
        return { value: renderTemplateFile(readFileSync(path, 'utf8'), vars, { what: `template ${testCase.text}`, file: path }) };
      }
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
}
