/**
 * Upstream dumps reports with `exclude_none=True`: every null/undefined field is
 * left out. Applied to a finished report object before it is written.
 */
import { PyFloat } from './pyjson.ts';

export function prune<T>(v: T): T {
  if (v instanceof PyFloat) return v.value as T;
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map((x) => prune(x)) as T;
  if (v && typeof v === 'object' && v.constructor === Object) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined || x === null) continue;
      o[k] = prune(x);
    }
    return o as T;
  }
  return v;
}
