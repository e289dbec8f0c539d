/**
 * Ansible-compatible Jinja2 templating on nunjucks.
 *
 * - Undefined variables fail like Ansible's StrictUndefined, except as the
 *   subject of `default()`/`d()` or `is defined`/`is undefined`.
 * - A string that is exactly one `{{ expr }}` renders to the native value.
 * - Strings without template markup are returned untouched, without nunjucks.
 */
import { compiled, isGlobalName, isTemplated, OMIT, run, type TemplateOrigin } from './environment.js';
import { conditionTruth, isPlainObject } from './python.js';

export { isTemplated, OMIT, type TemplateOrigin };
export { UndefinedVariableError } from './runtime-helpers.js';

/** Render one string; a lone `{{ expr }}` yields its native value (list, dict, number, bool...). */
export function renderString(text: string, vars: Record<string, unknown>, origin?: TemplateOrigin): unknown {
  if (!isTemplated(text)) return text;
  return run(compiled(text, 'expression', origin), text, vars, origin);
}

/** Render every string inside `value`; mapping entries whose value renders to `omit` are dropped. */
export function renderValue(value: unknown, vars: Record<string, unknown>, origin?: TemplateOrigin): unknown {
  if (typeof value === 'string') return renderString(value, vars, origin);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, vars, origin));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const rendered = renderValue(item, vars, origin);
    if (rendered === OMIT) continue;
    out[isTemplated(key) ? String(renderString(key, vars, origin)) : key] = rendered;
  }
  return out;
}

/** Render a whole template file (the `template` module): always text, trim_blocks like Ansible. */
export function renderTemplateFile(text: string, vars: Record<string, unknown>, origin: TemplateOrigin): string {
  if (!isTemplated(text)) return text;
  return String(run(compiled(text, 'file', origin), text, vars, origin));
}

/**
 * Evaluate `when`/`changed_when`/`failed_when`: a bare Jinja2 expression, or a
 * templated string whose result is then evaluated, as Ansible does.
 */
export function evaluateCondition(expr: string | boolean, vars: Record<string, unknown>, origin?: TemplateOrigin): boolean {
  if (typeof expr === 'boolean') return expr;
  if (typeof expr !== 'string') return conditionTruth(expr);
  let text = expr.trim();
  if (text === '') return true;
  if (isTemplated(text)) {
    const rendered = renderString(text, vars, origin);
    if (typeof rendered !== 'string') return conditionTruth(rendered);
    text = rendered.trim();
    if (/^(true|false|yes|no|on|off|y|n|t|f|0|1|)$/i.test(text)) return conditionTruth(text);
  }
  return conditionTruth(run(compiled(`{{ ${text} }}`, 'expression', origin), text, vars, origin));
}

export interface ReferencedVariablesOptions {
  /** Treat `text` as a bare expression (a `when:` condition) instead of a template. */
  expression?: boolean;
  /**
   * Also list names that are only read where undefined is allowed (`x | default(1)`,
   * `x is defined`). Off by default: the result is what must be defined for
   * rendering to succeed, which is what an up-front undefined check wants.
   */
  includeOptional?: boolean;
  origin?: TemplateOrigin;
}

/**
 * Top-level variable names a template or expression reads, excluding names it
 * binds itself (`for`, `set`, macros) and globals such as `omit` and `range`.
 */
export function referencedVariables(text: string, options: ReferencedVariablesOptions = {}): string[] {
  const source = options.expression ? `{{ ${text} }}` : text;
  if (!isTemplated(source)) return [];
  const { analysis } = compiled(source, 'expression', options.origin);
  const names = new Set<string>();
  for (const name of analysis.strictReads) {
    // A name also tested with `is defined` or `default()` is taken to be guarded.
    if (options.includeOptional || !analysis.optionalReads.has(name)) names.add(name);
  }
  if (options.includeOptional) for (const name of analysis.optionalReads) names.add(name);
  return [...names].filter((name) => !analysis.boundNames.has(name) && !isGlobalName(name));
}
