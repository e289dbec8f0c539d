/**
 * Python's ast.literal_eval for what Ansible feeds it: the text a template
 * rendered, when it starts with `[` or `{` or is `True`/`False` (Ansible's
 * ansible_eval_concat). `true`/`false`/`null` are accepted too, as Ansible
 * maps JSON names onto Python's. Throws when the text is not one literal.
 */
export function literalEval(text: string): unknown {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail();
  return value;
}

const NAMES: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

class LiteralParser {
  at = 0;
  constructor(private readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`not a Python literal at ${this.at}`);
  }

  space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.mapping();
    if (c === "'" || c === '"') return this.string();
    const name = /^[A-Za-z_]\w*/.exec(this.text.slice(this.at));
    if (name) {
      if (!Object.hasOwn(NAMES, name[0])) this.fail();
      this.at += name[0].length;
      return NAMES[name[0]];
    }
    const number = /^[-+]?\s*(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.at));
    if (!number) this.fail();
    this.at += number[0].length;
    const digits = number[0].replace(/[\s_]/g, '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const body = digits.replace(/^[-+]/, '');
    if (/^0[xob]/i.test(body)) return sign * Number.parseInt(body.slice(2), { x: 16, o: 8, b: 2 }[body[1].toLowerCase() as 'x' | 'o' | 'b']);
    return sign * Number(body);
  }

  sequence(close: string): unknown[] {
    this.at++;
    const items: unknown[] = [];
    for (;;) {
      this.space();
      if (this.text[this.at] === close) break;
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) this.fail();
    }
    this.at++;
    return items;
  }

  mapping(): Record<string, unknown> {
    this.at++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') break;
      const key = this.value();
      this.space();
      if (this.text[this.at] !== ':') this.fail();
      this.at++;
      out[String(typeof key === 'boolean' ? (key ? 'True' : 'False') : key)] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.fail();
    }
    this.at++;
    return out;
  }

  string(): string {
    let out = '';
    // Adjacent literals concatenate: 'a' 'b'.
    do {
      const quote = this.text[this.at++];
      for (;;) {
        if (this.at >= this.text.length) this.fail();
        const c = this.text[this.at++];
        if (c === quote) break;
        if (c === '\n') this.fail();
        if (c !== '\\') {
          out += c;
          continue;
        }
        const e = this.text[this.at++];
        if (Object.hasOwn(ESCAPES, e)) out += ESCAPES[e];
        else if (e === 'x' || e === 'u' || e === 'U') {
          const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          out += String.fromCodePoint(Number.parseInt(this.text.slice(this.at, this.at + width), 16));
          this.at += width;
        } else out += `\\${e}`;
      }
      this.space();
    } while (this.text[this.at] === "'" || this.text[this.at] === '"');
    return out;
  }
}
