/**
 * Both GuideLLM dialects resolve to one config; profiles become GuideLLM's strategies with its
 * arrival rules and per-strategy constraints; the `benchmarks` override list folds in as 0.7 does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGlConfig } from '../../../../src/harness/guidellm/config-map.ts';
import { planStrategies, sweepRates } from '../../../../src/harness/guidellm/load-map.ts';
import { mapData } from '../../../../src/harness/guidellm/data-map.ts';
import { evenOffsetMs } from '../../../../src/engine/schedule/guidellm.ts';
import { LEGACY_DIALECT, SCENARIO_DIALECT } from '../../../../src/harness/guidellm/dialect.ts';

const scen = (spec: Record<string, unknown>, benchmarks?: Record<string, unknown>[]) => ({
  spec: { backend: { target: 'http://x', model: 'm' }, data: [{ kind: 'synthetic_text', prompt_tokens: 10, output_tokens: 5 }], ...spec },
  ...(benchmarks ? { benchmarks } : {}),
});

test('legacy flat form → the v0.7 scenario GuideLLM would run (profile, rate, max_seconds, data, request_type, samples)', () => {
  const cfg = resolveGlConfig({
    target: 'http://x', model: 'm', request_type: 'text_completions', profile: 'constant', rate: [1, 2], max_seconds: 120,
    data: { prompt_tokens: 4096, prompt_tokens_stdev: 2048, prompt_tokens_min: 10, prompt_tokens_max: 8192, output_tokens: 1024, samples: 1000 },
  });
  assert.equal(cfg.dialect, LEGACY_DIALECT);
  assert.equal(cfg.spec.backend.request_format, '/v1/completions');
  assert.deepEqual(cfg.spec.profile.rate, [1, 2]);
  assert.deepEqual(cfg.spec.constraints.map((c) => [c.kind, c.seconds]), [['max_duration', 120]]);
  assert.equal(cfg.spec.data_loader.samples, 1000);
  assert.deepEqual(mapData(cfg), { prompt_tokens: 4096, prompt_tokens_stdev: 2048, prompt_tokens_min: 10, prompt_tokens_max: 8192, output_tokens: 1024, turns: 1 });
  // concurrent: rate = streams; sweep: rate = sweep_size; chat is the default format
  const conc = resolveGlConfig({ target: 'http://x', profile: 'concurrent', rate: 2, max_seconds: 30, data: { prompt_tokens: 256, output_tokens: 128 } });
  assert.deepEqual(conc.spec.profile.streams, [2]);
  assert.equal(conc.spec.backend.request_format, '/v1/chat/completions');
  assert.equal(resolveGlConfig({ target: 'http://x', profile: 'sweep', rate: 5, max_requests: 3, data: { prompt_tokens: 5 } }).spec.profile.sweep_size, 5);
});

test('v0.7 scenario: defaults filled (chat, seed 42, stream), benchmarks list folded into per-strategy lists', () => {
  const cfg = resolveGlConfig(scen({ profile: { kind: 'concurrent' }, constraints: [{ kind: 'max_requests' }] }, [
    { 'profile.streams': 32, 'constraints[0].count': 320 },
    { 'profile.streams': 64, 'constraints[0].count': 640 },
  ]));
  assert.equal(cfg.dialect, SCENARIO_DIALECT);
  assert.equal(cfg.spec.backend.request_format, '/v1/chat/completions');
  assert.equal(cfg.spec.seed.value, 42);
  assert.deepEqual(cfg.spec.profile.streams, [32, 64]);
  assert.deepEqual(cfg.spec.constraints[0]!.count, [320, 640]);
  const st = planStrategies(cfg);
  assert.deepEqual(st.map((s) => [s.type_, s.streams, s.limits.count]), [['concurrent', 32, 320], ['concurrent', 64, 640]]);
  assert.deepEqual(st.map((s) => s.plan.kind === 'closed' && [s.plan.concurrency, s.plan.maxRequests]), [[32, 320], [64, 640]]);
  // a shorter constraint list reuses its last value
  const cfg2 = resolveGlConfig(scen({ profile: { kind: 'concurrent', streams: [1, 2, 3] }, constraints: [{ kind: 'max_duration', seconds: [5, 7] }] }));
  assert.deepEqual(planStrategies(cfg2).map((s) => s.limits.seconds), [5, 7, 7]);
  assert.ok(planStrategies(cfg2).every((s) => s.plan.hardDeadline === true));
});

test('constant: evenly spaced k/rate from the first request, strictly before the duration, a hard deadline; max_requests caps it', () => {
  const cfg = resolveGlConfig(scen({ profile: { kind: 'constant', rate: [4] }, constraints: [{ kind: 'max_duration', seconds: 10 }] }));
  const [s] = planStrategies(cfg);
  assert.ok(s && s.plan.kind === 'open');
  assert.equal(s.plan.offsetsMs.length, 40); // 0, 250, …, 9750
  assert.equal(s.plan.offsetsMs[1], 250);
  assert.equal(s.plan.offsetsMs[39], 9750);
  assert.equal(s.plan.hardDeadline, true);
  // data_loader.samples: a finite dataset caps each strategy's requests
  const finite = planStrategies(resolveGlConfig(scen({ profile: { kind: 'constant', rate: 4 }, constraints: [{ kind: 'max_duration', seconds: 10 }], data_loader: { samples: 5 } })))[0]!;
  assert.ok(finite.plan.kind === 'open' && finite.plan.offsetsMs.length === 5 && finite.limits.count === 5);
  const capped = planStrategies(resolveGlConfig(scen({ profile: { kind: 'constant', rate: 4 }, constraints: [{ kind: 'max_duration', seconds: 10 }, { kind: 'max_requests', count: 7 }] })))[0]!;
  assert.ok(capped.plan.kind === 'open' && capped.plan.offsetsMs.length === 7);
  // ramp-up R = 2 s at 4 req/s: n_r = 4; request k ≤ 4 at sqrt(2k·R/rate), then R + (k − n_r)/rate
  assert.equal(evenOffsetMs(1, 4, 2), 1000);
  assert.equal(evenOffsetMs(4, 4, 2), 2000);
  assert.equal(evenOffsetMs(6, 4, 2), 2500);
});

test('poisson: seeded exponential gaps (same seed, same plan), mean gap ≈ 1/rate', () => {
  const mk = () => planStrategies(resolveGlConfig(scen({ profile: { kind: 'poisson', rate: 50 }, constraints: [{ kind: 'max_requests', count: 4000 }] })))[0]!;
  const a = mk();
  const b = mk();
  assert.ok(a.plan.kind === 'open' && b.plan.kind === 'open');
  assert.deepEqual(Array.from(a.plan.offsetsMs.subarray(0, 20)), Array.from(b.plan.offsetsMs.subarray(0, 20)));
  const meanGap = a.plan.offsetsMs[3999]! / 3999;
  assert.ok(Math.abs(meanGap - 20) < 1.5, `mean gap ${meanGap} ms`);
});

test('synchronous, throughput, sweep; unbounded strategies are refused before anything runs', () => {
  const sync = planStrategies(resolveGlConfig(scen({ profile: 'synchronous', constraints: [{ kind: 'max_requests', count: 3 }] })))[0]!;
  assert.ok(sync.plan.kind === 'closed' && sync.plan.concurrency === 1);
  const thr = planStrategies(resolveGlConfig(scen({ profile: { kind: 'throughput', max_concurrency: 8 }, constraints: [{ kind: 'max_requests', count: 100 }] })))[0]!;
  assert.ok(thr.plan.kind === 'closed' && thr.plan.concurrency === 8);
  const sweep = resolveGlConfig(scen({ profile: { kind: 'sweep', sweep_size: 5 }, constraints: [{ kind: 'max_duration', seconds: 2 }] }));
  assert.deepEqual(planStrategies(sweep).map((s) => s.type_), ['synchronous', 'throughput']);
  // linspace(r_s, r_t, sweep_size − 1) without its first element: the last equals r_t
  assert.deepEqual(sweepRates(5, 1, 7), [3, 5, 7]);
  assert.throws(() => sweepRates(5, 0, 0), /E_GL_SWEEP|0 successful/);
  assert.throws(() => planStrategies(resolveGlConfig(scen({ profile: { kind: 'constant', rate: 1 } }))), (e: Error & { code?: string }) => e.code === 'E_GL_UNBOUNDED');
});

test('data: only synthetic_text; network datasets and not-yet-generated fields are refused', () => {
  assert.throws(() => mapData(resolveGlConfig(scen({ data: [{ kind: 'huggingface', source: 'x' }] }))), (e: Error & { code?: string }) => e.code === 'E_DATA_NEEDS_NETWORK');
  assert.throws(() => mapData(resolveGlConfig(scen({ data: [{ kind: 'synthetic_text', prompt_tokens: 5, delay: 1 }] }))), (e: Error & { code?: string }) => e.code === 'E_GL_UNSUPPORTED');
  const cfg = resolveGlConfig(scen({ data: [{ kind: 'synthetic_text', prompt_tokens: 128, turns: 5, prefix_buckets: [{ prefix_tokens: 100, prefix_count: 4 }] }] }));
  assert.deepEqual(mapData(cfg), { prompt_tokens: 128, turns: 5, prefix_buckets: [{ prefix_tokens: 100, prefix_count: 4 }] });
});
