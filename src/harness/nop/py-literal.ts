/**
 * Reads the Python literal vLLM prints after `non-default args:` (a dict repr) into plain
 * values, as upstream's `ast.literal_eval` (with HEAD's rewrite of `Class(...)` reprs into
 * `{Class: 'args'}`). Returns undefined on anything it cannot read: the caller warns.
 */

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }
  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }
  eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.i++;
    return true;
  }
  expect(c: string): void {
    if (!this.eat(c)) throw new Error(`expected ${c} at ${this.i}`);
  }
  value(): unknown {
    const c = this.peek();
    if (c === '{') return this.dict();
    if (c === '[') return this.seq('[', ']');
    if (c === '(') return this.seq('(', ')');
    if (c === "'" || c === '"') return this.str();
    const m = /^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf|nan)/i.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return Number(m[0].replace(/inf/i, 'Infinity'));
    }
    const w = /^[A-Za-z_][\w.]*/.exec(this.s.slice(this.i));
    if (!w) throw new Error(`unexpected ${c} at ${this.i}`);
    this.i += w[0].length;
    if (w[0] === 'True') return true;
    if (w[0] === 'False') return false;
    if (w[0] === 'None') return null;
    if (this.s[this.i] === '(') return { [w[0]]: this.balanced() };
    return w[0];
  }
  /** The raw text of a parenthesized `Class(...)` argument list. */
  balanced(): string {
    const start = ++this.i;
    let depth = 1;
    let quote = '';
    for (; this.i < this.s.length && depth > 0; this.i++) {
      const ch = this.s[this.i] as string;
      if (quote) {
        if (ch === '\\') this.i++;
        else if (ch === quote) quote = '';
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    if (depth !== 0) throw new Error('unbalanced parentheses');
    return this.s.slice(start, this.i - 1).trim();
  }
  str(): string {
    const q = this.s[this.i] as string;
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const ch = this.s[this.i] as string;
      if (ch === '\\') {
        const n = this.s[++this.i] ?? '';
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      } else if (ch === q) {
        this.i++;
        return out;
      } else out += ch;
    }
    throw new Error('unterminated string');
  }
  seq(open: string, close: string): unknown[] {
    this.expect(open);
    const out: unknown[] = [];
    while (!this.eat(close)) {
      out.push(this.value());
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return out;
  }
  dict(): Record<string, unknown> {
    this.expect('{');
    const out: Record<string, unknown> = {};
    while (!this.eat('}')) {
      const k = this.value();
      this.expect(':');
      out[String(k)] = this.value();
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return out;
  }
}

export function parsePythonDict(text: string): Record<string, unknown> | undefined {
  try {
    const r = new Reader(text.trim());
    const v = r.dict();
    return r.peek() === '' ? v : undefined;
  } catch {
    return undefined;
  }
}
