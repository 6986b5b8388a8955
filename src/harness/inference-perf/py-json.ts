/**
 * JSON text as inference-perf (Python's json.dump, indent 2, ensure_ascii) writes it, so our files
 * match v0.6.1's byte conventions, not only its keys: numbers that are Python floats are spelled
 * as Python's repr does (`0.0`, `384.0`, `8.601999979873654e-06`), ints stay ints, and every
 * non-ASCII character is written as a `\uXXXX` escape. Which numbers are ints is a property of
 * the key (`count`, token counts); a `verbatim` key keeps its subtree's numbers as given (the
 * server's usage object).
 */

export interface PyJsonOptions {
  /** Keys whose number values are Python ints. */
  intKeys: ReadonlySet<string>;
  /** Keys whose whole subtree is written as received (numbers in JS form). */
  verbatimKeys?: ReadonlySet<string>;
}

/** Python's repr of a float. */
export function pyFloat(x: number): string {
  // The common case first (times in seconds, rates): both languages write plain decimals here.
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e16) return Number.isInteger(x) ? `${x}.0` : `${x}`;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // Both languages print the shortest round-trip digits; Python switches to exponent form below
  // 1e-4 and from 1e16 (JS: 1e-7 and 1e21), and writes the exponent with at least two digits.
  // Between those bounds (every time and latency of a run) String(x) is Python's spelling as it is.
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    const s = String(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  const [m, e] = x.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp >= -4 && exp < 16) {
    const s = String(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const NON_ASCII = /[\u0080-\uffff]/g;
const HAS_NON_ASCII = /[\u0080-\uffff]/;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const str = (s: string): string => {
  const j = JSON.stringify(s);
  return HAS_NON_ASCII.test(j) ? j.replace(NON_ASCII, escape) : j;
};
/** Keys' JSON spellings: the same few dozen keys in every per_request entry (bounded: server usage keys are the server's). */
const keyText = new Map<string, string>();
const key = (k: string): string => {
  let t = keyText.get(k);
  if (t === undefined) {
    t = str(k);
    if (keyText.size < 1024) keyText.set(k, t);
  }
  return t;
};

/**
 * ensure_ascii applied afterwards: JSON text whose strings were written by JSON.stringify alone
 * becomes pyJson's text. Every non-ASCII character of JSON text is inside a string, and the
 * escape is per UTF-16 unit, so escaping the whole text (one entry, or many) equals escaping
 * each string.
 */
export const ensureAscii = (json: string): string => json.replace(NON_ASCII, escape);

/** A `verbatimKeys` subtree at depth `indent` (numbers as given). */
export function pyJsonVerbatim(value: unknown, o: PyJsonOptions, indent: string): string {
  return write(value, o, indent, false, true);
}

/** `value` as Python's `json.dumps(value, indent=2)`; `indent` is the starting depth's prefix. */
export function pyJson(value: unknown, o: PyJsonOptions, indent = ''): string {
  return write(value, o, indent, false, false);
}

// Built by concatenation, not by arrays joined at every level: V8 keeps the pieces as one rope,
// copied once when it is written (per_request writes ~300 lines a request; joining at each
// depth made ~10 times the entry's size in garbage).
function write(v: unknown, o: PyJsonOptions, ind: string, isInt: boolean, verbatim: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return verbatim || isInt ? (Number.isFinite(v) ? String(v) : 'null') : pyFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return str(v);
  const inner = `${ind}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let s = `[\n${inner}${write(v[0], o, inner, isInt, verbatim)}`;
    for (let i = 1; i < v.length; i++) s += `,\n${inner}${write(v[i], o, inner, isInt, verbatim)}`;
    return `${s}\n${ind}]`;
  }
  const obj = v as Record<string, unknown>;
  let s = '';
  for (const k of Object.keys(obj)) {
    const x = obj[k];
    if (x === undefined) continue;
    s += `${s === '' ? '{\n' : ',\n'}${inner}${key(k)}: ${write(x, o, inner, o.intKeys.has(k), verbatim || (o.verbatimKeys?.has(k) ?? false))}`;
  }
  return s === '' ? '{}' : `${s}\n${ind}}`;
}
