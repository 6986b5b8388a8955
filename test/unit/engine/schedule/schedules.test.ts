import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  concurrentSchedule,
  constantSchedule,
  evenSchedule,
  gammaSchedule,
  parseTraceCsv,
  planStages,
  poissonSchedule,
  schedules,
  traceReplayPlan,
  validateStages,
} from '../../../../src/engine/schedule/index.ts';
import type { StagePlan } from '../../../../src/engine/types.ts';
import { Rng } from '../../../../src/util/rng.ts';

type Open = Extract<StagePlan, { kind: 'open' }>;
const open = (p: StagePlan): Open => {
  assert.equal(p.kind, 'open');
  return p as Open;
};
const ascending = (a: Float64Array) => a.every((x, i) => i === 0 || x >= (a[i - 1] as number));

test('constant: exactly int(rate × duration) arrivals, gaps sum to exactly the duration, deterministic by seed', () => {
  for (const [rate, duration] of [[10, 30], [0.1, 30], [3.7, 11], [500, 2], [1, 1]] as const) {
    const p = open(constantSchedule.plan({ rate, duration }, 0, new Rng(1)));
    const n = Math.trunc(rate * duration);
    assert.equal(p.offsetsMs.length, n, `${rate}×${duration}`);
    assert.equal(p.offsetsMs[n - 1], duration * 1000, 'the last request lands at the end of the stage');
    assert.ok(ascending(p.offsetsMs));
    assert.ok((p.offsetsMs[0] as number) > 0);
    assert.equal(p.requestedRate, rate);
    assert.equal(p.durationMs, duration * 1000);
  }
  const a = open(constantSchedule.plan({ rate: 20, duration: 10 }, 0, new Rng(5))).offsetsMs;
  const b = open(constantSchedule.plan({ rate: 20, duration: 10 }, 0, new Rng(5))).offsetsMs;
  const c = open(constantSchedule.plan({ rate: 20, duration: 10 }, 0, new Rng(6))).offsetsMs;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // not evenly spaced: exponential-like gaps (coefficient of variation near 1)
  const big = open(constantSchedule.plan({ rate: 100, duration: 100 }, 0, new Rng(2))).offsetsMs;
  const gaps = Array.from(big, (x, i) => x - (i ? (big[i - 1] as number) : 0));
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const cv = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length) / mean;
  assert.ok(Math.abs(mean - 10) < 1e-9, `mean gap ${mean}`);
  assert.ok(cv > 0.9 && cv < 1.1, `cv ${cv}`);
});

test('even: N arrivals 1/rate apart from 0', () => {
  const p = open(evenSchedule.plan({ rate: 4, duration: 2 }, 3, new Rng(1)));
  assert.deepEqual(Array.from(p.offsetsMs), [0, 250, 500, 750, 1000, 1250, 1500, 1750]);
  assert.equal(p.stage, 3);
});

test('poisson: per-second construction, exactly int(rate × duration) requests', () => {
  const rate = 7;
  const duration = 60;
  const p = open(poissonSchedule.plan({ rate, duration }, 0, new Rng(3)));
  assert.equal(p.offsetsMs.length, rate * duration);
  assert.ok(ascending(p.offsetsMs));
  // group by second: every non-empty second except possibly the last (truncated) one ends exactly at its end
  const perSecond = new Map<number, number[]>();
  for (const t of p.offsetsMs) {
    const s = t === Math.floor(t / 1000) * 1000 && t > 0 ? t / 1000 - 1 : Math.floor(t / 1000);
    perSecond.set(s, [...(perSecond.get(s) ?? []), t]);
  }
  const secs = [...perSecond.keys()].sort((a, b) => a - b);
  for (const s of secs.slice(0, -1)) {
    const ts = perSecond.get(s) as number[];
    assert.equal(ts[ts.length - 1], (s + 1) * 1000, `second ${s} ends at its end`);
    assert.ok(ts.every((t) => t > s * 1000 && t <= (s + 1) * 1000));
  }
  // per-second counts are Poisson(rate): mean ≈ variance ≈ rate (over the complete seconds)
  const counts = secs.slice(0, -1).map((s) => (perSecond.get(s) as number[]).length);
  const allSeconds = Math.floor((p.offsetsMs[p.offsetsMs.length - 1] as number) / 1000);
  const full = Array.from({ length: allSeconds }, (_, s) => perSecond.get(s)?.length ?? 0);
  const m = full.reduce((a, b) => a + b, 0) / full.length;
  assert.ok(Math.abs(m - rate) < 1.5, `mean per second ${m}`);
  assert.ok(counts.length > 40);
  assert.ok(p.durationMs >= duration * 1000);
  assert.deepEqual(open(poissonSchedule.plan({ rate, duration }, 0, new Rng(3))).offsetsMs, p.offsetsMs);
});

test('gamma (vllm bench): N arrivals, last at exactly N/rate, burstiness shapes the gaps, rate inf at 0', () => {
  const cv = (a: Float64Array) => {
    const g = Array.from(a, (x, i) => x - (i ? (a[i - 1] as number) : 0));
    const mean = g.reduce((s, x) => s + x, 0) / g.length;
    return Math.sqrt(g.reduce((s, x) => s + (x - mean) ** 2, 0) / g.length) / mean;
  };
  const p1 = open(gammaSchedule.plan({ rate: 50, num_requests: 5000 }, 0, new Rng(1)));
  assert.equal(p1.offsetsMs.length, 5000);
  assert.equal(p1.offsetsMs[4999], 100_000);
  assert.ok(Math.abs(cv(p1.offsetsMs) - 1) < 0.05, 'burstiness 1 = Poisson (cv 1)');
  const bursty = open(gammaSchedule.plan({ rate: 50, num_requests: 5000, burstiness: 0.25 }, 0, new Rng(1)));
  assert.ok(Math.abs(cv(bursty.offsetsMs) - 2) < 0.15, `cv = 1/sqrt(shape) = 2, got ${cv(bursty.offsetsMs)}`);
  const even = open(gammaSchedule.plan({ rate: 10, num_requests: 5, burstiness: Infinity }, 0, new Rng(1)));
  assert.deepEqual(Array.from(even.offsetsMs).map((x) => Math.round(x)), [100, 200, 300, 400, 500]);
  const inf = open(gammaSchedule.plan({ rate: 'inf', num_requests: 3 }, 0, new Rng(1)));
  assert.deepEqual(Array.from(inf.offsetsMs), [0, 0, 0]);
  const ramp = open(gammaSchedule.plan({ rate: 1, num_requests: 400, ramp_up_strategy: 'linear', ramp_up_start_rps: 1, ramp_up_end_rps: 50, burstiness: Infinity }, 0, new Rng(1)));
  const g = Array.from(ramp.offsetsMs, (x, i) => x - (i ? (ramp.offsetsMs[i - 1] as number) : 0));
  assert.ok(Math.abs((g[0] as number) - 1000) < 1e-6 && Math.abs((g[399] as number) - 20) < 1e-6, 'gaps 1/rate from start to end rate');
  assert.equal(gammaSchedule.validate({ rate: 5 }, ['x'])[0]?.path.join('.'), 'x.num_requests');
});

test('concurrent: a closed-loop plan', () => {
  assert.deepEqual(concurrentSchedule.plan({ concurrency_level: 8, num_requests: 100 }, 2, new Rng(1)), { kind: 'closed', stage: 2, concurrency: 8, maxRequests: 100 });
  assert.deepEqual(concurrentSchedule.plan({ concurrency_level: 4, duration: 30 }, 0, new Rng(1)), { kind: 'closed', stage: 0, concurrency: 4, durationMs: 30_000 });
  const issues = concurrentSchedule.validate({ concurrency_level: 0, rate: 3 }, ['load', 'stages', 0]).map((i) => i.path.join('.'));
  assert.deepEqual(issues.sort(), ['load.stages.0.concurrency_level', 'load.stages.0.num_requests', 'load.stages.0.rate']);
});

test('multi-stage: one plan per stage, independent per-stage streams, interval pauses, all errors at once', () => {
  const stages = [{ rate: 5, duration: 4 }, { rate: 10, duration: 2 }, { rate: 2, duration: 3 }];
  const lp = planStages('constant', stages, { seed: 9, intervalS: 2.5 });
  assert.deepEqual(lp.stages.map((s) => open(s).offsetsMs.length), [20, 20, 6]);
  assert.deepEqual(lp.stages.map((s) => s.stage), [0, 1, 2]);
  assert.deepEqual(lp.pauseAfterMs, [2500, 2500, 0]);
  assert.equal(lp.seed, 9);
  // changing stage 0 does not change stage 1's arrivals
  const lp2 = planStages('constant', [{ rate: 6, duration: 4 }, ...stages.slice(1)], { seed: 9 });
  assert.deepEqual(open(lp2.stages[1] as StagePlan).offsetsMs, open(lp.stages[1] as StagePlan).offsetsMs);
  assert.deepEqual(lp2.pauseAfterMs, [1000, 1000, 0], 'default interval 1 s');
  const issues = validateStages('constant', [{ rate: 0, duration: 5 }, { rate: 1 }, { rate: 1, duration: 1, num_requests: 4 }]);
  assert.deepEqual(issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.')), [
    'load.stages.0.rate',
    'load.stages.1.duration',
    'load.stages.2.num_requests',
  ]);
  assert.throws(() => planStages('constant', [{ rate: 0, duration: 5 }, { rate: 1 }], { seed: 1 }), (e: Error & { details?: string[] }) => e.details?.length === 1);
  assert.equal(validateStages('constnt', [])[0]?.message, 'unknown load type "constnt"');
  assert.deepEqual(schedules.kinds().sort(), ['concurrent', 'constant', 'even', 'evenly-spaced', 'exponential', 'gamma', 'multi_round_qa', 'poisson', 'trace_replay']);
});

test('trace_replay: offsets from an AzurePublicDataset CSV', () => {
  const csv = 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:15:47.0000000,879,1\n';
  const rows = parseTraceCsv(csv);
  assert.deepEqual(rows.map((r) => Math.round(r.offsetMs * 1000) / 1000), [0, 319.41, 4314.579]);
  assert.deepEqual(rows.map((r) => r.inputTokens), [374, 879, 396]);
  const f = join(mkdtempSync(join(tmpdir(), 'llmdbench-trace-')), 't.csv');
  writeFileSync(f, '0,10,5\n0.5,20,6\n2,30,7\n');
  const { plan } = traceReplayPlan(f);
  assert.deepEqual(Array.from(open(plan).offsetsMs), [0, 500, 2000]);
  const lp = planStages('trace_replay', [{ file: f }], { seed: 1 });
  assert.deepEqual(Array.from(open(lp.stages[0] as StagePlan).offsetsMs), [0, 500, 2000]);
  assert.throws(() => parseTraceCsv('t,a,b\nyesterday,1,2\n'), /bad timestamp/);
});
