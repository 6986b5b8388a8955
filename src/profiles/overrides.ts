/**
 * `-o` overrides (and experiment treatment assignments): parse the spec string,
 * then apply the assignments to a rendered profile, structure-aware.
 *
 * Syntax and rules are documented in docs/overrides-and-treatments.md. In short:
 *  - `key=value,key2=value2`, or `key,value,key2,value2` when no entry has an `=`;
 *  - a value with a comma: quote it (`k="a,b"`), escape it (`k=a\,b`) or write REPLACE_COMMA;
 *  - a key with a `.` or `[` is a path from the document root (`load.stages.0.rate`,
 *    `load.stages[0].rate`); a bare name sets every key of that name at any depth;
 *    a leading `+` on a path adds the leaf when it is missing (its parent must exist);
 *  - values are typed as YAML 1.2 scalars unless quoted.
 * Untouched text is kept byte for byte when only scalars change (the common case).
 */
import { isCollection, isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Document, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { LlmdbenchError } from '../util/errors.ts';
import { closestN, editDistance } from '../util/suggest.ts';

/** One assignment: from `-o`, the overrides variable, or an experiment treatment. */
export interface Override {
  /** The key as written, e.g. `min`, `load.stages[0].rate`, `+load.num_workers`. */
  key: string;
  /** Path segments (numbers come from `[i]`); a single string segment without dots is a bare leaf. */
  segments: (string | number)[];
  /** True for a bare leaf name (matches at any depth). */
  bare: boolean;
  /** True when the key started with `+`: create the leaf if it is missing. */
  add: boolean;
  /** Typed value. Scalars from `-o`; experiment files may also give lists/maps. */
  value: unknown;
  /** Text to write for a scalar when it round-trips (keeps `0.10`, quotes as given). */
  text?: string;
  /** Where it came from: `-o`, `LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES`, `experiment x.yaml, treatment t`. */
  source: string;
}

export interface OverrideChange {
  key: string;
  source: string;
  /** Every place changed, e.g. `data.input_distribution.min`. */
  paths: string[];
  /** True when the key did not exist and was added (`+path`, or a HEAD experiment path). */
  added?: boolean;
}

export const OVERRIDE_SYNTAX_HINT =
  'write key=value entries separated by commas (or key,value pairs); quote a value that contains a comma ' +
  '(key="a,b"), or write it as a\\,b or aREPLACE_COMMAb';

const ESC_COMMA = '\u0001';

interface RawItem {
  text: string;
  hasEq: boolean;
}

/** Split on unquoted, unescaped commas; a quote opens only at the start of a key/value. */
function splitItems(spec: string): RawItem[] {
  const items: RawItem[] = [];
  let cur = '';
  let hasEq = false;
  let segStart = true;
  let quote: string | null = null;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    if (quote !== null) {
      cur += c;
      if (c === quote) quote = null;
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
  if (quote !== null) throw new LlmdbenchError('E_OVERRIDE_SYNTAX', `unterminated ${quote} quote`, { hint: OVERRIDE_SYNTAX_HINT });
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
    const { value, text } = typeValue(raw);
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

/** Format a path as `a.b[0].c`. */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

// ---------------------------------------------------------------------------
// Applying overrides to a profile

type Path = (string | number)[];
type Parent = YAMLMap | YAMLSeq;

/** One place an override lands: an existing node (possibly null value) or a missing leaf to add. */
interface Target {
  path: Path;
  parent: Parent;
  /** Map pair or sequence index holding the node. */
  pair?: Pair;
  index?: number;
  /** Existing value node (undefined when the leaf is to be added). */
  node: YamlNode | null | undefined;
  keyName: string | number;
}

function keyOf(pair: Pair): string {
  const k = pair.key as unknown;
  return isScalar(k) ? String(k.value) : String(k);
}

function walkPairs(node: unknown, path: Path, visit: (pair: Pair, parent: YAMLMap, path: Path) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const p = [...path, keyOf(pair)];
      visit(pair, node, p);
      walkPairs(pair.value, p, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkPairs(item, [...path, i], visit));
  }
}

function allPaths(doc: Document): string[] {
  const out: string[] = [];
  walkPairs(doc.contents, [], (_pair, _parent, path) => {
    out.push(formatPath(path));
  });
  return out;
}

function resolveBare(doc: Document, name: string): Target[] {
  const out: Target[] = [];
  walkPairs(doc.contents, [], (pair, parent, path) => {
    if (keyOf(pair) === name) out.push({ path, parent, pair, node: pair.value as YamlNode | null, keyName: name });
  });
  return out;
}

/** Resolve a rooted path; returns the target or a description of where it stopped. */
function resolvePath(doc: Document, ov: Override): Target | { stop: string } {
  let cur: unknown = doc.contents;
  const path: Path = [];
  for (let i = 0; i < ov.segments.length; i++) {
    const seg = ov.segments[i] as string | number;
    const last = i === ov.segments.length - 1;
    const here = path.length === 0 ? 'the document root' : formatPath(path);
    if (isMap(cur)) {
      const pair = typeof seg === 'number' ? undefined : cur.items.find((p) => keyOf(p) === seg);
      if (!pair) {
        if (last && ov.add && typeof seg === 'string') return { path: [...path, seg], parent: cur, node: undefined, keyName: seg };
        const keys = cur.items.map(keyOf);
        return { stop: `${here} is a map with keys: ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}` };
      }
      path.push(keyOf(pair));
      if (last) return { path, parent: cur, pair, node: pair.value as YamlNode | null, keyName: keyOf(pair) };
      cur = pair.value;
    } else if (isSeq(cur)) {
      const idx = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      if (!(idx >= 0 && idx < cur.items.length)) {
        return { stop: `${here} is a list of ${cur.items.length} item(s); "${seg}" is not an index in it` };
      }
      path.push(idx);
      if (last) return { path, parent: cur, index: idx, node: cur.items[idx] as YamlNode | null, keyName: idx };
      cur = cur.items[idx];
    } else {
      return { stop: `${here} is a ${cur === null || cur === undefined ? 'null' : 'scalar'} value, not a map or list` };
    }
  }
  return { stop: 'empty path' };
}

function noMatch(ov: Override, doc: Document, file: string, why?: string): LlmdbenchError {
  const paths = allPaths(doc);
  const leafNames = [...new Set(paths.map((p) => p.replace(/^.*[.\]]/, '')))];
  const lastSeg = String(ov.segments[ov.segments.length - 1]);
  let near: string[];
  if (ov.bare) {
    // closestN also accepts any name containing the key; for a short key (`min` in `streaming`) that misleads.
    near = closestN(ov.key, leafNames, 5).filter((c) => ov.key.length >= 4 || editDistance(ov.key, c) <= 2);
  } else {
    const bySuffix = paths.filter((p) => p.endsWith(`.${lastSeg}`) || p === lastSeg);
    near = [...new Set([...bySuffix.slice(0, 3), ...closestN(ov.key.replace(/^\+/, ''), paths, 5)])].slice(0, 5);
  }
  const details: string[] = [];
  if (why) details.push(why);
  details.push(near.length > 0 ? `closest existing ${ov.bare ? 'keys' : 'paths'}: ${near.join(', ')}` : 'no similar key in the profile');
  return new LlmdbenchError('E_OVERRIDE_NO_MATCH', `override "${ov.key}" (from ${ov.source}) matches nothing in profile ${file}`, {
    location: { file, keyPath: ov.key.replace(/^\+/, '') },
    details,
    hint: ov.bare
      ? 'a bare name sets every key of that name at any depth; check the spelling, or give the full path'
      : 'a dotted path starts at the document root (load.stages.0.rate or load.stages[0].rate); ' +
        'prefix it with + to add a missing leaf under an existing map (+load.num_workers=2)',
  });
}

/** Scalar text: keep the user's own text when it round-trips, quote strings only when needed. */
function scalarText(ov: Override, old: Scalar | undefined): string | undefined {
  const v = ov.value;
  if (v !== null && typeof v === 'object') return undefined;
  if (typeof v === 'string') {
    if (old?.type === 'QUOTE_DOUBLE') return JSON.stringify(v);
    if (old?.type === 'QUOTE_SINGLE') return `'${v.replaceAll("'", "''")}'`;
    if (ov.text !== undefined && (ov.text.startsWith('"') || ov.text.startsWith("'"))) return ov.text;
    return plainSafe(v) ? v : JSON.stringify(v);
  }
  if (ov.text !== undefined && readsSameIn11(ov.text, v)) return ov.text;
  return stringify(v).trim();
}

/** `0.10` stays `0.10`, but `0o17` (an int in YAML 1.2, a string in 1.1) is rewritten. */
function readsSameIn11(text: string, v: unknown): boolean {
  const d = parseDocument(text, { version: '1.1' });
  return d.errors.length === 0 && isScalar(d.contents) && d.contents.value === v;
}

/** A string that reads back as the same string under YAML 1.2 and 1.1 (Python harnesses read 1.1). */
function plainSafe(s: string): boolean {
  if (s === '' || s !== s.trim() || /[\n\r]/.test(s)) return false;
  for (const version of ['1.2', '1.1'] as const) {
    const d = parseDocument(s, { version });
    if (d.errors.length > 0 || !isScalar(d.contents) || d.contents.value !== s) return false;
  }
  return true;
}

interface Edit {
  target: Target;
  ov: Override;
}

/** A text splice: replace [start, end) with `text`. */
interface Splice {
  start: number;
  end: number;
  text: string;
  edit: Edit;
}

/** How to make an edit as a text splice, or undefined when the AST printer must be used. */
function spliceFor(text: string, e: Edit): Splice | undefined {
  const n = e.target.node;
  if (e.ov.value !== null && typeof e.ov.value === 'object') return undefined;
  if ((e.target.parent as { flow?: boolean }).flow) return undefined;
  if (n === undefined) return addSplice(text, e);
  if (!isScalar(n) || !n.range || n.anchor) return undefined;
  if (n.type === 'BLOCK_FOLDED' || n.type === 'BLOCK_LITERAL') return undefined;
  const [start, end] = n.range;
  if (/[\n\r]/.test(text.slice(start, end))) return undefined;
  let repl = scalarText(e.ov, n);
  if (repl === undefined) return undefined;
  // An empty value (`key:`) sits right after the colon: keep a space before the new value.
  if (start === end && text[start - 1] === ':') repl = ` ${repl}`;
  return { start, end, text: repl, edit: e };
}

/** A new `key: value` line after the last entry of a block map, at that map's indentation. */
function addSplice(text: string, e: Edit): Splice | undefined {
  const map = e.target.parent;
  const first = map.items[0] as Pair | undefined;
  const last = map.items[map.items.length - 1] as Pair | undefined;
  const firstKey = first?.key as YamlNode | undefined;
  if (!isMap(map) || !firstKey?.range || !last) return undefined;
  const col = firstKey.range[0] - (text.lastIndexOf('\n', firstKey.range[0] - 1) + 1);
  const lastNode = (last.value ?? last.key) as YamlNode | undefined;
  if (!lastNode?.range) return undefined;
  let pos = lastNode.range[2];
  if (text[pos - 1] !== '\n') {
    const nl = text.indexOf('\n', pos);
    pos = nl === -1 ? text.length : nl + 1;
  }
  const value = scalarText(e.ov, undefined);
  if (value === undefined || !plainSafe(String(e.target.keyName))) return undefined;
  const lead = pos === text.length && !text.endsWith('\n') ? '\n' : '';
  return { start: pos, end: pos, text: `${lead}${' '.repeat(col)}${e.target.keyName}: ${value}\n`, edit: e };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Block sequences under a key written without indentation (`stages:\n- rate: 1`)? */
function detectIndentSeq(text: string): boolean {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i] as string);
    if (!m) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (next === undefined) break;
    const ind = m[1] as string;
    if (next.startsWith(`${ind}- `) || next === `${ind}-`) return false;
    if (new RegExp(`^${ind} +- `).test(next)) return true;
  }
  return true;
}

/**
 * Apply overrides in order (a later one wins on the same key) to a rendered profile.
 * Keeps comments, key order and the text of untouched parts. Every override must match
 * (E_OVERRIDE_NO_MATCH otherwise, with the closest keys); a scalar may not replace a
 * map or list (E_OVERRIDE_NOT_SCALAR). Returns the new text and the places changed.
 */
export function applyOverrides(
  text: string,
  overrides: readonly Override[],
  opts: { file: string },
): { text: string; changes: OverrideChange[] } {
  if (overrides.length === 0) return { text, changes: [] };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new LlmdbenchError('E_PROFILE_YAML', `profile ${opts.file} is not valid YAML: ${err?.message.split('\n')[0] ?? ''}`, {
      location: { file: opts.file, line: err?.linePos?.[0]?.line, column: err?.linePos?.[0]?.col },
    });
  }
  const edits: Edit[] = [];
  const changes: OverrideChange[] = [];
  for (const ov of overrides) {
    let targets: Target[];
    if (ov.bare) {
      targets = resolveBare(doc, ov.segments[0] as string);
      if (targets.length === 0) throw noMatch(ov, doc, opts.file);
    } else {
      const t = resolvePath(doc, ov);
      if ('stop' in t) throw noMatch(ov, doc, opts.file, `stopped at: ${t.stop}`);
      targets = [t];
    }
    const scalarValue = ov.value === null || typeof ov.value !== 'object';
    const structural = targets.filter((t) => isCollection(t.node));
    if (scalarValue && structural.length > 0) {
      throw new LlmdbenchError(
        'E_OVERRIDE_NOT_SCALAR',
        `override "${ov.key}" (from ${ov.source}) would replace a map or list with a scalar in profile ${opts.file}`,
        {
          location: { file: opts.file, keyPath: formatPath((structural[0] as Target).path) },
          details: structural.map((t) => `${formatPath(t.path)} is a ${isMap(t.node) ? 'map' : 'list'}`),
          hint: 'override a leaf inside it (e.g. a dotted path such as load.stages.0.rate)',
        },
      );
    }
    for (const target of targets) edits.push({ target, ov });
    const added = targets.some((t) => t.node === undefined);
    changes.push({ key: ov.key, source: ov.source, paths: targets.map((t) => formatPath(t.path)), ...(added ? { added } : {}) });
  }
  const inPlace = tryInPlace(text, doc, edits);
  return { text: inPlace ?? printAst(text, doc, edits), changes };
}

/** Splice the new values into the text (last edit per node wins); undefined when not possible or not faithful. */
function tryInPlace(text: string, doc: Document, edits: Edit[]): string | undefined {
  const byPos = new Map<string, Splice>();
  for (const e of edits) {
    const sp = spliceFor(text, e);
    if (!sp) return undefined;
    byPos.set(`${sp.start}:${sp.end}:${e.target.node === undefined ? formatPath(e.target.path) : ''}`, sp);
  }
  let out = text;
  const ordered = [...byPos.values()].sort((a, b) => b.start - a.start);
  for (const sp of ordered) out = out.slice(0, sp.start) + sp.text + out.slice(sp.end);
  const check = parseDocument(out);
  if (check.errors.length > 0) return undefined;
  // Faithful only if the result reads back exactly as the original with the edits applied.
  const expected = doc.toJS() as unknown;
  for (const e of edits) setJs(expected, e.target.path, e.ov.value);
  return sameValue(check.toJS(), expected) ? out : undefined;
}

function setJs(root: unknown, path: Path, value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i] as string | number] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
}

/** Fallback: change the document tree and print it (comments and key order kept, spacing normalised). */
function printAst(text: string, doc: Document, edits: Edit[]): string {
  for (const { target, ov } of edits) {
    const n = target.node;
    const scalarValue = ov.value === null || typeof ov.value !== 'object';
    if (isScalar(n) && scalarValue) {
      const fresh = ov.text !== undefined ? parseDocument(ov.text).contents : null;
      n.value = ov.value;
      n.format = isScalar(fresh) ? fresh.format : undefined;
      n.minFractionDigits = isScalar(fresh) ? fresh.minFractionDigits : undefined;
      if (typeof ov.value !== 'string' || (n.type !== 'QUOTE_DOUBLE' && n.type !== 'QUOTE_SINGLE')) {
        n.type = isScalar(fresh) ? fresh.type : undefined;
      }
      if (typeof ov.value === 'string' && n.type !== 'QUOTE_DOUBLE' && n.type !== 'QUOTE_SINGLE' && !plainSafe(ov.value)) {
        n.type = 'QUOTE_DOUBLE';
      }
      continue;
    }
    const node = doc.createNode(ov.value);
    if (target.pair) target.pair.value = node;
    else if (target.index !== undefined) (target.parent as YAMLSeq).items[target.index] = node;
    else (target.parent as YAMLMap).set(doc.createNode(target.keyName), node);
  }
  return doc.toString({ indentSeq: detectIndentSeq(text), lineWidth: 0, flowCollectionPadding: false });
}
