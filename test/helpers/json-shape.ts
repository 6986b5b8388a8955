/**
 * Structural comparison of two JSON/YAML values: the same keys in the same order, the same
 * kind at every path (object, array, string, number, boolean, null — so null vs object counts),
 * recursively; array elements are each compared with the reference's first element. Returns
 * every difference as "path: ours vs theirs", so a test can show all of them at once.
 */
type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

function kind(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'object') return 'object';
  if (t === 'string' || t === 'number' || t === 'boolean') return t;
  throw new Error(`not a JSON value: ${t}`);
}

export function shapeDiff(ours: unknown, ref: unknown, path = '$', out: string[] = []): string[] {
  const a = kind(ours);
  const b = kind(ref);
  if (a !== b) {
    out.push(`${path}: ${a} vs ${b}`);
    return out;
  }
  if (a === 'object') {
    const o = ours as Record<string, unknown>;
    const r = ref as Record<string, unknown>;
    const ok = Object.keys(o);
    const rk = Object.keys(r);
    if (ok.join('\u0000') !== rk.join('\u0000')) out.push(`${path}: keys [${ok.join(', ')}] vs [${rk.join(', ')}]`);
    for (const k of ok) if (k in r) shapeDiff(o[k], r[k], `${path}.${k}`, out);
  } else if (a === 'array') {
    const r = ref as unknown[];
    if (r.length > 0) (ours as unknown[]).forEach((x, i) => shapeDiff(x, r[0], `${path}[${i}]`, out));
  }
  return out;
}
