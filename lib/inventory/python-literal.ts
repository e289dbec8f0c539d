/**
 * Python's `ast.literal_eval`, as Ansible's INI inventory applies it to every value
 * (plugins/inventory/ini.py `_parse_value`): `23` is an int, `True` a bool, `'a b'` a string,
 * `[1, 2]` a list, `{"k": 1}` a dict, `None` null; whatever is not a Python literal stays the
 * text as written (`true`, `yes`, `0644`, `a=b`, `8080 # comment` is 8080 because `#` starts a
 * Python comment). Returns undefined when the text is not a literal.
 */
export function pythonLiteral(text: string): { value: unknown } | undefined {
  const parser = new LiteralParser(text);
  try {
    parser.skipSpace();
    const value = parser.expression();
    parser.skipSpace();
    if (!parser.atEnd()) return undefined;
    return { value };
  } catch (error) {
    if (error instanceof NotALiteral) return undefined;
    throw error;
  }
}

/** What Ansible's INI value parsing gives: the literal, or the text itself. */
export function iniValue(text: string): unknown {
  const literal = pythonLiteral(text);
  return literal ? literal.value : text;
}

class NotALiteral extends Error {}

const fail = (): never => {
  throw new NotALiteral();
};

class LiteralParser {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  /** Spaces, tabs, and a comment to the end of the line; newlines only inside brackets. */
  skipSpace(newlines = false): void {
    for (;;) {
      const ch = this.text[this.at];
      if (ch === ' ' || ch === '\t' || ch === '\f' || (newlines && (ch === '\n' || ch === '\r'))) this.at++;
      else if (ch === '\\' && this.text[this.at + 1] === '\n') this.at += 2;
      else if (ch === '#') while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      else break;
    }
  }

  expression(nested = false): unknown {
    this.skipSpace(nested);
    const ch = this.text[this.at];
    if (ch === '-' || ch === '+') {
      this.at++;
      this.skipSpace(nested);
      // Only a number may follow a sign (`--5` and `-True` are not literals).
      if (!/[0-9.]/.test(this.text[this.at] ?? '')) fail();
      const operand = this.number();
      return ch === '-' ? -operand : operand;
    }
    if (ch === '[') return this.sequence(']');
    if (ch === '(') return this.sequence(')');
    if (ch === '{') return this.mapping();
    if (ch === '"' || ch === "'") return this.strings(nested);
    if (/[bBrRuUfF]/.test(ch ?? '') && /^[bBrRuU]{1,2}["']/.test(this.text.slice(this.at, this.at + 3))) return this.strings(nested);
    if (/[0-9.]/.test(ch ?? '')) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.at += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    return fail();
  }

  private sequence(close: ']' | ')'): unknown[] {
    this.at++;
    const items: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace(true);
      if (this.text[this.at] === close) {
        this.at++;
        // `(1)` is just 1, `(1,)` a tuple.
        if (close === ')' && items.length === 1 && !sawComma) return items[0] as unknown[];
        return items;
      }
      if (items.length > 0) {
        if (this.text[this.at] !== ',') fail();
        this.at++;
        sawComma = true;
        this.skipSpace(true);
        if (this.text[this.at] === close) continue;
      }
      items.push(this.expression(true));
    }
  }

  private mapping(): unknown {
    this.at++;
    const entries: Array<[unknown, unknown]> = [];
    let isSet: boolean | undefined;
    for (;;) {
      this.skipSpace(true);
      if (this.text[this.at] === '}') {
        this.at++;
        // `{1, 2}` is a set: Ansible keeps it, and it shows as a list.
        if (isSet) return entries.map(([key]) => key);
        return Object.fromEntries(entries.map(([k, v]) => [String(k), v]));
      }
      if (entries.length > 0) {
        if (this.text[this.at] !== ',') fail();
        this.at++;
        this.skipSpace(true);
        if (this.text[this.at] === '}') continue;
      }
      const key = this.expression(true);
      this.skipSpace(true);
      if (this.text[this.at] === ':' && isSet !== true) {
        isSet = false;
        this.at++;
        entries.push([key, this.expression(true)]);
      } else if (isSet !== false) {
        isSet = true;
        entries.push([key, undefined]);
      } else {
        fail();
      }
    }
  }

  /** One string literal or several side by side ('a' "b" is 'ab'). */
  private strings(nested: boolean): string {
    let result = '';
    let any = false;
    for (;;) {
      this.skipSpace(nested);
      const prefix = /^([bBrRuU]{0,2})(["'])/.exec(this.text.slice(this.at));
      if (!prefix) break;
      this.at += prefix[1].length;
      result += this.string(prefix[1].toLowerCase().includes('r'));
      any = true;
    }
    if (!any) fail();
    return result;
  }

  private string(raw: boolean): string {
    const quote = this.text[this.at];
    const triple = this.text.startsWith(quote.repeat(3), this.at);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.at += delimiter.length;
    let result = '';
    for (;;) {
      if (this.at >= this.text.length) fail();
      if (this.text.startsWith(delimiter, this.at)) {
        this.at += delimiter.length;
        return result;
      }
      const ch = this.text[this.at];
      if (ch === '\n' && !triple) fail();
      if (ch === '\\') {
        const next = this.text[this.at + 1];
        if (next === undefined) fail();
        if (raw) {
          result += ch + next;
          this.at += 2;
          continue;
        }
        this.at += 2;
        result += this.escape(next);
        continue;
      }
      result += ch;
      this.at++;
    }
  }

  private escape(next: string): string {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
    if (next in simple) return simple[next];
    const hex = (length: number) => {
      const digits = this.text.slice(this.at, this.at + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) fail();
      this.at += length;
      return String.fromCodePoint(parseInt(digits, 16));
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(this.text[this.at] ?? '')) digits += this.text[this.at++];
      return String.fromCharCode(parseInt(digits, 8));
    }
    return `\\${next}`;
  }

  private number(): number {
    const rest = this.text.slice(this.at);
    const radix = /^0([xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)(?![0-9A-Za-z_.])/.exec(rest);
    if (radix) {
      this.at += radix[0].length;
      const body = radix[1].slice(1).replace(/_/g, '');
      const base = { x: 16, o: 8, b: 2 }[radix[1][0].toLowerCase() as 'x' | 'o' | 'b'];
      return parseInt(body, base);
    }
    const digits = '[0-9](?:_?[0-9])*';
    const float = new RegExp(`^(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?(?![0-9A-Za-z_.])`).exec(rest);
    if (!float || float[0] === '.') return fail();
    const written = float[0];
    const isInteger = /^[0-9_]+$/.test(written);
    // Python refuses leading zeros in decimal integers: `0644` is not a literal (Ansible keeps the text).
    if (isInteger && /^0[0-9_]*[1-9]/.test(written)) return fail();
    if (/[jJ]/.test(this.text[this.at + written.length] ?? '')) return fail();
    this.at += written.length;
    return Number(written.replace(/_/g, ''));
  }
}
