/**
 * Find where a key path sits in a parsed YAML document, so every profile issue
 * can name a line and column. A path that does not exist (a missing required
 * field) resolves to the deepest part that does (its parent key).
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

function keyMatches(key: unknown, seg: string | number): boolean {
  const k = isScalar(key) ? key.value : key;
  return k === seg || (k !== null && k !== undefined && String(k) === String(seg));
}

/** 1-based line/column of the key (or list item) addressed by `path`, else of its nearest existing ancestor. */
export function locatePath(doc: Document, lc: LineCounter, path: readonly (string | number)[]): Position | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyMatches(p.key, seg));
      if (!pair) break;
      const keyRange = (pair.key as Node | null)?.range;
      if (keyRange) offset = keyRange[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/** `load.stages[0].rate`; keys that contain dots or spaces are quoted: `benchmarks[0]["profile.streams"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) s += s ? `.${seg}` : seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s || '(document)';
}
