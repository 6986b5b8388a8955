/**
 * Parsing the override spec (`-o`, LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES):
 * the comma split (quotes, `\\,`, REPLACE_COMMA), both forms (`k=v,...` and
 * `k,v,...`), keys (dotted paths, `[i]`, bare names, `+`) and YAML scalar typing.
 */
import { isCollection, isScalar, parseDocument } from 'yaml';
import type { Scalar } from 'yaml';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Override } from './types.ts';

export const OVERRIDE_SYNTAX_HINT =
  'write key=value entries separated by commas (or key,value pairs); quote a value that contains a comma ' +
  '(key="a,b"), or write it as a\\,b or aREPLACE_COMMAb; a list or map value is YAML flow (key=[{a: 1, b: 2}], key={a: 1})';

const ESC_COMMA = '\u0001';

interface RawItem {
  text: string;
  hasEq: boolean;
}

const CLOSE: Record<string, string> = { '[': ']', '{': '}' };

/**
 * Split on unquoted, unescaped commas outside brackets; a quote opens only at the start of a
 * key/value. A value starting with `[` or `{` is YAML flow: brackets nest, commas inside do not
 * split, and quotes inside open after `[`, `{`, `,`, `:` or a space (YAML's own rule, roughly).
 */
function splitItems(spec: string): RawItem[] {
  const items: RawItem[] = [];
  let cur = '';
  let hasEq = false;
  let segStart = true;
  let quote: string | null = null;
  const open: string[] = [];
  const entry = (): string => JSON.stringify(cur.replaceAll(ESC_COMMA, '\\,'));
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    if (quote !== null) {
      cur += c;
      if (c === '\\' && quote === '"' && open.length > 0 && i + 1 < spec.length) cur += spec[++i] as string;
      else if (c === quote) quote = null;
      continue;
    }
    if (open.length > 0) {
      if (c === '"' || c === "'") {
        if (/[[{,:\s]$/.test(cur)) quote = c;
      } else if (c === '[' || c === '{') {
        open.push(c);
      } else if (c === ']' || c === '}') {
        const want = CLOSE[open.pop() as string];
        if (c !== want) {
          throw new LlmdbenchError('E_OVERRIDE_SYNTAX', `entry ${entry()}: "${c}" where "${want}" was expected in a YAML flow value`, { hint: OVERRIDE_SYNTAX_HINT });
        }
      }
      cur += c;
      continue;
    }
    if (segStart && (c === '[' || c === '{')) {
      open.push(c);
      cur += c;
      segStart = false;
      continue;
    }
    if (c === '\\' && spec[i + 1] === ',') {
      cur += ESC_COMMA;
      i++;
      segStart = false;
      continue;
    }
    if (c === ',') {
      items.push({ text: cur, hasEq });
      cur = '';
      hasEq = false;
      segStart = true;
      continue;
    }
    cur += c;
    if (c === '=' && !hasEq) {
      hasEq = true;
      segStart = true;
    } else if (segStart && (c === '"' || c === "'")) {
      quote = c;
      segStart = false;
    } else if (!/\s/.test(c)) {
      segStart = false;
    }
  }
  if (quote !== null && open.length > 0) {
    throw new LlmdbenchError('E_OVERRIDE_SYNTAX', `entry ${entry()}: unterminated ${quote} quote in a YAML flow value`, { hint: OVERRIDE_SYNTAX_HINT });
  }
  if (quote !== null) throw new LlmdbenchError('E_OVERRIDE_SYNTAX', `unterminated ${quote} quote`, { hint: OVERRIDE_SYNTAX_HINT });
  if (open.length > 0) {
    throw new LlmdbenchError('E_OVERRIDE_SYNTAX', `entry ${entry()}: unclosed "${open[open.length - 1]}" in a YAML flow value (missing "${CLOSE[open[open.length - 1] as string]}")`, {
      hint: OVERRIDE_SYNTAX_HINT,
    });
  }
  items.push({ text: cur, hasEq });
  return items;
}

/** Parse a key into path segments; `+` prefix, `.` separators, `[i]` indices. */
export function parseKey(key: string): { segments: (string | number)[]; bare: boolean; add: boolean } {
  let k = key.trim();
  const add = k.startsWith('+');
  if (add) k = k.slice(1);
  if (k === '' || /[\s"'=,:]/.test(k)) throw new Error(`invalid key "${key}"`);
  const segments: (string | number)[] = [];
  for (const part of k.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && m[2] === '')) throw new Error(`invalid key "${key}" (empty or malformed segment "${part}")`);
    if (m[1] !== '') segments.push(m[1] as string);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  const bare = segments.length === 1 && typeof segments[0] === 'string';
  if (bare && add) throw new Error(`invalid key "${key}": "+" needs a path from the root (e.g. +load.num_workers)`);
  return { segments, bare, add };
}

/** Type a value as a YAML 1.2 scalar; quoted values are strings. Returns the value and its text. */
export function typeValue(raw: string): { value: unknown; text?: string } {
  const v = raw.trim();
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) {
    const inner = v.slice(1, -1).replaceAll(ESC_COMMA, ',').replaceAll('REPLACE_COMMA', ',');
    return { value: inner, text: q === '"' ? JSON.stringify(inner) : `'${inner.replaceAll("'", "''")}'` };
  }
  const text = v.replaceAll(ESC_COMMA, ',').replaceAll('REPLACE_COMMA', ',');
  const doc = parseDocument(text);
  if (doc.errors.length === 0 && (doc.contents === null || isScalar(doc.contents))) {
    const value = doc.contents === null ? null : (doc.contents as Scalar).value;
    return { value, text: isScalar(doc.contents) && (doc.contents as Scalar).type === 'PLAIN' ? text : undefined };
  }
  return { value: text };
}

/**
 * Read a `-o` value that starts with `[` or `{` as a YAML flow list or map (it may replace a
 * list, a map or a scalar). Throws a plain Error with the YAML parser's reason when it is not.
 */
export function typeFlow(raw: string): { value: unknown } {
  const text = raw.trim().replaceAll(ESC_COMMA, ',').replaceAll('REPLACE_COMMA', ',');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new Error(`the value is not valid YAML flow (${(doc.errors[0]?.message ?? '').split('\n')[0]}); write e.g. [{rate: 2, duration: 10}] or {min: 10, max: 40}`);
  }
  if (!isCollection(doc.contents) || !(doc.contents as { flow?: boolean }).flow) {
    throw new Error('the value starts like a YAML flow list or map but is not one (text after the closing bracket?); quote it to pass a string');
  }
  return { value: doc.toJS() as unknown };
}

/**
 * Parse an override spec (`-o` value). `source` names where it came from, for errors.
 * Throws E_OVERRIDE_SYNTAX naming the malformed entry.
 */
export function parseOverrides(spec: string, source = '-o'): Override[] {
  if (spec.trim() === '') return [];
  let items: RawItem[];
  try {
    items = splitItems(spec);
  } catch (e) {
    if (e instanceof LlmdbenchError) throw withSource(e, source, spec);
    throw e;
  }
  while (items.length > 0 && (items[items.length - 1] as RawItem).text.trim() === '') items.pop();
  const bad = (msg: string): LlmdbenchError =>
    new LlmdbenchError('E_OVERRIDE_SYNTAX', `${source}: ${msg}`, {
      hint: OVERRIDE_SYNTAX_HINT,
      details: [`overrides given: ${JSON.stringify(spec)}`],
    });
  const pairs: { key: string; raw: string; entry: string }[] = [];
  const show = (t: string): string => JSON.stringify(t.replaceAll(ESC_COMMA, '\\,'));
  items.forEach((it, i) => {
    if (it.text.trim() === '') throw bad(`empty entry at position ${i + 1}`);
  });
  if (items.some((it) => it.hasEq)) {
    for (const it of items) {
      if (!it.hasEq) {
        throw bad(`entry ${show(it.text)} is not key=value (a value containing a comma must be quoted or escaped; do not mix key=value and key,value forms)`);
      }
      const eq = it.text.indexOf('=');
      pairs.push({ key: it.text.slice(0, eq), raw: it.text.slice(eq + 1), entry: it.text });
    }
  } else {
    if (items.length % 2 !== 0) {
      throw bad(`${items.length} comma-separated items without "=": expected key,value pairs (an even number) — last key ${show((items[items.length - 1] as RawItem).text)} has no value`);
    }
    for (let i = 0; i < items.length; i += 2) {
      const k = (items[i] as RawItem).text;
      const v = (items[i + 1] as RawItem).text;
      pairs.push({ key: k, raw: v, entry: `${k},${v}` });
    }
  }
  return pairs.map(({ key, raw, entry }) => {
    let parsed: ReturnType<typeof parseKey>;
    try {
      parsed = parseKey(key.replaceAll(ESC_COMMA, ','));
    } catch (e) {
      throw bad(`entry ${show(entry)}: ${(e as Error).message}`);
    }
    if (raw.trim() === '') throw bad(`entry ${show(entry)} has an empty value (write ${key.trim()}=null or ${key.trim()}="" if you mean it)`);
    let typed: { value: unknown; text?: string };
    try {
      typed = raw.trim().startsWith('[') || raw.trim().startsWith('{') ? typeFlow(raw) : typeValue(raw);
    } catch (e) {
      throw bad(`entry ${show(entry)}: ${(e as Error).message}`);
    }
    const { value, text } = typed;
    return { key: key.trim(), ...parsed, value, text, source };
  });
}

function withSource(e: LlmdbenchError, source: string, spec: string): LlmdbenchError {
  return new LlmdbenchError(e.code, `${source}: ${e.message}`, { hint: e.hint, details: [`overrides given: ${JSON.stringify(spec)}`] });
}

/**
 * Build an Override from an experiment-file assignment (value already typed by YAML).
 * `addMissingLeaf`: a path's missing last key is added under its (existing) map, as
 * HEAD-format experiment files expect; a bare name never adds.
 */
export function makeOverride(key: string, value: unknown, source: string, opts: { addMissingLeaf?: boolean } = {}): Override {
  const parsed = parseKey(key);
  return { key: key.trim(), ...parsed, add: parsed.add || (opts.addMissingLeaf === true && !parsed.bare), value, source };
}
