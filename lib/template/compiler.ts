/**
 * A nunjucks Compiler subclass that generates Ansible-flavoured code:
 * strict variable lookups (StrictUndefined), Python truthiness, `==` and `+`
 * on lists/dicts, Python str() for output, `True/False/None` literals, and a
 * "native" mode in which a lone `{{ expr }}` yields its value, not a string.
 *
 * Generated code reaches our helpers as `env.rb` (see runtime-helpers.ts).
 */
import { describeLookup, PYTHON_LITERALS, type Annotated } from './analysis.js';
import { nunjucks, type AstNode, type CompileFrame, type CompilerBase } from './nunjucks-internals.js';
import { numericLiteral, type SliceFlag } from './syntax.js';

const BaseCompiler = nunjucks.compiler.Compiler as unknown as new (name: string, throwOnUndefined: boolean) => CompilerBase;

/** The name under which generated code sees the template's literal text runs (see GeneratedCode). */
const LITERALS = 'rb_text';
/** Characters per piece of a file rendered in pieces: small enough for V8's young generation. */
const PIECE_LENGTH = 32 * 1024;

class AnsibleCompiler extends BaseCompiler {
  /** Set when the template is one expression whose value is the result. */
  nativeExpression: AstNode | undefined;
  /** The literal text runs, in the order the code refers to them. */
  readonly literals: string[] = [];
  /** Inside `{% set x %}...{% endset %}`, whose body writes to a local `output` of its own. */
  private captureDepth = 0;
  /** Set by nunjucks once the root function is done (blocks follow). */
  declare readonly inBlock: boolean;

  compileCapture(node: AstNode, frame: CompileFrame): void {
    this.captureDepth++;
    try {
      (BaseCompiler.prototype as unknown as { compileCapture(this: unknown, node: AstNode, frame: CompileFrame): void }).compileCapture.call(this, node, frame);
    } finally {
      this.captureDepth--;
    }
  }

  /**
   * In the root function's own output (not a macro's, a capture's or a block's), a render that
   * asks for pieces (RenderContext.pieces) takes the text so far once it is this long: a big
   * file is then many small strings, each encoded and dropped in turn, never one huge string.
   */
  private emitSpill(): void {
    if (this.buffer !== 'output' || this.inBlock || this.captureDepth > 0) return;
    this._emit(`if(${this.buffer}.length>${PIECE_LENGTH}&&context.pieces){context.pieces.push(${this.buffer});${this.buffer}="";}\n`);
  }

  override compile(node: AstNode, frame?: CompileFrame): void {
    const flags = node as Annotated;
    if (flags.rbTruthy) {
      flags.rbTruthy = false; // the wrapped compile below must not wrap again
      this._emit('env.rb.truthy(');
      super.compile(node, frame);
      this._emit(')');
      flags.rbTruthy = true;
    } else if (flags.rbIterateKeys) {
      flags.rbIterateKeys = false;
      this._emit('env.rb.iterable(');
      super.compile(node, frame);
      this._emit(')');
      flags.rbIterateKeys = true;
    } else super.compile(node, frame);
  }

  override compileSymbol(node: AstNode, frame: CompileFrame): void {
    const name = String(node.value);
    const bound = frame.lookup(name);
    if (bound) return this._emit(bound);
    if (Object.hasOwn(PYTHON_LITERALS, name)) return this._emit(PYTHON_LITERALS[name]);
    const number = numericLiteral(name);
    if (number !== undefined) return this._emit(String(number));
    const lookup = `runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)})`;
    if ((node as Annotated).rbOptional) this._emit(`env.rb.optional(function(){return ${lookup};})`);
    else this._emit(`env.rb.defined(${lookup}, ${JSON.stringify(name)}, ${node.lineno + 1})`);
  }

  override compileLookupVal(node: AstNode, frame: CompileFrame): void {
    if ((node as SliceFlag).rbSlice) {
      this._emit('env.rb.slice(');
      this._compileExpression(node.target, frame);
      this._emit(',');
      this._compileExpression(node.val, frame);
      this._emit(')');
      return;
    }
    this._emit('env.rb.member(context,');
    this._compileExpression(node.target, frame);
    this._emit(',');
    this._compileExpression(node.val, frame);
    const optional = (node as Annotated).rbOptional ? 'true' : 'false';
    this._emit(`,${optional},${JSON.stringify(describeLookup(node))},${node.lineno + 1})`);
  }

  override compileOutput(node: AstNode, frame: CompileFrame): void {
    const native = this.nativeExpression && (node.children ?? []).includes(this.nativeExpression);
    for (const child of node.children ?? []) {
      if (native) {
        if (child !== this.nativeExpression) continue; // surrounding whitespace
        this._emit(`${this.buffer} = `);
        this.compile(child, frame);
        this._emit(';\n');
      } else if (child.typename === 'TemplateData') {
        if (!child.value) continue;
        // Literal text stays data: a big template inlined as JS string literals costs its size
        // several times over (escaped copies, the generated source, V8's parse of it).
        this._emit(`${this.buffer} += ${LITERALS}[${this.literals.push(String(child.value)) - 1}];\n`);
        this.emitSpill();
      } else {
        this._emit(`${this.buffer} += env.rb.str(`);
        this.compile(child, frame);
        this._emit(');\n');
        this.emitSpill();
      }
    }
  }

  /** Jinja2's loop.cycle(), loop.depth/depth0, loop.previtem/nextitem, on top of nunjucks' loop variables. */
  _emitLoopBindings(node: AstNode, arr: string, i: string, len: string): void {
    (BaseCompiler.prototype as unknown as { _emitLoopBindings(this: unknown, ...args: unknown[]): void })._emitLoopBindings.call(this, node, arr, i, len);
    this._emitLine(`frame.set("loop.cycle", function(){var a=Array.prototype.filter.call(arguments,function(x){return !(x&&x.__keywords);});return a[${i} % a.length];});`);
    // depth counts recursive loops only, which runbook does not support: always 1.
    this._emitLine(`frame.set("loop.depth", 1);`);
    this._emitLine(`frame.set("loop.depth0", 0);`);
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${arr}[${i} + 1] : undefined);`);
  }

  // nunjucks emits a test's arguments without commas, breaking `is version('2.9', '>')`.
  compileIs(node: AstNode, frame: CompileFrame): void {
    const test: AstNode = node.right;
    const name = String(test.typename === 'FunCall' ? test.name.value : test.value);
    this._emit(`(env.getTest(${JSON.stringify(name)}).call(context, `);
    this.compile(node.left, frame);
    if (test.typename === 'FunCall' && test.args.children.length) {
      this._emit(',');
      this._compileAggregate(test.args, frame);
    }
    this._emit(') === true)');
  }

  override compileCompare(node: AstNode, frame: CompileFrame): void {
    const ops = node.ops as AstNode[];
    const type = ops.length === 1 ? String(ops[0].type) : '';
    if (type !== '==' && type !== '!=') return super.compileCompare(node, frame);
    this._emit(type === '==' ? 'env.rb.eq(' : '!env.rb.eq(');
    this.compile(node.expr, frame);
    this._emit(',');
    this.compile(ops[0].expr, frame);
    this._emit(')');
  }

  // Python `a or b` returns an operand, chosen by Python truthiness; the right
  // side stays lazy so `x is defined and x.y` does not touch x.y.
  override compileOr(node: AstNode, frame: CompileFrame): void {
    this.emitShortCircuit('or', node, frame);
  }

  override compileAnd(node: AstNode, frame: CompileFrame): void {
    this.emitShortCircuit('and', node, frame);
  }

  private emitShortCircuit(helper: 'or' | 'and', node: AstNode, frame: CompileFrame): void {
    this._emit(`env.rb.${helper}(`);
    this.compile(node.left, frame);
    this._emit(',function(){return ');
    this.compile(node.right, frame);
    this._emit(';})');
  }

  override compileNot(node: AstNode, frame: CompileFrame): void {
    this._emit('!env.rb.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  override compileAdd(node: AstNode, frame: CompileFrame): void {
    this._emit('env.rb.add(');
    this.compile(node.left, frame);
    this._emit(',');
    this.compile(node.right, frame);
    this._emit(')');
  }

  override compileConcat(node: AstNode, frame: CompileFrame): void {
    this.emitCall('cat', node, frame);
  }

  // Python operators: `%` formats strings, `*` repeats strings and lists, `%` and `//` floor.
  override compileMod(node: AstNode, frame: CompileFrame): void {
    this.emitCall('mod', node, frame);
  }

  override compileMul(node: AstNode, frame: CompileFrame): void {
    this.emitCall('mul', node, frame);
  }

  private emitCall(helper: string, node: AstNode, frame: CompileFrame): void {
    this._emit(`env.rb.${helper}(`);
    this.compile(node.left, frame);
    this._emit(',');
    this.compile(node.right, frame);
    this._emit(')');
  }

  /**
   * `{% set %}` as in Jinja2: inside a loop it binds a name local to the loop
   * (use namespace() to carry values out); `{% set ns.attr = v %}` sets an
   * attribute of a namespace.
   */
  override compileSet(node: AstNode, frame: CompileFrame & { get(name: string): string | null; set(name: string, id: string): void }): void {
    const targets = node.targets as AstNode[];
    if (targets.length === 1 && targets[0].typename === 'LookupVal') {
      this._emit('env.rb.setAttribute(');
      this._compileExpression(targets[0].target, frame);
      this._emit(',');
      this._compileExpression(targets[0].val, frame);
      this._emit(',');
      this._compileExpression(node.value, frame);
      this._emitLine(');');
      return;
    }
    const ids = targets.map((target) => {
      const name = String(target.value);
      let id = frame.get(name);
      if (!id) {
        id = this._tmpid();
        this._emitLine(`var ${id};`);
        frame.set(name, id);
      }
      return id;
    });
    this._emit(`${ids.join(' = ')} = `);
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(';');
    targets.forEach((target, i) => {
      const name = JSON.stringify(String(target.value));
      this._emitLine(`frame.set(${name}, ${ids[i]});`);
      this._emitLine(`if(frame.topLevel) { context.setVariable(${name}, ${ids[i]}); }`);
    });
  }

  // `(1, 2)` is a tuple in Python; nunjucks would evaluate it with JavaScript's comma operator.
  override compileGroup(node: AstNode, frame: CompileFrame): void {
    if ((node.children ?? []).length > 1) {
      this._emit('env.rb.tuple(');
      this._compileAggregate(node, frame, '[', ']');
      this._emit(')');
    }
    else this._compileAggregate(node, frame, '(', ')');
  }
}

/**
 * A parsed, annotated template as JavaScript: `code` is the body of a function of one
 * parameter, `parameter`, to be called with `literals`; it returns nunjucks' `{ root }`.
 */
export interface GeneratedCode {
  code: string;
  parameter: string;
  literals: string[];
}

export function generateCode(root: AstNode, nativeExpression: AstNode | undefined): GeneratedCode {
  const compiler = new AnsibleCompiler('template', false);
  compiler.nativeExpression = nativeExpression;
  compiler.compile(root);
  return { code: compiler.getCode(), parameter: LITERALS, literals: compiler.literals };
}
