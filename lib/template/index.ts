/**
 * Ansible-compatible Jinja2 templating on nunjucks.
 *
 * - Undefined variables fail like Ansible's StrictUndefined, except as the
 *   subject of `default()`/`d()` or `is defined`/`is undefined`.
 * - Results follow Ansible's Templar: a lone `{{ expr }}` keeps a list, dict or
 *   bool, numbers come out as text (a lone `{{ var }}` of a number stays one),
 *   text that reads as a Python list/dict/bool becomes one.
 * - Strings without template markup, and `!unsafe` strings, are returned untouched.
 */
import { compiled, isGlobalName, isTemplated, OMIT, padTrailingNewlinePieces, padTrailingNewlines, run, templateString, type TemplateOrigin } from './environment.js';
import { isPlainObject, truthy } from './python.js';
import { UnsafeText } from '../yaml/unsafe.js';

export { isTemplated, OMIT, type TemplateOrigin };
export { pureReadsKey, pureReadsOf, type PureReads } from './environment.js';
export { UndefinedVariableError } from './runtime-helpers.js';
export { lookupNames, withoutControllerCommands } from './lookups.js';

/** Render one string as Ansible's Templar does (see above for the types of the result). */
export function renderString(text: string, vars: Record<string, unknown>, origin?: TemplateOrigin): unknown {
  return plainStrings(templateString(text, vars, origin));
}

/** `!unsafe` strings inside a result become plain strings once templating is done. */
function plainStrings(value: unknown): unknown {
  if (value instanceof UnsafeText) return value.toString();
  if (Array.isArray(value)) return value.some((item) => item instanceof UnsafeText || (item !== null && typeof item === 'object')) ? value.map(plainStrings) : value;
  if (isPlainObject(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = plainStrings(item);
      changed ||= out[key] !== item;
    }
    return changed ? out : value;
  }
  return value;
}

/** Render every string inside `value`; mapping entries whose value renders to `omit` are dropped. */
export function renderValue(value: unknown, vars: Record<string, unknown>, origin?: TemplateOrigin): unknown {
  if (typeof value === 'string') return renderString(value, vars, origin);
  if (value instanceof UnsafeText) return value.toString();
  if (Array.isArray(value)) return value.map((item) => renderValue(item, vars, origin));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  // Keys, not entries: no pair per key (every task's arguments of every host pass here).
  for (const key of Object.keys(value)) {
    const rendered = renderValue((value as Record<string, unknown>)[key], vars, origin);
    if (rendered === OMIT) continue;
    out[isTemplated(key) ? String(renderString(key, vars, origin)) : key] = rendered;
  }
  return out;
}

/** Render a whole template file (the `template` module): always text, trim_blocks like Ansible. */
export function renderTemplateFile(text: string, vars: Record<string, unknown>, origin: TemplateOrigin): string {
  if (!isTemplated(text)) return text;
  return padTrailingNewlines(String(run(compiled(text, 'file', origin), text, vars, origin)), text);
}

/**
 * The same, as pieces of at most a few tens of KiB (their concatenation is the file): a big
 * file's text is never one string. Pieces are V8 ropes over the template's literal text, cheap
 * until read; encode them one at a time.
 */
export function renderTemplateFilePieces(text: string, vars: Record<string, unknown>, origin: TemplateOrigin): string[] {
  if (!isTemplated(text)) return [text];
  const pieces: string[] = [];
  pieces.push(String(run(compiled(text, 'file', origin), text, vars, origin, undefined, pieces)));
  return padTrailingNewlinePieces(pieces, text);
}

/**
 * Evaluate `when`/`changed_when`/`failed_when` as Ansible's Conditional does:
 * a templated condition is rendered first (a non-text or empty result is the
 * answer), then the text is evaluated as a Jinja2 expression, with Python truth.
 */
export function evaluateCondition(expr: string | boolean, vars: Record<string, unknown>, origin?: TemplateOrigin): boolean {
  if (typeof expr === 'boolean') return expr;
  if (typeof expr !== 'string') return truthy(expr);
  let text = expr;
  if (text.trim() === '') return true;
  if (isTemplated(text)) {
    const rendered = renderString(text, vars, origin);
    if (typeof rendered !== 'string' || rendered === '') return truthy(rendered);
    text = rendered;
  }
  return truthy(run(compiled(`{{ ${text} }}`, 'expression', origin), text, vars, origin));
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
