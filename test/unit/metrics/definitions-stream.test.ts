import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { inferencePerfDefinitions, type MetricDefinitionSet } from '../../../src/metrics/definition-set.ts';
import { guidellmDefinitions } from '../../../src/metrics/guidellm-definitions.ts';
import { GuidellmAccumulator } from '../../../src/metrics/guidellm-stream.ts';
import { lmbenchDefinitions } from '../../../src/metrics/lmbench-definitions.ts';
import { goodput, sloValuesMs, type Slo } from '../../../src/metrics/slo.ts';
import { vllmBenchDefinitions } from '../../../src/metrics/vllm-bench-definitions.ts';
import { createRng } from '../../../src/util/rng.ts';
import { randomRecords } from './seed-stream.test.ts';

/**
 * Records every definition set treats differently: warm-up tagged requests, chat role chunks
 * before the first content event, non-streamed responses, cancelled (aborted) requests, missing usage.
 */
function mixedRecords(n: number, seed: number): RequestRecord[] {
  const rng = createRng(seed + 100);
  return randomRecords(n, seed).map((r, i) => {
    const x = rng.float();
    const out: RequestRecord = { ...r };
    if (i < 3) out.tags = { phase: 'warmup' };
    else if (x < 0.05) out.tags = { phase: 'measured' };
    if (!r.error && x > 0.7 && r.chunkTimesMs.length > 0) {
      out.firstChoiceAtMs = r.chunkTimesMs[0]! - 1 - rng.float() * 5;
      out.lastChoiceAtMs = r.chunkTimesMs[r.chunkTimesMs.length - 1]!;
      out.choiceEventCount = r.chunkTimesMs.length + 1;
    }
    if (!r.error && x > 0.95) Object.assign(out, { stream: false, chunkTimesMs: [], chunkTokens: [] });
    if (r.error && x < 0.5) out.error = { label: 'aborted', message: 'cancelled at the stage deadline' };
    return out;
  });
}

/** Same keys; numbers equal to `rel` (means may be summed in another order); percentiles checked exactly by the caller. */
function close(a: unknown, b: unknown, rel: number, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `${path}: ${a} vs ${b}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined).sort(), Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined).sort(), path);
    for (const k of Object.keys(a)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`);
    return;
  }
  assert.equal(a, b, path);
}

const SETS: MetricDefinitionSet[] = [inferencePerfDefinitions, vllmBenchDefinitions, lmbenchDefinitions, guidellmDefinitions];

for (const set of SETS) {
  test(`${set.name}: the streamed summary equals the in-memory one (percentiles exactly)`, () => {
    assert.ok(set.accumulator, `${set.name} has an accumulator`);
    for (const seed of [1, 2, 3]) {
      const recs = mixedRecords(seed === 3 ? 3000 : 400, seed);
      const acc = set.accumulator!();
      for (const r of recs) acc.add(r);
      const got = acc.result();
      const want = set.summarize(recs);
      close(got, want, 1e-12);
      assert.ok(want.requests > 0 && (want.ttftMs?.count ?? 0) > 0, 'the records exercise the metrics');
      for (const k of ['ttftMs', 'tpotMs', 'itlMs', 'requestLatencyMs', 'ntpotMs'] as const) {
        for (const p of ['p50', 'p90', 'p95', 'p99', 'min', 'max', 'count'] as const) assert.equal(got[k]?.[p], want[k]?.[p], `${set.name} ${k}.${p} exact (seed ${seed})`);
      }
    }
  });
}

test('guidellm: past the rate-event cap the rates are Σ weights / span, within 0.1 ms of the window of GuideLLM\'s', () => {
  const recs = mixedRecords(3000, 7);
  const acc = new GuidellmAccumulator(50);
  for (const r of recs) acc.add(r);
  const got = acc.result();
  const want = guidellmDefinitions.summarize(recs);
  // span ≈ 21 s: 0.1 ms of it is 5e-6 relative
  for (const k of ['outputTokensPerS', 'inputTokensPerS', 'requestsPerS'] as const) {
    assert.ok(Math.abs(got[k] - want[k]) <= 1e-5 * want[k], `${k}: ${got[k]} vs ${want[k]}`);
  }
  close({ ...got, outputTokensPerS: 0, inputTokensPerS: 0, requestsPerS: 0 }, { ...want, outputTokensPerS: 0, inputTokensPerS: 0, requestsPerS: 0 }, 1e-12);
});

test('goodput: the streaming accumulator bounds each request by its sloValuesMs (every SLO metric, bounds at the medians)', () => {
  const recs = mixedRecords(2000, 11);
  const keys = ['ttft', 'tpot', 'itl', 'ntpot', 'e2el'] as const;
  const vals = recs.filter((r) => !r.error).map((r) => sloValuesMs(r));
  const median = (k: (typeof keys)[number]): number => {
    const xs = vals.flatMap((v) => (v[k] === undefined ? [] : [v[k]])).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  for (const set of [['ttft'], ['tpot', 'itl'], ['ntpot', 'e2el'], keys] as const) {
    const slo: Slo = Object.fromEntries(set.map((k) => [k, median(k)]));
    let good = 0;
    for (const v of vals) if (set.every((k) => v[k] !== undefined && v[k] <= slo[k]!)) good++;
    const g = goodput(recs, slo);
    assert.equal(g.good, good, set.join(','));
    assert.ok(good > 0 && good < vals.length, `${set.join(',')}: bounds at the medians split the requests (${good})`);
  }
});
