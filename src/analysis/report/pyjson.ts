/**
 * Python's `json.dumps(x, sort_keys=True)` byte for byte, so the report's cfg_id
 * (sha256 of that text, as upstream's `config_hash`) matches the Python tools'.
 * Python writes floats as floats (`4.0`), which a JS number loses; parsing keeps
 * them as `PyFloat` (from the YAML/JSON source text) for hashing only.
 */
import { isScalar, parseDocument, visit } from 'yaml';
import { pyFloat } from '../../harness/inference-perf/py-json.ts';

/** A float whose value is integral (`4.0`): Python dumps it with `.0`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's float repr: the one implementation, written for inference-perf's native files. */
export const pyFloatRepr = pyFloat;

function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => (c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** `json.dumps(v, sort_keys=True)` with Python's default separators and ensure_ascii. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${pyString(k)}: ${pyJsonDumps((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return pyString(String(v));
}

/** PyFloat → number everywhere (for writing the report). */
export function plain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/**
 * Parse YAML or JSON text keeping integral floats as PyFloat. A number is a float
 * when its source has `.`, an exponent, inf or nan. YAML is read with the 1.2 core
 * schema like every other YAML in llmdbench; PyYAML (1.1) differs only on rare
 * scalars (`yes`/`on` booleans, `1e3` without a dot), which then hash differently.
 */
export function parsePyTree(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw doc.errors[0];
  visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'number' && Number.isInteger(node.value) && isScalar(node) && /[.eE]|inf|nan/i.test(node.source ?? '')) {
        node.value = new PyFloat(node.value);
      }
    },
  });
  return doc.toJS({ maxAliasCount: -1 });
}

/**
 * JSON with Python's float/int distinction kept (integral floats → PyFloat),
 * NaN / Infinity accepted as Python writes them. A small recursive-descent
 * parser: the yaml parser would do it too, about 20× slower.
 */
export function parsePyJson(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`JSON: ${what} at offset ${i}`);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') return i++, o;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        o[k] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, o;
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, a;
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, a;
        else fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    for (const [lit, v] of [['true', true], ['false', false], ['null', null], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (text.startsWith(lit, i)) return (i += lit.length), v;
    }
    const m = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) return fail('unexpected character');
    i += r[0].length;
    const n = Number(r[0]);
    return (r[1] || r[2]) && Number.isInteger(n) ? new PyFloat(n) : n;
  };
  const str = (): string => {
    const start = i;
    i++;
    let esc = false;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\\') {
        esc = true;
        i += 2;
        continue;
      }
      if (ch === '"') break;
      i++;
    }
    i++;
    const raw = text.slice(start, i);
    return esc ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const v = value();
  ws();
  if (i < text.length) fail('trailing characters');
  return v;
}
