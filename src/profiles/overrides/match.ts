/**
 * Where an override lands in a profile: a bare name at every depth, or a rooted
 * path; and the E_OVERRIDE_NO_MATCH error with the closest keys.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { LlmdbenchError } from '../../util/errors.ts';
import { closestN, editDistance } from '../../util/suggest.ts';
import type { Override, Path, Target } from './types.ts';

/** Format a path as `a.b[0].c`. */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

export function keyOf(pair: Pair): string {
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

export function resolveBare(doc: Document, name: string): Target[] {
  const out: Target[] = [];
  walkPairs(doc.contents, [], (pair, parent, path) => {
    if (keyOf(pair) === name) out.push({ path, parent, pair, node: pair.value as YamlNode | null, keyName: name });
  });
  return out;
}

/** Resolve a rooted path; returns the target or a description of where it stopped. */
export function resolvePath(doc: Document, ov: Override): Target | { stop: string } {
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

export function noMatch(ov: Override, doc: Document, file: string, why?: string): LlmdbenchError {
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
  if (near.length > 0) details.push(`closest existing ${ov.bare ? 'keys' : 'paths'}: ${near.join(', ')}`);
  else details.push(`no similar key; the profile's keys: ${leafNames.slice(0, 20).join(', ')}${leafNames.length > 20 ? ', …' : ''}`);
  return new LlmdbenchError('E_OVERRIDE_NO_MATCH', `override "${ov.key}" (from ${ov.source}) matches nothing in profile ${file}`, {
    location: { file, keyPath: ov.key.replace(/^\+/, '') },
    details,
    hint: ov.bare
      ? 'a bare name sets every key of that name at any depth; check the spelling, or give the full path'
      : 'a dotted path starts at the document root (load.stages.0.rate or load.stages[0].rate); ' +
        'prefix it with + to add a missing leaf under an existing map (+load.num_workers=2)',
  });
}
