/**
 * Ansible's inline argument strings: `dest=/x content="a b"` and free-form command lines
 * such as `echo "a  b" | grep x creates=/tmp/x`.
 */

export interface ArgToken {
  text: string; // as written, quotes included
  start: number;
  end: number;
  key?: string; // set for key=value tokens
  value?: string; // unquoted value of a key=value token
}

/**
 * Splits on whitespace outside quotes and outside Jinja blocks (`{{ a b }}`, `{% ... %}`),
 * so `msg="{{ x | default('a b') }}"` stays one token.
 */
export function tokenizeArgs(text: string): ArgToken[] {
  const tokens: ArgToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let quote: string | undefined;
    let jinjaDepth = 0;
    while (i < text.length) {
      const ch = text[i];
      const pair = text.slice(i, i + 2);
      if (quote) {
        if (ch === '\\' && i + 1 < text.length) i++;
        else if (ch === quote) quote = undefined;
      } else if (pair === '{{' || pair === '{%' || pair === '{#') {
        jinjaDepth++;
        i++;
      } else if (jinjaDepth > 0 && (pair === '}}' || pair === '%}' || pair === '#}')) {
        jinjaDepth--;
        i++;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (jinjaDepth === 0 && /\s/.test(ch)) break;
      i++;
    }
    const token: ArgToken = { text: text.slice(start, i), start, end: i };
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(token.text);
    if (match) {
      token.key = match[1];
      token.value = unquote(match[2]);
    }
    tokens.push(token);
  }
  return tokens;
}

/** `"a b"` → `a b`, with backslash escapes of double-quoted strings decoded. */
export function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    const inner = value.slice(1, -1);
    if (value[0] === "'") return inner.replace(/\\'/g, "'");
    return inner.replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }
  return value;
}

/**
 * Free-form modules: `key=value` tokens whose key the module knows become arguments; the
 * rest, exactly as written (quotes, pipes, spacing), is the command text `_raw_params`.
 */
export function parseFreeForm(text: string, isKnownArg: (key: string) => boolean): { raw: string; args: Record<string, string> } {
  const args: Record<string, string> = {};
  const kept: string[] = [];
  let cursor = 0;
  for (const token of tokenizeArgs(text)) {
    if (token.key === undefined || token.key === '_raw_params' || !isKnownArg(token.key)) continue;
    args[token.key] = token.value!;
    kept.push(text.slice(cursor, token.start));
    cursor = token.end;
  }
  kept.push(text.slice(cursor));
  // Trimming only touches the edges next to removed tokens: spacing inside the command stays.
  return { raw: kept.map((piece) => piece.trim()).filter(Boolean).join(' '), args };
}

/** `dest=/x content="a b"`: every token must be key=value; returns the first offending token otherwise. */
export function parseKeyValues(text: string): { args: Record<string, string>; stray?: string } {
  const args: Record<string, string> = {};
  for (const token of tokenizeArgs(text)) {
    if (token.key === undefined) return { args, stray: token.text };
    args[token.key] = token.value!;
  }
  return { args };
}
