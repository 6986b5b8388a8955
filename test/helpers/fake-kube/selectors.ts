/** Label and field selectors as the API server applies them (the subset our client sends). */
import type { KubeObject } from '../../../src/platform/kubernetes/cluster.ts';

export function matchesLabels(obj: KubeObject, selector: string | null): boolean {
  if (!selector) return true;
  const labels = obj.metadata?.labels ?? {};
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (t === '') return true;
    const ne = t.indexOf('!=');
    if (ne > 0) return labels[t.slice(0, ne)] !== t.slice(ne + 2);
    const eq = t.indexOf('=');
    if (eq > 0) return labels[t.slice(0, eq)] === t.slice(t[eq + 1] === '=' ? eq + 2 : eq + 1);
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

export function matchesFields(obj: KubeObject, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return String(field(obj, k ?? '') ?? '') === (v ?? '');
  });
}
