/**
 * Jinja2 syntax that nunjucks' parser and lexer lack, patched onto their
 * prototypes once at load: chained conditional expressions (`a if x else b if
 * y else c`), slices (`l[1:]`, `s[::-1]`), Python string escapes (`'\d'` keeps
 * its backslash), and tuples (`(1, 2)`). The compiler side is in compiler.ts.
 */
import { createRequire } from 'node:module';
import type { AstNode } from './nunjucks-internals.js';
import { nunjucks } from './nunjucks-internals.js';

const require = createRequire(import.meta.url);
const lexer = require('nunjucks/src/lexer.js') as Record<string, string> & { lex(src: string, opts: unknown): object };

interface ParserInternals {
  parseCompare(): AstNode;
  parseIs(): AstNode;
  parsePrimary(): AstNode;
  skipValue(type: string, value: string): boolean;
  peekToken(): { type: string; value: string; lineno: number; colno: number };
  nextToken(): { type: string; value: string; lineno: number; colno: number };
  skip(type: string): boolean;
  skipSymbol(name: string): boolean;
  expect(type: string): unknown;
  fail(message: string, lineno?: number, colno?: number): never;
  parseOr(): AstNode;
  parseExpression(): AstNode;
  parseInlineIf(): AstNode;
  parsePostfix(node: AstNode): AstNode;
  parseSignature(): AstNode;
  parseAggregate(): AstNode;
}

interface TokenizerInternals {
  forward(): void;
  current(): string;
  isFinished(): boolean;
  str: string;
  index: number;
  len: number;
  lineno: number;
  colno: number;
}

const nodes = nunjucks.nodes;
const Parser = (require('nunjucks/src/parser.js') as { Parser: { prototype: ParserInternals } }).Parser;
const parser = Parser.prototype;

/** Slices are marked on their LookupVal; the value is an Array node [start, stop, step] (nulls for gaps). */
export interface SliceFlag {
  rbSlice?: boolean;
}

parser.parseInlineIf = function parseInlineIf(this: ParserInternals): AstNode {
  const node = this.parseOr();
  if (!this.skipSymbol('if')) return node;
  const inline = new nodes.InlineIf(node.lineno, node.colno);
  inline.body = node;
  inline.cond = this.parseOr();
  inline.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
  return inline;
};

parser.parsePostfix = function postfixWithSlices(this: ParserInternals, node: AstNode): AstNode {
  for (;;) {
    const tok = this.peekToken();
    if (!tok) return node;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) {
      node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      continue;
    }
    if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
      this.nextToken();
      node = dottedMember(this, node);
      continue;
    }
    if (tok.type !== lexer.TOKEN_LEFT_BRACKET) return node;
    this.nextToken();
    const parts: (AstNode | null)[] = [];
    let isSlice = false;
    let current: AstNode | null = null;
    for (;;) {
      const next = this.peekToken();
      if (next.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (next.type === lexer.TOKEN_COLON) {
        this.nextToken();
        isSlice = true;
        parts.push(current);
        current = null;
        continue;
      }
      if (current) this.fail('invalid index', next.lineno, next.colno);
      current = this.parseExpression();
    }
    parts.push(current);
    if (!isSlice) {
      if (!current) this.fail('expected an index', tok.lineno, tok.colno);
      node = new nodes.LookupVal(tok.lineno, tok.colno, node, current);
      continue;
    }
    if (parts.length > 3) this.fail('invalid slice', tok.lineno, tok.colno);
    while (parts.length < 3) parts.push(null);
    const bounds = new nodes.Array(tok.lineno, tok.colno, parts.map((part) => part ?? new nodes.Literal(tok.lineno, tok.colno, null)));
    const lookup = new nodes.LookupVal(tok.lineno, tok.colno, node, bounds);
    (lookup as SliceFlag).rbSlice = true;
    node = lookup;
  }
};

/**
 * The member after a dot: a name (`x.y`), or as in Jinja2 an integer index (`item.0` is `item[0]`).
 * nunjucks' lexer reads `0.name` and `0.1` as floats: their digits are indexes one after another,
 * and a float ending in a dot (`0.`) is followed by the next member.
 */
function dottedMember(self: ParserInternals, node: AstNode): AstNode {
  const name = self.nextToken();
  if (name.type === lexer.TOKEN_SYMBOL) return new nodes.LookupVal(name.lineno, name.colno, node, new nodes.Literal(name.lineno, name.colno, name.value));
  if (name.type !== lexer.TOKEN_INT && name.type !== lexer.TOKEN_FLOAT) self.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
  const indexes = String(name.value).split('.');
  for (const index of indexes) {
    if (index !== '') node = new nodes.LookupVal(name.lineno, name.colno, node, new nodes.Literal(name.lineno, name.colno, Number(index)));
  }
  return indexes[indexes.length - 1] === '' ? dottedMember(self, node) : node;
}

// Python string literal escapes: known ones are translated, unknown ones keep the backslash ('\d').
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
const tokenizer = Object.getPrototypeOf(lexer.lex('', {})) as TokenizerInternals & {
  _parseString(delimiter: string): string;
  _extractMatching(breakOnMatch: boolean, charString: string): string | null;
};
tokenizer._parseString = function parsePythonString(this: TokenizerInternals, delimiter: string): string {
  this.forward();
  let out = '';
  while (!this.isFinished() && this.current() !== delimiter) {
    const c = this.current();
    this.forward();
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = this.current();
    this.forward();
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) out += SIMPLE_ESCAPES[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      let hex = '';
      for (let i = 0; i < width; i++) {
        hex += this.current();
        this.forward();
      }
      out += String.fromCodePoint(Number.parseInt(hex, 16));
    } else out += `\\${e}`;
  }
  this.forward();
  return out;
};

/**
 * nunjucks' lexer takes text one character at a time (`t += current(); forward()`): on a
 * 20 MiB template that is 20 million one-character string pieces, ~700 MB of heap and
 * seconds of work. The same scan as one search and one slice of the source, keeping
 * `lineno`/`colno` as `forward()` would have left them.
 */
const runPatterns = new Map<string, RegExp>();
function runEnd(str: string, from: number, charString: string, breakOnMatch: boolean): number {
  const key = `${breakOnMatch ? 'until' : 'while'}:${charString}`;
  let pattern = runPatterns.get(key);
  if (!pattern) {
    const chars = charString.replace(/[\\\]\[^-]/g, '\\$&');
    // An empty charString matches nothing: extractUntil('') takes the rest of the text.
    pattern = new RegExp(breakOnMatch ? (chars ? `[${chars}]` : '(?!)') : `[^${chars}]|$`, 'g');
    runPatterns.set(key, pattern);
  }
  pattern.lastIndex = from;
  const found = pattern.exec(str);
  return found ? found.index : str.length;
}
tokenizer._extractMatching = function extractRun(this: TokenizerInternals, breakOnMatch: boolean, charString: string): string | null {
  if (this.isFinished()) return null;
  const start = this.index;
  const end = Math.min(runEnd(this.str, start, charString, breakOnMatch), this.len);
  if (end === start) return '';
  const run = this.str.slice(start, end);
  const lastNewline = run.lastIndexOf('\n');
  if (lastNewline === -1) this.colno += run.length;
  else {
    for (let at = run.indexOf('\n'); at !== -1; at = run.indexOf('\n', at + 1)) this.lineno++;
    this.colno = run.length - lastNewline - 1;
  }
  this.index = end;
  return run;
};

/**
 * `x is test`, `x is test(args)`, and as in Jinja2 `x is test arg` (one argument
 * without parentheses: `is divisibleby 3`, `is sameas true`), dotted test names
 * (`is ansible.utils.in_network(...)`), and `is true`/`is false`/`is none`.
 */
const NOT_AN_ARGUMENT = new Set(['and', 'or', 'if', 'else', 'not', 'in', 'is']);
parser.parseIs = function parseIs(this: ParserInternals): AstNode {
  let node = this.parseCompare();
  while (this.skipSymbol('is')) {
    const negated = this.skipSymbol('not');
    const tok = this.nextToken();
    if (![lexer.TOKEN_SYMBOL, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE].includes(tok.type)) this.fail(`expected a test name after 'is', got '${tok.value}'`, tok.lineno, tok.colno);
    let name = tok.value;
    while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += `.${(this.nextToken()).value}`;
    let test: AstNode = new nodes.Symbol(tok.lineno, tok.colno, name);
    const next = this.peekToken();
    if (next?.type === lexer.TOKEN_LEFT_PAREN) test = new nodes.FunCall(tok.lineno, tok.colno, test, this.parseSignature());
    else if (
      next &&
      ([lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_STRING, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY].includes(next.type) ||
        (next.type === lexer.TOKEN_SYMBOL && !NOT_AN_ARGUMENT.has(next.value)))
    ) {
      const argument = this.parsePrimary();
      test = new nodes.FunCall(tok.lineno, tok.colno, test, new nodes.NodeList(tok.lineno, tok.colno, [argument]));
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    if (negated) node = new nodes.Not(node.lineno, node.colno, node);
  }
  return node;
};

// `{{ {'a': {'b': 1}} }}`: inside an expression, `}}` closes a dict while one is open (Jinja2 counts braces).
type Token = { type: string; value: string; lineno: number; colno: number };
const tokenizerWithDepth = tokenizer as unknown as { nextToken(this: TokenizerInternals & { in_code: boolean; curlyDepth?: number; lineno: number; colno: number }): Token | null };
const nextToken = tokenizerWithDepth.nextToken;
tokenizerWithDepth.nextToken = function nextTokenCountingBraces() {
  if (this.in_code && (this.curlyDepth ?? 0) > 0 && this.str.startsWith('}}', this.index)) {
    const token = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: this.lineno, colno: this.colno };
    this.forward();
    this.curlyDepth! -= 1;
    return token;
  }
  const token = nextToken.call(this);
  if (token?.type === lexer.TOKEN_LEFT_CURLY) this.curlyDepth = (this.curlyDepth ?? 0) + 1;
  else if (token?.type === lexer.TOKEN_RIGHT_CURLY) this.curlyDepth = Math.max(0, (this.curlyDepth ?? 0) - 1);
  else if (token?.type === lexer.TOKEN_VARIABLE_END || token?.type === lexer.TOKEN_BLOCK_END) this.curlyDepth = 0;
  return token;
};

/** Number literals the lexer reads as names: `1e3`, `1_000`, `0x1F`, `0o17`, `0b101`. */
export function numericLiteral(name: string): number | undefined {
  if (/^\d[\d_]*(?:[eE][-+]?\d+)$/.test(name)) return Number(name.replace(/_/g, ''));
  if (/^\d[\d_]*$/.test(name)) return Number(name.replace(/_/g, ''));
  const prefixed = /^0([xob])([0-9a-fA-F_]+)$/i.exec(name);
  if (prefixed) {
    const value = Number.parseInt(prefixed[2].replace(/_/g, ''), { x: 16, o: 8, b: 2 }[prefixed[1].toLowerCase() as 'x' | 'o' | 'b']);
    return Number.isNaN(value) ? undefined : value;
  }
  return undefined;
}
