/**
 * Applying overrides to a rendered profile: text splices when only scalars
 * change (untouched text kept byte for byte), else the AST printer (comments
 * and key order kept).
 */
import { isCollection, isMap, isScalar, parseDocument, stringify } from 'yaml';
import type { Document, Pair, YAMLMap, YAMLSeq, Node as YamlNode } from 'yaml';
import { LlmdbenchError } from '../../util/errors.ts';
import { formatPath, noMatch, resolveBare, resolvePath } from './match.ts';
import { plainSafe, scalarText } from './scalar.ts';
import type { Override, OverrideChange, Path, Target } from './types.ts';

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
 * map or list (E_OVERRIDE_NOT_SCALAR); a list or map value (YAML flow from `-o`) may replace anything. Returns the new text and the places changed.
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
          hint: notScalarHint(structural[0] as Target),
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

/** How to replace the collection at `t` with a YAML flow value: its own content when short, else a generic example. */
function notScalarHint(t: Target): string {
  const key = formatPath(t.path);
  let flow = isMap(t.node) ? '{key: value, ...}' : '[{key: value, ...}, ...]';
  try {
    const own = stringify((t.node as YamlNode).toJSON(), { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim();
    if (own.length <= 100 && !own.includes('\n')) flow = own;
  } catch {
    // keep the generic example
  }
  const leaf = isMap(t.node) ? `${key}.<key>` : `${key}[0].<key>`;
  return `to replace it, give a YAML flow value (quote it for the shell): -o '${key}=${flow}'; or override a leaf inside it (${leaf}=...)`;
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
