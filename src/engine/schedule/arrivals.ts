/**
 * Lazy arrivals: a schedule is a pure seeded generator of send offsets, drawn as the dispatcher
 * needs them, so memory grows with the requests in flight and never with the requests planned
 * (issue 12: `rate × duration` of 5 M requests used to be a 40 MB array drawn before the first
 * send). Each schedule keeps the exact sequence of its former eager form: same Rng draws in the
 * same order, same float operations; a rescaled schedule (exact span) sums its gaps in a first
 * pass on a clone of the stream (O(count) time, O(1) memory) and yields in a second.
 */
import type { Arrivals, StagePlan } from '../types.ts';

type OpenPlan = Extract<StagePlan, { kind: 'open' }>;

/**
 * Arrivals from an iterator factory; `count` is a number or computed once (memoised) on first
 * read. `source` describes the sequence as plain data (schedule, parameters, the stream's start
 * state): it is the only enumerable field, so two plans of the same sequence compare equal.
 */
export function lazyArrivals(source: Record<string, unknown>, count: number | (() => number), iterate: () => Iterator<number>): Arrivals {
  let n = typeof count === 'number' ? count : undefined;
  const a = { source };
  Object.defineProperty(a, 'count', {
    enumerable: false,
    get: () => {
      if (n === undefined) n = (count as () => number)();
      return n;
    },
  });
  Object.defineProperty(a, Symbol.iterator, { enumerable: false, value: iterate });
  return a as unknown as Arrivals;
}

/** Arrivals over offsets already in memory (trace files, hand-made plans). */
export function arrayArrivals(offsetsMs: Float64Array): Arrivals {
  return lazyArrivals({ offsetsMs }, offsetsMs.length, () => offsetsMs[Symbol.iterator]());
}

/** Every offset drawn into memory (tests, small plans). */
export function drawAll(a: Arrivals): Float64Array {
  const out = new Float64Array(a.count);
  let i = 0;
  const it = a[Symbol.iterator]();
  for (let r = it.next(); !r.done && i < out.length; r = it.next()) out[i++] = r.value;
  return i === out.length ? out : out.slice(0, i);
}

/** Count by walking an iterator (O(count) time, O(1) memory). */
export function countOf(it: Iterator<number>): number {
  let n = 0;
  while (!it.next().done) n++;
  return n;
}

/** The last value an iterator yields (undefined when empty). */
export function lastOf(it: Iterator<number>): number | undefined {
  let last: number | undefined;
  for (let r = it.next(); !r.done; r = it.next()) last = r.value;
  return last;
}

/**
 * An open stage plan over lazy arrivals, with `offsetsMs` as a non-enumerable getter that draws
 * the whole sequence on first read (memoised): spreads, JSON and structured clones never draw it.
 */
export function openPlan(p: Omit<OpenPlan, 'kind' | 'offsetsMs' | 'arrivals'> & { arrivals: Arrivals }): OpenPlan {
  const plan = { kind: 'open' as const, ...p };
  let drawn: Float64Array | undefined;
  Object.defineProperty(plan, 'offsetsMs', { enumerable: false, configurable: true, get: () => (drawn ??= drawAll(p.arrivals)) });
  return plan as OpenPlan;
}

/** A copy of a plan with some fields replaced, keeping a lazy plan lazy (a spread would drop `offsetsMs`). */
export function withPlan<P extends StagePlan>(plan: P, patch: Partial<P>): P {
  const out = { ...plan, ...patch } as P;
  if (out.kind === 'open' && !Object.prototype.hasOwnProperty.call(out, 'offsetsMs')) {
    const d = Object.getOwnPropertyDescriptor(plan, 'offsetsMs');
    if (d) Object.defineProperty(out, 'offsetsMs', d);
  }
  return out;
}

/** The arrivals the engine iterates: the schedule's lazy ones, or the plan's own array. */
export function arrivalsOf(plan: OpenPlan): Arrivals {
  return plan.arrivals ?? arrayArrivals(plan.offsetsMs);
}
