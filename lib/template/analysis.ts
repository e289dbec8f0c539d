/**
 * One pass over a parsed template that (1) finds the variables it reads, and
 * (2) annotates nodes for the strict compiler: which lookups may be undefined
 * (the subject of `default()` or `is defined`), which expressions are tested
 * for truth (Python truthiness), and which loops iterate a dict's keys.
 */
import type { AstNode } from './nunjucks-internals.js';
import { numericLiteral } from './syntax.js';

/** Filters and tests that are given a possibly-undefined value on purpose. */
const OPTIONAL_SUBJECT_FILTERS = new Set(['default', 'd']);
const OPTIONAL_SUBJECT_TESTS = new Set(['defined', 'undefined']);

/** Names that are literals in Jinja2 but would be variables to nunjucks. */
export const PYTHON_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

export interface TemplateAnalysis {
  /** Variables read where being undefined is an error. */
  strictReads: Set<string>;
  /** Variables read only where undefined is fine (`x | default(..)`, `x is defined`). */
  optionalReads: Set<string>;
  /** Names the template binds itself: loop variables, `set`, macros. */
  boundNames: Set<string>;
  filters: Map<string, AstNode>;
  tests: Map<string, AstNode>;
  /** Reads another template (`{% include %}`, `{% import %}`, `{% extends %}`) or calls an extension. */
  readsOtherTemplates: boolean;
  /** Calls a method of a value (`x.startswith(y)`, `d.items()`). */
  callsMethods: boolean;
}

/** Flags the compiler reads off annotated nodes. */
export interface Annotated {
  rbOptional?: boolean; // Symbol/LookupVal: undefined allowed
  rbTruthy?: boolean; // expression used as a condition
  rbIterateKeys?: boolean; // `for x in dict` iterates keys, as in Python
}

export function analyzeTemplate(root: AstNode): TemplateAnalysis {
  const analysis: TemplateAnalysis = {
    strictReads: new Set(),
    optionalReads: new Set(),
    boundNames: new Set(),
    filters: new Map(),
    tests: new Map(),
    readsOtherTemplates: false,
    callsMethods: false,
  };
  visit(root, analysis);
  return analysis;
}

function markOptional(node: AstNode | undefined): void {
  while (node && (node.typename === 'Symbol' || node.typename === 'LookupVal')) {
    (node as Annotated).rbOptional = true;
    node = node.typename === 'LookupVal' ? node.target : undefined;
  }
}

function markTruthy(node: AstNode | null | undefined): void {
  if (node) (node as Annotated).rbTruthy = true;
}

function bindTarget(node: AstNode | undefined, analysis: TemplateAnalysis): void {
  if (!node) return;
  if (node.typename === 'Symbol') analysis.boundNames.add(String(node.value));
  else for (const child of node.children ?? []) bindTarget(child, analysis);
}

function visitAll(nodes: Iterable<AstNode | null | undefined>, analysis: TemplateAnalysis): void {
  for (const node of nodes) if (node) visit(node, analysis);
}

function visit(node: AstNode, analysis: TemplateAnalysis): void {
  switch (node.typename) {
    case 'Symbol': {
      const name = String(node.value);
      if (Object.hasOwn(PYTHON_LITERALS, name) || numericLiteral(name) !== undefined) return;
      ((node as Annotated).rbOptional ? analysis.optionalReads : analysis.strictReads).add(name);
      return;
    }
    case 'Filter': {
      const name = String(node.name.value);
      analysis.filters.set(name, node);
      // `mandatory` without a message keeps the strict lookup: its error names the variable.
      const hasMessage = node.args.children.length > 1;
      if (OPTIONAL_SUBJECT_FILTERS.has(name) || (name === 'mandatory' && hasMessage)) markOptional(node.args.children[0]);
      visit(node.args, analysis);
      return;
    }
    case 'Is': {
      const test: AstNode = node.right;
      const name = String(test.typename === 'FunCall' ? test.name.value : test.value);
      analysis.tests.set(name, node);
      if (OPTIONAL_SUBJECT_TESTS.has(name)) markOptional(node.left);
      visit(node.left, analysis);
      if (test.typename === 'FunCall') visit(test.args, analysis);
      return;
    }
    case 'Pair':
      // `{a: 1}` and `f(a=1)`: a bare-name key is a string, not a variable.
      if (node.key.typename !== 'Symbol') visit(node.key, analysis);
      visit(node.value, analysis);
      return;
    case 'If':
    case 'InlineIf':
      markTruthy(node.cond);
      break;
    case 'Not':
      markTruthy(node.target);
      break;
    case 'Include':
    case 'Extends':
    case 'CallExtension':
    case 'CallExtensionAsync':
      analysis.readsOtherTemplates = true;
      break;
    case 'FunCall':
      if (node.name.typename !== 'Symbol') analysis.callsMethods = true;
      break;
    case 'For':
    case 'AsyncEach':
    case 'AsyncAll':
      bindTarget(node.name, analysis);
      analysis.boundNames.add('loop');
      if (node.name.typename === 'Symbol') (node.arr as Annotated).rbIterateKeys = true;
      visitAll([node.arr, node.body, node.else_], analysis);
      return;
    case 'Set':
      for (const target of node.targets as AstNode[]) bindTarget(target, analysis);
      visitAll([node.value, node.body], analysis);
      return;
    case 'Macro':
      bindTarget(node.name, analysis);
      for (const arg of node.args.children as AstNode[]) {
        if (arg.typename === 'KeywordArgs') {
          for (const pair of arg.children ?? []) {
            bindTarget(pair.key, analysis);
            visit(pair.value, analysis);
          }
        } else bindTarget(arg, analysis);
      }
      for (const implicit of ['caller', 'varargs', 'kwargs']) analysis.boundNames.add(implicit);
      visit(node.body, analysis);
      return;
    case 'Import':
      analysis.readsOtherTemplates = true;
      bindTarget(node.target, analysis);
      return;
    case 'FromImport':
      analysis.readsOtherTemplates = true;
      for (const name of node.names.children as AstNode[]) {
        bindTarget(name.typename === 'Pair' ? name.value : name, analysis);
      }
      return;
  }
  if (node.children) visitAll(node.children, analysis);
  else for (const field of node.fields) {
    const value = node[field];
    if (value && typeof value === 'object' && typeof value.typename === 'string') visit(value, analysis);
  }
}

/**
 * The expression of a template that is exactly one `{{ expr }}`, or undefined.
 * Such templates render to native values (Ansible's concat of a single node);
 * any text around it, even a space, makes the result a string.
 */
export function singleExpression(root: AstNode): AstNode | undefined {
  const outputs = root.children ?? [];
  if (outputs.length !== 1 || outputs[0].typename !== 'Output') return undefined;
  const nodes = (outputs[0].children ?? []).filter((child) => !(child.typename === 'TemplateData' && child.value === ''));
  return nodes.length === 1 && nodes[0].typename !== 'TemplateData' ? nodes[0] : undefined;
}

/** Human-readable path of a lookup chain, for error messages: `hostvars['web1'].ansible_host`. */
export function describeLookup(node: AstNode): string {
  switch (node.typename) {
    case 'Symbol':
      return String(node.value);
    case 'LookupVal': {
      const target = describeLookup(node.target);
      const key = node.val;
      if (key.typename === 'Literal') {
        if (typeof key.value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key.value)) return `${target}.${key.value}`;
        return `${target}[${JSON.stringify(key.value)}]`;
      }
      return `${target}[${describeLookup(key)}]`;
    }
    case 'FunCall':
      return `${describeLookup(node.name)}(...)`;
    default:
      return '(expression)';
  }
}
