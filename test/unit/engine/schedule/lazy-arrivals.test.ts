/**
 * Lazy schedules draw exactly what the eager ones drew: the references below are the eager
 * implementations as they were before arrivals became lazy (one Float64Array per stage), kept
 * verbatim; every schedule kind is compared bit for bit, iterated twice (an iterator is a fresh
 * sequence), and its `count` is checked against the number of offsets yielded.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { Rng } from '../../../../src/util/rng.ts';
import { schedules } from '../../../../src/engine/schedule/registry.ts';
import { arrivalsOf, drawAll, withPlan } from '../../../../src/engine/schedule/arrivals.ts';
import { evenOffsetMs } from '../../../../src/engine/schedule/guidellm.ts';
import { planMultiRoundQa } from '../../../../src/engine/schedule/multi-round-qa.ts';
import type { StagePlan } from '../../../../src/engine/types.ts';

type Open = Extract<StagePlan, { kind: 'open' }>;

// ---- the eager references (pre-lazy code) ----------------------------------------------------

function rescaledExponentialOffsets(n: number, spanMs: number, rng: Rng, startMs = 0): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += rng.exponential(1);
    out[i] = sum;
  }
  const k = spanMs / sum;
  for (let i = 0; i < n; i++) out[i] = startMs + (out[i] as number) * k;
  out[n - 1] = startMs + spanMs;
  return out;
}

const eager: Record<string, (s: Record<string, number>, rng: Rng) => { offsets: Float64Array; durationMs: number }> = {
  constant: (s, rng) => ({ offsets: rescaledExponentialOffsets(Math.trunc(s.rate! * s.duration!), s.duration! * 1000, rng), durationMs: s.duration! * 1000 }),
  even: (s) => {
    const n = Math.trunc(s.rate! * s.duration!);
    const o = new Float64Array(n);
    for (let i = 0; i < n; i++) o[i] = (i * 1000) / s.rate!;
    return { offsets: o, durationMs: s.duration! * 1000 };
  },
  poisson: (s, rng) => {
    const n = Math.trunc(s.rate! * s.duration!);
    const o = new Float64Array(n);
    let filled = 0;
    const maxSeconds = Math.max(60, Math.ceil(s.duration! * 100 + 1000));
    for (let sec = 0; filled < n && sec < maxSeconds; sec++) {
      const k = rng.poisson(s.rate!);
      if (k === 0) continue;
      const within = rescaledExponentialOffsets(k, 1000, rng, sec * 1000);
      for (let j = 0; j < k && filled < n; j++) o[filled++] = within[j] as number;
    }
    return { offsets: o.subarray(0, filled), durationMs: s.duration! * 1000 };
  },
  gamma: (s, rng) => {
    const n = s.num_requests!;
    const rate = s.rate!;
    const o = new Float64Array(n);
    const b = s.burstiness ?? 1;
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += Number.isFinite(b) ? rng.gamma(b, 1 / (rate * b)) : 1 / rate;
      o[i] = t * 1000;
    }
    if ((s.rescale ?? 1) && n > 0) {
      const k = ((n / rate) * 1000) / (o[n - 1] as number);
      for (let i = 0; i < n; i++) o[i] = (o[i] as number) * k;
      o[n - 1] = (n / rate) * 1000;
    }
    return { offsets: o, durationMs: n > 0 ? (o[n - 1] as number) : 0 };
  },
  'evenly-spaced': (s) => bounded(s, (k) => evenOffsetMs(k, s.rate!, s.rampup ?? 0)),
  exponential: (s, rng) => {
    let t = 0;
    return bounded(s, (k) => (k === 0 ? 0 : (t += rng.exponential(s.rate!) * 1000)));
  },
  multi_round_qa: (s) => ({ offsets: planMultiRoundQa(s as never).offsetsMs, durationMs: s.duration! * 1000 }),
};

function bounded(s: Record<string, number>, next: (k: number) => number): { offsets: Float64Array; durationMs: number } {
  const limitMs = s.duration !== undefined ? s.duration * 1000 : Infinity;
  const maxN = Math.min(s.count ?? 5_000_000, 5_000_000);
  const out: number[] = [];
  for (let k = 0; k < maxN; k++) {
    const t = next(k);
    if (!(t < limitMs)) break;
    out.push(t);
  }
  return { offsets: Float64Array.from(out), durationMs: s.duration !== undefined ? s.duration * 1000 : (out[out.length - 1] ?? 0) };
}

const cases: [string, Record<string, number>][] = [
  ['constant', { rate: 37.5, duration: 20 }],
  ['constant', { rate: 3, duration: 0.5 }],
  ['constant', { rate: 1, duration: 1 }],
  ['even', { rate: 7, duration: 3 }],
  ['poisson', { rate: 40, duration: 12 }],
  ['poisson', { rate: 0.5, duration: 30 }],
  ['gamma', { rate: 12, num_requests: 700 }],
  ['gamma', { rate: 12, num_requests: 700, burstiness: 0.3 }],
  ['gamma', { rate: 5, num_requests: 300, burstiness: 4, rescale: 0 }],
  ['evenly-spaced', { rate: 9, duration: 20, rampup: 4 }],
  ['evenly-spaced', { rate: 9, count: 50 }],
  ['exponential', { rate: 25, duration: 14 }],
  ['exponential', { rate: 25, count: 333 }],
  ['multi_round_qa', { num_users: 6, num_rounds: 4, qps: 1.5, duration: 40 }],
];

const same = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

for (const [kind, cfg] of cases) {
  test(`lazy ${kind} ${JSON.stringify(cfg)} = the eager sequence, bit for bit`, () => {
    const stage = { ...cfg, ...(cfg.rescale === 0 ? { rescale: false } : {}) };
    const plan = schedules.get(kind).plan(stage, 0, new Rng(4242)) as Open;
    const ref = eager[kind]!(cfg, new Rng(4242));
    assert.ok(plan.arrivals, 'a schedule gives lazy arrivals');
    assert.ok(!Object.keys(plan).includes('offsetsMs'), 'nothing is drawn into the plan object');
    const lazy = drawAll(plan.arrivals);
    assert.ok(ref.offsets.length > 0);
    assert.ok(same(lazy, ref.offsets), `first difference at ${lazy.findIndex((x, i) => !Object.is(x, ref.offsets[i]))}`);
    assert.ok(same(drawAll(plan.arrivals), ref.offsets), 'a second iterator yields the same sequence');
    assert.equal(plan.arrivals.count, ref.offsets.length);
    assert.equal(plan.durationMs, ref.durationMs);
    assert.ok(same(plan.offsetsMs, ref.offsets), 'offsetsMs (drawn on demand) equals the sequence');
    const copy = withPlan(plan, { stage: 3 });
    assert.equal(copy.stage, 3);
    assert.ok(same(copy.offsetsMs, ref.offsets), 'a copy keeps its offsets');
  });
}

test('an array plan iterates its own offsets; a huge plan is counted without drawing', () => {
  const offsetsMs = Float64Array.from([0, 5, 9]);
  assert.deepEqual([...arrivalsOf({ kind: 'open', stage: 0, offsetsMs, requestedRate: 1, durationMs: 9 })], [0, 5, 9]);
  const before = process.memoryUsage().heapUsed;
  const huge = schedules.get('constant').plan({ rate: 50_000, duration: 200 }, 0, new Rng(1)) as Open;
  const it = huge.arrivals![Symbol.iterator]();
  const first = [it.next().value, it.next().value, it.next().value] as number[];
  assert.equal(huge.arrivals!.count, 10_000_000);
  assert.ok(first[0]! > 0 && first[0]! < first[1]! && first[1]! < first[2]!);
  assert.ok(process.memoryUsage().heapUsed - before < 16 * 1024 * 1024, 'ten million arrivals planned in O(1) memory (an array would be 80 MB)');
});
