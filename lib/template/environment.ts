/**
 * The one nunjucks Environment runbook uses, the compiled-template cache, and
 * the render call that turns template failures into InputErrors.
 */
import { didYouMean, InputError, type SourceLocation } from '../errors.js';
import { analyzeTemplate, singleExpression, type TemplateAnalysis } from './analysis.js';
import type { Filter, Test } from './arguments.js';
import { generateCode } from './compiler.js';
import { coreFilters } from './filters-core.js';
import { dataFilters } from './filters-data.js';
import { nunjucks, transformer, type NunjucksRuntime, type RootRenderFunction } from './nunjucks-internals.js';
import { runtimeHelpers, UndefinedVariableError } from './runtime-helpers.js';
import { ansibleTests } from './tests.js';

/** Where a template came from, for error messages. */
export interface TemplateOrigin {
  what: string; // e.g. "task 'Install packages' argument 'name'"
  location?: SourceLocation;
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
const filters = { ...coreFilters(registry), ...dataFilters() };
for (const [name, filter] of Object.entries(filters)) env.addFilter(name, filter);
env.addFilter('d', filters.default);
env.addFilter('count', filters.length);
for (const [name, test] of Object.entries(ansibleTests())) env.addTest(name, test);
env.addGlobal('omit', OMIT);
// Only the controller-side `env` lookup; others need the engine (files, hosts) and fail clearly.
env.addGlobal('lookup', (plugin: string, ...terms: unknown[]) => {
  if (plugin !== 'env') throw new Error(`lookup plugin '${plugin}' is not supported (only 'env')`);
  return terms.map((term) => process.env[String(term)] ?? '').join(',');
});

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
  constructor(
    private readonly vars: Record<string, unknown>,
    readonly env: NunjucksEnvironment,
    private readonly origin: TemplateOrigin | undefined,
  ) {}

  lookup(name: string): unknown {
    if (this.locals && Object.hasOwn(this.locals, name)) return this.locals[name];
    const value = this.vars[name];
    // Prototype chains are allowed (layered variable scopes) but not Object's own members.
    if (value !== undefined && value !== objectPrototype[name]) return this.resolveNested(value);
    return Object.hasOwn(globals, name) ? globals[name] : undefined;
  }

  /**
   * Variables may hold templates themselves (`app_dir: "{{ base }}/app"`);
   * Ansible renders them when read, and so do we, with the same variables.
   */
  resolveNested(value: unknown): unknown {
    if (typeof value !== 'string' || !isTemplated(value)) return value;
    if (nestingDepth >= MAX_NESTING) {
      throw new Error(`variables refer to each other in a loop (or nest deeper than ${MAX_NESTING}): '${value}'`);
    }
    nestingDepth++;
    try {
      return run(compiled(value, 'expression', this.origin), value, this.vars, this.origin);
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
  addExport(): void {}
  getBlock(name: string): never {
    throw new Error(`template blocks are not supported (block '${name}')`);
  }
}

export interface CompiledTemplate {
  render: RootRenderFunction;
  native: boolean;
  analysis: TemplateAnalysis;
}

type CacheEntry = CompiledTemplate | { error: Error & { lineno?: number; colno?: number } };

const MAX_CACHED = 20_000;
const caches = { expression: new Map<string, CacheEntry>(), file: new Map<string, CacheEntry>() };

function compile(text: string, allowNative: boolean): CompiledTemplate {
  const parsed = nunjucks.parser.parse(text, [], LEXER_OPTIONS);
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
  const code = generateCode(root, nativeExpression);
  const render = (new Function(code) as () => { root: RootRenderFunction })().root;
  return { render, native: nativeExpression !== undefined, analysis };
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
export function run(template: CompiledTemplate, text: string, vars: Record<string, unknown>, origin: TemplateOrigin | undefined): unknown {
  const frame = new runtime.Frame();
  frame.topLevel = true;
  let failure: unknown;
  let result: unknown;
  template.render(env, new RenderContext(vars, env, origin), frame, runtime as NunjucksRuntime, (err, value) => {
    failure = err;
    result = value;
  });
  if (failure) throw templateError(failure, text, origin);
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
