/**
 * Typed handles on the parts of nunjucks that @types/nunjucks does not
 * describe (parser, AST nodes, compiler, runtime). We compile templates
 * ourselves so that variable lookups can be strict the way Ansible's are.
 */
import { createRequire } from 'node:module';
import type nunjucksTypes from 'nunjucks';

const require = createRequire(import.meta.url);

export const nunjucks = require('nunjucks') as typeof nunjucksTypes & {
  parser: { parse(src: string, extensions: unknown[], opts: LexerOptions): AstNode };
  nodes: Record<string, AstNodeClass>;
  runtime: NunjucksRuntime;
  compiler: { Compiler: new (templateName: string, throwOnUndefined: boolean) => CompilerBase };
};
export const transformer = require('nunjucks/src/transformer.js') as {
  transform(ast: AstNode, asyncFilters: string[], name: string): AstNode;
};

export interface LexerOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
}

/** A nunjucks AST node; fields vary by `typename`, see nunjucks/src/nodes.js. */
export interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children?: AstNode[];
  value?: any;
  [field: string]: any;
}

export type AstNodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => AstNode;

export interface CompileFrame {
  lookup(name: string): string | undefined;
}

/** The methods of nunjucks' Compiler that our subclass overrides or calls. */
export interface CompilerBase {
  buffer: string;
  compile(node: AstNode, frame?: CompileFrame): void;
  getCode(): string;
  _emit(code: string): void;
  _compileExpression(node: AstNode, frame: CompileFrame): void;
  _compileAggregate(node: AstNode, frame: CompileFrame, startChar?: string, endChar?: string): void;
  compileLiteral(node: AstNode, frame?: CompileFrame): void;
  compileSymbol(node: AstNode, frame: CompileFrame): void;
  compileLookupVal(node: AstNode, frame: CompileFrame): void;
  compileOutput(node: AstNode, frame: CompileFrame): void;
  compileCompare(node: AstNode, frame: CompileFrame): void;
  compileOr(node: AstNode, frame: CompileFrame): void;
  compileAnd(node: AstNode, frame: CompileFrame): void;
  compileNot(node: AstNode, frame: CompileFrame): void;
  compileAdd(node: AstNode, frame: CompileFrame): void;
  compileConcat(node: AstNode, frame: CompileFrame): void;
  compileMod(node: AstNode, frame: CompileFrame): void;
  compileMul(node: AstNode, frame: CompileFrame): void;
  compileGroup(node: AstNode, frame: CompileFrame): void;
  compileSet(node: AstNode, frame: CompileFrame): void;
  _emitLine(code: string): void;
  _tmpid(): string;
}

export interface RuntimeFrame {
  topLevel: boolean;
}

export interface NunjucksRuntime {
  Frame: new () => RuntimeFrame;
  SafeString: new (value: string) => string;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
}

/** The function nunjucks' generated code exports as `root`. */
export type RootRenderFunction = (
  env: unknown,
  context: unknown,
  frame: RuntimeFrame,
  runtime: NunjucksRuntime,
  cb: (err: unknown, result: unknown) => void,
) => void;
