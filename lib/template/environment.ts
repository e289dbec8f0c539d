/**
 * The one nunjucks Environment runbook uses, the compiled-template cache, and
 * the render call that turns template failures into InputErrors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { didYouMean, InputError, type SourceLocation } from '../errors.js';
import { analyzeTemplate, singleExpression, type TemplateAnalysis } from './analysis.js';
import type { Filter, Test } from './arguments.js';
import { generateCode } from './compiler.js';
import { coreFilters } from './filters-core.js';
import { dataFilters } from './filters-data.js';
import { nunjucks, transformer, type NunjucksRuntime, type RootRenderFunction } from './nunjucks-internals.js';
import { runtimeHelpers, UndefinedVariableError } from './runtime-helpers.js';
import { ansibleTests } from './tests.js';
import { moreFilters } from './filters-more.js';
import { networkFilters, networkTests } from './filters-network.js';
import { runLookup, type LookupScope } from './lookups.js';
import { splitKeywords, toList } from './arguments.js';
import { literalEval } from './literal.js';
import { isPlainObject, PyTuple, pyStr } from './python.js';
import { UnsafeText } from '../yaml/unsafe.js';
import { hasSecrets, noteRead } from '../vault/redact.js';

/** Where a template came from, for error messages. */
export interface TemplateOrigin {
  what: string; // e.g. "task 'Install packages' argument 'name'"
  location?: SourceLocation;
  /** The template file being rendered: errors name it with the line; includes look next to it. */
  file?: string;
}

/**
 * The value of `omit`. A string, like Ansible's placeholder, so it survives
 * being passed through filters; mappings drop keys whose value is exactly this.
 */
export const OMIT = '__omit_place_holder__runbook__';

// Ansible's template module and Templar: trim_blocks=True, lstrip_blocks=False,
// no autoescaping. Trailing newlines are kept, as nunjucks always does.
const LEXER_OPTIONS = { trimBlocks: true, lstripBlocks: false };

type NunjucksEnvironment = InstanceType<typeof nunjucks.Environment> & {
  filters: Record<string, Filter>;
  tests: Record<string, Test>;
  globals: Record<string, unknown>;
  rb: typeof runtimeHelpers;
  addTest(name: string, test: Test): void;
};

const env = new nunjucks.Environment([], { autoescape: false, ...LEXER_OPTIONS }) as NunjucksEnvironment;
env.rb = runtimeHelpers;
const registry = {
  filter(name: string): Filter {
    if (!Object.hasOwn(env.filters, name)) throw new Error(`unknown filter '${name}'${didYouMean(name, Object.keys(env.filters))}`);
    return env.filters[name];
  },
  test(name: string): Test {
    if (!Object.hasOwn(env.tests, name)) throw new Error(`unknown test '${name}'${didYouMean(name, Object.keys(env.tests))}`);
    return env.tests[name];
  },
};
const filters: Record<string, Filter> = { ...coreFilters(registry), ...dataFilters(), ...moreFilters(), ...networkFilters() };
filters.d = filters.default;
filters.count = filters.length;
filters.dict = (value: unknown) => Object.fromEntries(toList(value).map((pair) => [pyStr((pair as unknown[])[0]), (pair as unknown[])[1]]));
const tests: Record<string, Test> = { ...ansibleTests(), ...networkTests() };
// Fully qualified names: ansible.builtin.* for everything, and the collections roles name for theirs.
const COLLECTION_FILTERS: Record<string, string[]> = {
  'community.general': ['json_query', 'dict'],
  'ansible.utils': Object.keys(networkFilters()),
  'ansible.netcommon': Object.keys(networkFilters()),
};
for (const [name, filter] of Object.entries(filters)) {
  env.addFilter(name, filter);
  env.addFilter(`ansible.builtin.${name}`, filter);
}
for (const [collection, names] of Object.entries(COLLECTION_FILTERS)) for (const name of names) env.addFilter(`${collection}.${name}`, filters[name]);
for (const [name, test] of Object.entries(tests)) {
  env.addTest(name, test);
  env.addTest(`ansible.builtin.${name}`, test);
}
for (const name of Object.keys(networkTests())) env.addTest(`ansible.utils.${name}`, tests[name]);
env.addGlobal('omit', OMIT);

/** Jinja2's namespace(): the one object `{% set ns.attr = value %}` may change from inside a loop. */
export class Namespace {}

type Context = RenderContext;
env.addGlobal('lookup', function lookup(this: Context, name: unknown, ...args: unknown[]) {
  return runLookup(this.lookupScope(), false, name, args);
});
const query = function query(this: Context, name: unknown, ...args: unknown[]) {
  return runLookup(this.lookupScope(), true, name, args);
};
env.addGlobal('query', query);
env.addGlobal('q', query);
env.addGlobal('dict', (...args: unknown[]) => {
  const [positional, keywords] = splitKeywords(args);
  return { ...(positional.length ? (filters.dict(positional[0]) as Record<string, unknown>) : {}), ...keywords };
});
env.addGlobal('namespace', (...args: unknown[]) => {
  const [positional, keywords] = splitKeywords(args);
  return Object.assign(new Namespace(), ...(positional as object[]), keywords);
});

/** Filters whose text result Ansible never parses back into a list or dict (C.STRING_TYPE_FILTERS). */
const TEXT_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/**
 * `{% include %}` (and `{% import %}`): nunjucks asks the environment for the
 * template; we compile it with our compiler and render it with the including
 * render's variables and frame (loop variables), as Jinja2 does. Searched next
 * to the including file, then in `<playbook_dir>/templates` and `<playbook_dir>`.
 */
const renderStack: RenderContext[] = [];
(env as unknown as { getTemplate: unknown }).getTemplate = (name: string, _eager: unknown, parentName: unknown, _ignoreMissing: unknown, cb: (err: unknown, tmpl?: unknown) => void) => {
  const context = renderStack[renderStack.length - 1];
  const base = context?.lookup('playbook_dir');
  const roots = [context?.templateFile ? dirname(context.templateFile) : undefined, typeof base === 'string' ? join(base, 'templates') : undefined, typeof base === 'string' ? base : undefined];
  const file = roots.filter((root): root is string => root !== undefined).map((root) => join(root, String(name))).find((candidate) => existsSync(candidate));
  if (!file || !context) return cb(new Error(`template not found: ${name}`));
  const text = readFileSync(file, 'utf8');
  const origin = { what: `template ${name} included`, file };
  const template = compiled(text, 'file', origin);
  const included = {
    render(_vars: unknown, parentFrame: { push(isolate: boolean): unknown } | undefined, done: (err: unknown, out?: string) => void) {
      try {
        done(null, String(run(template, text, context.scopeVariables(), origin, parentFrame?.push(false))));
      } catch (error) {
        done(error);
      }
    },
    getExported(_vars: unknown, _frame: unknown, done: (err: unknown, exported?: unknown) => void) {
      done(new Error(`{% import %} of '${name}' is not supported; use {% include %} or define the macro in this template`));
    },
  };
  cb(null, included);
  return included;
};

const runtime = nunjucks.runtime;
const MAX_NESTING = 32;
let nestingDepth = 0; // rendering is synchronous, so one counter suffices
const globals = env.globals;
const objectPrototype = Object.prototype as unknown as Record<string, unknown>;

/** Cheap test for Jinja2 markup: `{{`, `{%` or `{#`. */
export function isTemplated(text: string): boolean {
  let at = text.indexOf('{');
  while (at !== -1) {
    const next = text.charCodeAt(at + 1);
    if (next === 123 /* { */ || next === 37 /* % */ || next === 35 /* # */) return true;
    at = text.indexOf('{', at + 1);
  }
  return false;
}

/** Names that resolve without being user variables. */
export function isGlobalName(name: string): boolean {
  return Object.hasOwn(globals, name);
}

/**
 * What generated code calls `context`: variable lookup plus the bookkeeping of
 * top-level `{% set %}`. Unlike nunjucks' Context it does not copy the
 * variables, which matters when a host has hundreds of them.
 */
class RenderContext {
  private locals: Record<string, unknown> | undefined;
  /** Set for a file rendered in pieces: the root's output is moved here piece by piece (see compiler.ts). */
  pieces: string[] | undefined;
  constructor(
    private readonly vars: Record<string, unknown>,
    readonly env: NunjucksEnvironment,
    private readonly origin: TemplateOrigin | undefined,
  ) {}

  lookup(name: string): unknown {
    if (this.locals && Object.hasOwn(this.locals, name)) return this.locals[name];
    const value = this.vars[name];
    // Prototype chains are allowed (layered variable scopes) but not Object's own members.
    if (value !== undefined && value !== objectPrototype[name]) {
      // A vault value read here makes whatever is rendered from it secret (see engine/task.ts).
      noteRead(value);
      return this.resolveNested(value);
    }
    return Object.hasOwn(globals, name) ? globals[name] : undefined;
  }

  /**
   * Variables may hold templates themselves (`app_dir: "{{ base }}/app"`);
   * Ansible renders them when read, and so do we, with the same variables.
   */
  resolveNested(value: unknown): unknown {
    if (typeof value === 'string') {
      if (!isTemplated(value)) return value;
    } else if (value instanceof UnsafeText) return value;
    else if (value === null || typeof value !== 'object' || !holdsTemplates(value)) return value;
    if (nestingDepth >= MAX_NESTING) {
      throw new Error(`recursive loop detected: variables refer to each other in a loop (or nest deeper than ${MAX_NESTING}): '${pyStr(value)}'`);
    }
    nestingDepth++;
    try {
      return templateValue(value, this.vars, this.origin);
    } finally {
      nestingDepth--;
    }
  }
  setVariable(name: string, value: unknown): void {
    (this.locals ??= {})[name] = value;
  }
  getVariables(): Record<string, unknown> {
    return { ...this.vars, ...this.locals };
  }
  /** The variables with this render's top-level `{% set %}`s, keeping the layered scopes of `vars`. */
  scopeVariables(): Record<string, unknown> {
    return this.locals ? Object.assign(Object.create(this.vars) as Record<string, unknown>, this.locals) : this.vars;
  }
  lookupScope(): LookupScope {
    return {
      variable: (name) => this.lookup(name),
      renderFile: (text, file, extra) =>
        padTrailingNewlines(String(run(compiled(text, 'file', this.origin), text, Object.assign(Object.create(this.scopeVariables()), extra), { ...this.origin, what: this.origin?.what ?? file, file })), text),
    };
  }
  /** The file being rendered, for includes. */
  get templateFile(): string | undefined {
    return this.origin?.file;
  }
  addExport(): void {}
  getBlock(name: string): never {
    throw new Error(`template blocks are not supported (block '${name}')`);
  }
}

export interface CompiledTemplate {
  render: RootRenderFunction;
  native: boolean;
  /** A native template whose value comes from a filter of TEXT_FILTERS: kept as text. */
  text: boolean;
  analysis: TemplateAnalysis;
  /** Its results by the values it reads (see renderMemoOf): undefined until first asked, null when it never has one. */
  memo?: RenderMemo | null;
}

type CacheEntry = CompiledTemplate | { error: Error & { lineno?: number; colno?: number } };

const MAX_CACHED = 20_000;
const caches = { expression: new Map<string, CacheEntry>(), file: new Map<string, CacheEntry>() };

/**
 * The source as Jinja2 lexes it: newlines normalised to `\n` and one trailing
 * newline dropped (keep_trailing_newline=False); Ansible adds newlines back
 * after rendering (see padTrailingNewlines).
 */
export function jinjaSource(text: string): string {
  const normalised = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  // Jinja2's trim_blocks also drops the newline after a comment and after {% endraw %}; nunjucks' does not.
  // ...while after {% raw %} it keeps the newline nunjucks would drop.
  const trimmed = normalised.includes('#}') || normalised.includes('raw') ? normalised.replace(/(#\}|\{%-?\s*endraw\s*-?%\})\n/g, '$1').replace(/(\{%-?\s*raw\s*%\})\n/g, '$1\n\n') : normalised;
  return trimmed.endsWith('\n') ? trimmed.slice(0, -1) : trimmed;
}

/** Ansible's preserve_trailing_newlines: the output ends with at least as many newlines as the source. */
export function padTrailingNewlines(output: string, source: string): string {
  const missing = wantedNewlines(source) - trailingNewlines(output);
  return missing > 0 ? output + '\n'.repeat(missing) : output;
}

/** The same for an output in pieces; only the last pieces are looked at. */
export function padTrailingNewlinePieces(pieces: string[], source: string): string[] {
  let present = 0;
  for (let i = pieces.length - 1; i >= 0; i--) {
    const count = trailingNewlines(pieces[i]);
    present += count;
    if (count < pieces[i].length) break;
  }
  const missing = wantedNewlines(source) - present;
  return missing > 0 ? [...pieces, '\n'.repeat(missing)] : pieces;
}

function wantedNewlines(source: string): number {
  return trailingNewlines(source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source);
}

function trailingNewlines(text: string): number {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === '\n') count++;
  return count;
}

function compile(text: string, allowNative: boolean): CompiledTemplate {
  const parsed = nunjucks.parser.parse(jinjaSource(text), [], LEXER_OPTIONS);
  const root = transformer.transform(parsed, [], 'template');
  const analysis = analyzeTemplate(root);
  for (const [name, node] of analysis.filters) {
    if (!Object.hasOwn(env.filters, name)) {
      throw Object.assign(new Error(`unknown filter '${name}'${didYouMean(name, Object.keys(env.filters))}`), { lineno: node.lineno + 1 });
    }
  }
  for (const [name, node] of analysis.tests) {
    if (!Object.hasOwn(env.tests, name)) {
      throw Object.assign(new Error(`unknown test '${name}'${didYouMean(name, Object.keys(env.tests))}`), { lineno: node.lineno + 1 });
    }
  }
  const nativeExpression = allowNative ? singleExpression(root) : undefined;
  const { code, parameter, literals } = generateCode(root, nativeExpression);
  const render = (new Function(parameter, code) as (text: string[]) => { root: RootRenderFunction })(literals).root;
  const textResult = nativeExpression?.typename === 'Filter' && TEXT_FILTERS.has(String(nativeExpression.name.value).replace(/^ansible\.builtin\./, ''));
  return { render, native: nativeExpression !== undefined, text: textResult, analysis };
}

/** The compiled form of `text`, from cache when possible; throws InputError on syntax errors. */
export function compiled(text: string, kind: 'expression' | 'file', origin: TemplateOrigin | undefined): CompiledTemplate {
  const cache = caches[kind];
  let entry = cache.get(text);
  if (!entry) {
    try {
      entry = compile(text, kind === 'expression');
    } catch (error) {
      entry = { error: error as Error };
    }
    if (cache.size >= MAX_CACHED) cache.clear(); // crude, but bounded and cheap
    cache.set(text, entry);
  }
  if ('error' in entry) throw templateError(entry.error, text, origin);
  return entry;
}

/** Run a compiled template; native templates return the expression's value. */
/** Whether a list or dict holds a template or an `!unsafe` string somewhere (cached: variables do not change). */
const templatesInside = new WeakMap<object, boolean>();
function holdsTemplates(value: object): boolean {
  let known = templatesInside.get(value);
  if (known === undefined) {
    const items = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
    known = items.some((item) =>
      typeof item === 'string' ? isTemplated(item) : item instanceof UnsafeText || (item !== null && typeof item === 'object' && holdsTemplates(item)),
    );
    templatesInside.set(value, known);
  }
  return known;
}

// Ansible's Templar.SINGLE_VAR: a template that is one bare variable name.
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}\n?$/; // Python's `$` also matches before a final newline

/**
 * Ansible's Templar.template() of a string: a lone `{{ name }}` of a number,
 * bool or None returns it as is; otherwise the template renders and its result
 * goes through ansible_eval_concat (a single node keeps a list, dict or bool;
 * numbers become text; text that reads as a Python list, dict or bool is
 * parsed back into one), and trailing newlines of the source are kept.
 */
export function templateString(text: string, vars: Record<string, unknown>, origin: TemplateOrigin | undefined): unknown {
  if (!isTemplated(text)) return text;
  const single = SINGLE_VAR.exec(text);
  if (single) {
    const value = vars[single[1]];
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  }
  const template = compiled(text, 'expression', origin);
  const result = run(template, text, vars, origin);
  const value = template.native ? (template.text ? pyStr(result) : nativeNode(result)) : literalOrText(result as string);
  return typeof value === 'string' ? padTrailingNewlines(value, text) : value;
}

/** Templar.template() over a value: strings as above, lists and dicts item by item, `!unsafe` untouched. */
export function templateValue(value: unknown, vars: Record<string, unknown>, origin: TemplateOrigin | undefined): unknown {
  if (typeof value === 'string') return templateString(value, vars, origin);
  if (value instanceof UnsafeText) return value;
  if (Array.isArray(value)) return value.map((item) => templateValue(item, vars, origin));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = templateValue(item, vars, origin);
    return out;
  }
  return value;
}

/** ansible_eval_concat of one node: None prints as '', numbers as text, containers and bools stay. */
function nativeNode(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return literalOrText(value);
  if (value instanceof UnsafeText) return value.toString(); // never parsed, never templated
  if (value instanceof PyTuple) return pyStr(value); // "(1, 2)": not a literal Ansible parses back
  if (typeof value === 'boolean' || Array.isArray(value) || isPlainObject(value)) return value;
  return literalOrText(pyStr(value));
}

function literalOrText(text: string): unknown {
  if (text.startsWith('[') || text.startsWith('{') || text === 'True' || text === 'False') {
    try {
      return literalEval(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * A template's results, remembered by the values of the variables it reads. Every host renders
 * every task at least twice (preflight, then the run), and most templates read the same values on
 * many hosts; a render is a pure function of those values when the template only reads variables
 * (no lookup, no other template file, no filter or test that reads the clock, chance or the
 * controller's files: PURE_FILTERS, PURE_TESTS, PURE_GLOBALS) and each value is plain data without
 * template markup (text, numbers, bools, None, and lists and mappings of them; an `!unsafe` text, a
 * vault value or any other object is not). Its methods (`x.startswith(y)`) are only trusted on
 * scalars: a mapping's could change it (`d.update(..)`). The key spells out every value read (a
 * list by its items), so a changed variable is a different key, never a stale result. Only
 * scalar results (and a file's text pieces) are kept: a caller may change a list it was given.
 * Not used while a vault value is known (its reads must be counted: see vault/redact.ts).
 */
interface RenderMemo {
  /** Every name the template reads or binds, in the order of the key. */
  names: string[];
  /** Methods are called: every value read must be a scalar. */
  scalarsOnly: boolean;
  results: Map<string, { value: unknown; pieces?: string[] }>;
  /** Times `results` filled up and was emptied: past MEMO_REFILLS the values differ too much to be worth it. */
  refills: number;
  /** Renders whose values could not be spelled out, and results ever stored: see MEMO_UNKEYED. */
  unkeyed: number;
  stored: number;
}

const MEMO_ENTRIES = 64;
const MEMO_REFILLS = 4;
/** Renders without a key before a template that never had one stops being tried. */
const MEMO_UNKEYED = 32;
/** Longest output (in UTF-16 units) kept; a big file's pieces are left to be rendered again. */
const MEMO_MAX_OUTPUT = 64 * 1024;
/** Values (items of lists and mappings counted) a key may spell out. */
const MEMO_MAX_VALUES = 256;

/** Filters that are functions of their arguments alone and change none of them (map, select and the like call filters and tests by name: left out). */
const PURE_FILTERS = new Set([
  'abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'escape', 'e', 'safe', 'first', 'forceescape', 'groupby', 'indent', 'join',
  'last', 'length', 'count', 'list', 'lower', 'nl2br', 'replace', 'reverse', 'round', 'slice', 'sum', 'sort', 'string', 'striptags', 'title',
  'trim', 'truncate', 'upper', 'urlencode', 'urlize', 'wordcount', 'float', 'int', 'mandatory', 'ternary', 'split', 'quote', 'format', 'bool',
  'type_debug', 'unique', 'flatten', 'min', 'max', 'difference', 'intersect', 'union', 'zip', 'to_json', 'to_nice_json', 'from_json', 'to_yaml',
  'to_nice_yaml', 'from_yaml', 'b64encode', 'b64decode', 'basename', 'dirname', 'splitext', 'regex_replace', 'regex_search', 'regex_findall',
  'regex_escape', 'combine', 'dict2items', 'items2dict', 'hash', 'checksum', 'sha1', 'md5', 'path_join', 'urlsplit', 'symmetric_difference',
  'product', 'permutations', 'combinations', 'zip_longest', 'comment', 'to_uuid', 'human_to_bytes', 'human_readable', 'subelements', 'items',
  'attr', 'wordwrap', 'filesizeformat', 'dict',
]);
const PURE_TESTS = new Set([
  'defined', 'undefined', 'divisibleby', 'equalto', 'eq', 'sameas', 'even', 'odd', 'falsy', 'truthy', 'ge', 'greaterthan', 'gt', 'le',
  'lessthan', 'lt', 'ne', 'lower', 'upper', 'null', 'none', 'number', 'string', 'iterable', 'mapping', 'integer', 'float', 'boolean',
  'sequence', 'succeeded', 'success', 'successful', 'true', 'false', 'failed', 'failure', 'changed', 'change', 'skipped', 'skip', 'match',
  'search', 'regex', 'in', 'contains', 'issubset', 'subset', 'issuperset', 'superset', 'version', 'version_compare',
]);
/** Globals that make their value from their arguments (lookup, query and q read the world). */
const PURE_GLOBALS = new Set(['omit', 'dict', 'namespace', 'range', 'cycler', 'joiner']);

function bareName(name: string): string {
  return name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;
}

function renderMemoOf(template: CompiledTemplate): RenderMemo | null {
  if (template.memo !== undefined) return template.memo;
  const { analysis } = template;
  const pure =
    !analysis.readsOtherTemplates &&
    [...analysis.filters.keys()].every((name) => PURE_FILTERS.has(bareName(name))) &&
    [...analysis.tests.keys()].every((name) => PURE_TESTS.has(bareName(name)));
  template.memo = pure
    ? { names: [...new Set([...analysis.strictReads, ...analysis.optionalReads, ...analysis.boundNames])], scalarsOnly: analysis.callsMethods, results: new Map(), refills: 0, unkeyed: 0, stored: 0 }
    : null;
  return template.memo;
}

/**
 * The variables some templates read, when rendering them (its result, or its error) is a function
 * of those values alone: the conditions of a render memo (RenderMemo), for a caller that remembers
 * what it did with a rendering, as preflight remembers a task it checked.
 */
export interface PureReads {
  names: string[];
  /** Methods are called: every value read must be a scalar. */
  scalarsOnly: boolean;
}

/**
 * What the templates among `texts` read together, or null when one reads more than variables (a
 * lookup, another template, a filter or test that reads the clock, chance or the controller's
 * files) or does not compile (its error is the renderer's to give).
 */
export function pureReadsOf(texts: Iterable<string>): PureReads | null {
  const names = new Set<string>();
  let scalarsOnly = false;
  for (const text of texts) {
    if (!isTemplated(text)) continue;
    let template: CompiledTemplate;
    try {
      template = compiled(text, 'expression', undefined);
    } catch {
      return null;
    }
    const memo = renderMemoOf(template);
    if (!memo) return null;
    for (const name of memo.names) names.add(name);
    scalarsOnly ||= memo.scalarsOnly;
  }
  return { names: [...names], scalarsOnly };
}

/**
 * The values `reads` names in `vars`, spelled out as one key (a changed value is a different
 * key), or undefined when one is not plain data, or is a global that reads the world. Never while
 * a vault value is known (as the render memo: its reads must be counted).
 */
export function pureReadsKey(reads: PureReads, vars: Record<string, unknown>): string | undefined {
  return hasSecrets() ? undefined : memoKey(reads, vars, false);
}

/** The key of the values `memo`'s template reads in `vars`, or undefined when one is not plain data. */
function memoKey(memo: PureReads, vars: Record<string, unknown>, inPieces: boolean): string | undefined {
  const budget = { left: MEMO_MAX_VALUES };
  // A file rendered in pieces returns its last piece, not its text: not the same result.
  let key = inPieces ? 'p' : 'w';
  for (const name of memo.names) {
    // As RenderContext.lookup: a variable, else a global, else undefined.
    const value = vars[name];
    if (value !== undefined && value !== objectPrototype[name]) {
      if (memo.scalarsOnly && value !== null && typeof value === 'object') return undefined;
      const spelled = plainKey(value, budget);
      if (spelled === undefined) return undefined;
      key += spelled;
    } else if (Object.hasOwn(globals, name)) {
      if (!PURE_GLOBALS.has(name)) return undefined;
      key += 'g';
    } else key += 'u';
  }
  return key;
}

/** Lists and mappings by identity too (`is sameas`, `in` over a list of lists compare objects): ids never reused. */
const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;
function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) objectIds.set(value, (id = ++lastObjectId));
  return id;
}

/** A value spelled out unambiguously; undefined for anything but plain data without template markup. */
function plainKey(value: unknown, budget: { left: number }): string | undefined {
  if (--budget.left < 0) return undefined;
  switch (typeof value) {
    case 'string':
      // Markup in a value is rendered when read (resolveNested): not a plain value.
      return value.includes('{') ? undefined : `s${value.length}:${value}`;
    case 'number':
      return Object.is(value, -0) ? 'n-0;' : `n${value};`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'object': {
      if (value === null) return 'N';
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value) && proto === Array.prototype) {
        let key = `[${objectId(value)}:`;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const spelled = item === undefined ? undefined : plainKey(item, budget);
          if (spelled === undefined) return undefined;
          key += spelled;
        }
        return `${key}]`;
      }
      if (proto === Object.prototype || proto === null) {
        let key = `{${objectId(value)}:`;
        for (const name of Object.keys(value)) {
          const item = (value as Record<string, unknown>)[name];
          const spelled = item === undefined ? undefined : plainKey(item, budget);
          if (spelled === undefined) return undefined;
          key += `${name.length}:${name}${spelled}`;
        }
        return `${key}}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function isScalarResult(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

let renderMemoHits = 0;
/** Renders answered from a template's memo so far (for tests: that a case is answered from it, or not). */
export function renderMemoHitCount(): number {
  return renderMemoHits;
}

/** `pieces`: the output goes there in pieces, the last one is the result (files only). */
export function run(template: CompiledTemplate, text: string, vars: Record<string, unknown>, origin: TemplateOrigin | undefined, parentFrame?: unknown, pieces?: string[]): unknown {
  const memo = parentFrame || hasSecrets() ? null : renderMemoOf(template);
  const key = memo ? memoKey(memo, vars, pieces !== undefined) : undefined;
  if (key === undefined) {
    // Values that are never plain data (hostvars, objects): stop spelling them out.
    if (memo && ++memo.unkeyed >= MEMO_UNKEYED && memo.stored === 0) template.memo = null;
    return render(template, text, vars, origin, parentFrame, pieces);
  }
  const known = memo!.results.get(key);
  if (known) {
    renderMemoHits++;
    if (known.pieces) pieces!.push(...known.pieces);
    return known.value;
  }
  const first = pieces?.length ?? 0;
  const value = render(template, text, vars, origin, parentFrame, pieces);
  const made = pieces?.slice(first);
  let length = typeof value === 'string' ? value.length : 0;
  for (const piece of made ?? []) length += piece.length;
  if (!isScalarResult(value) || length > MEMO_MAX_OUTPUT) return value;
  if (memo!.results.size >= MEMO_ENTRIES) {
    // Different for (nearly) every host: not worth remembering.
    memo!.results.clear();
    if (++memo!.refills >= MEMO_REFILLS) {
      template.memo = null;
      return value;
    }
  }
  memo!.results.set(key, made ? { value, pieces: made } : { value });
  memo!.stored++;
  return value;
}

function render(template: CompiledTemplate, text: string, vars: Record<string, unknown>, origin: TemplateOrigin | undefined, parentFrame?: unknown, pieces?: string[]): unknown {
  const frame = (parentFrame ?? new runtime.Frame()) as InstanceType<NunjucksRuntime['Frame']>;
  if (!parentFrame) frame.topLevel = true;
  let failure: unknown;
  let result: unknown;
  const context = new RenderContext(vars, env, origin);
  context.pieces = pieces;
  renderStack.push(context);
  try {
    template.render(env, context, frame, runtime as NunjucksRuntime, (err, value) => {
      failure = err;
      result = value;
    });
  } finally {
    renderStack.pop();
  }
  if (failure) {
    // Inside a variable's own template, an undefined name stays an UndefinedVariableError, so
    // that `x | default(..)` of a variable whose template is undefined gets the default.
    const cause = (failure as { cause?: unknown }).cause ?? failure;
    if (nestingDepth > 0 && cause instanceof UndefinedVariableError) throw cause;
    throw templateError(failure, text, origin);
  }
  // `| safe` and friends yield String objects; callers want primitives.
  return result instanceof String ? result.toString() : result;
}

function originSuffix(origin: TemplateOrigin | undefined): string {
  return origin?.what ? ` in ${origin.what}` : '';
}

function lineSuffix(text: string, lineno: number | undefined): string {
  return lineno && text.includes('\n') ? ` (template line ${lineno})` : '';
}

/** Turn whatever a parse or render threw into an InputError that points at the template's origin. */
function templateError(error: unknown, text: string, origin: TemplateOrigin | undefined): InputError {
  if (error instanceof InputError) return error;
  if ((error as { cause?: unknown }).cause instanceof InputError) return (error as { cause: InputError }).cause;
  // nunjucks wraps errors thrown at render time; the cause is what we raised.
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (cause instanceof UndefinedVariableError) {
    return new InputError(`${cause.message}${originSuffix(origin)}${lineSuffix(text, cause.lineno)}`, origin?.location, { cause });
  }
  const err = cause as Error & { lineno?: number };
  const message = String(err.message ?? err).replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ').trim();
  const lineno = err.lineno ?? (error as { lineno?: number }).lineno;
  return new InputError(`template error${originSuffix(origin)}: ${message}${lineSuffix(text, lineno)}`, origin?.location);
}

/** Every filter and test by name (for tooling that drives another engine with runbook's plugins). */
export function registeredPlugins(): { filters: Record<string, Filter>; tests: Record<string, Test> } {
  return { filters: { ...env.filters }, tests: { ...env.tests } };
}
