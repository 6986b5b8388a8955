import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveIpConfig, runnableProblems, stageRequestCount } from '../../../../src/harness/inference-perf/config-map.ts';
import { planStages, workerSizing } from '../../../../src/harness/inference-perf/load-map.ts';
import { mapData } from '../../../../src/harness/inference-perf/data-map.ts';
import { createLogger } from '../../../../src/util/logger.ts';
import type { EffectiveConfig } from '../../../../src/config/types.ts';

const log = createLogger('silent');
const cfgOf = (vars: Record<string, string>): EffectiveConfig => ({ get: (n) => vars[n], entries: () => [] });

test('defaults as inference-perf: streaming off, ignore_eos on, interval 1 s, per_request off, workers = cpus', () => {
  const c = resolveIpConfig({ load: { stages: [{ rate: 1, duration: 2 }] } }, { cpuCount: 3, nowMs: 42 });
  assert.equal(c.api.type, 'completion');
  assert.equal(c.api.streaming, false);
  assert.equal(c.server.ignore_eos, true);
  assert.equal(c.load.interval, 1);
  assert.equal(c.load.num_workers, 3);
  assert.equal(c.load.worker_max_concurrency, 100);
  assert.equal(c.load.base_seed, 42);
  assert.equal(c.report.request_lifecycle.per_request, false);
  assert.equal(c.data.type, 'mock');
  assert.equal(c.tokenizer, null);
});

test('the misspelled `std` is ignored (v0.6.1 uses std_dev 200); variance gives std_dev; shared_prefix aliases', () => {
  const c = resolveIpConfig(
    { data: { type: 'random', input_distribution: { min: 1, max: 9, mean: 5, std: 3 }, output_distribution: { variance: 16 }, shared_prefix: { num_unique_system_prompts: 4 } } },
    { cpuCount: 1 },
  );
  assert.equal((c.data.input_distribution as { std_dev: number }).std_dev, 200);
  assert.equal((c.data.output_distribution as { std_dev: number }).std_dev, 4);
  assert.equal((c.data.shared_prefix as { num_groups: number }).num_groups, 4);
});

test('stages: constant/poisson send int(rate × duration), concurrent is a closed loop reporting requested_rate = num_requests', () => {
  const open = resolveIpConfig({ load: { type: 'poisson', stages: [{ rate: 2.5, duration: 3, num_requests: null }], base_seed: 7, interval: 0 } }, { cpuCount: 1 });
  const [p] = planStages(open, log);
  assert.equal(p!.plan.kind, 'open');
  assert.equal(p!.planned, 7);
  assert.equal(p!.requestedRate, 2.5);
  // Same seed, same plan (pure, seeded).
  assert.deepEqual(planStages(open, log)[0]!.plan, p!.plan);
  const closed = resolveIpConfig({ load: { type: 'concurrent', stages: [{ num_requests: 10, concurrency_level: 3 }, { num_requests: 4, concurrency_level: 2 }] } }, { cpuCount: 1 });
  const st = planStages(closed, log);
  assert.deepEqual(st.map((s) => [s.plan.kind, s.requestedRate, s.concurrency, s.planned]), [['closed', 10, 3, 10], ['closed', 4, 2, 4]]);
  assert.equal(stageRequestCount('constant', { rate: 0.5, duration: 3 }), 1);
  assert.equal(workerSizing(resolveIpConfig({ load: { num_workers: 2, worker_max_concurrency: 10 } }, { cpuCount: 1 })).connections, 20);
  // Defaults: cpu_count workers × 100; num_workers 0 (single-process mode) has no cap.
  assert.equal(workerSizing(resolveIpConfig({ load: {} }, { cpuCount: 3 })).connections, 300);
  assert.equal(workerSizing(resolveIpConfig({ load: { num_workers: 0 } }, { cpuCount: 3 })).connections, undefined);
});

test('runnable checks: rate/duration for open stages, num_requests/concurrency_level for concurrent, sweep not with concurrent', () => {
  assert.deepEqual(runnableProblems(resolveIpConfig({ load: { stages: [{ rate: 1, duration: 1 }] } }, { cpuCount: 1 })), []);
  const bad = runnableProblems(resolveIpConfig({ load: { type: 'concurrent', stages: [{ rate: 1 }], sweep: { type: 'linear' } } }, { cpuCount: 1 }));
  assert.equal(bad.length, 3, bad.join('\n'));
  assert.match(runnableProblems(resolveIpConfig({ load: {} }, { cpuCount: 1 }))[0]!, /stages.*sweep/);
  assert.throws(() => planStages(resolveIpConfig({ load: { type: 'trace_session_replay', stages: [{ concurrent_sessions: 1 }] } }, { cpuCount: 1 }), log), /not supported yet/);
});

test('data: local sources map to our kinds; Hugging Face datasets are a clear error', () => {
  const m = (data: unknown, vars: Record<string, string> = {}) => mapData(resolveIpConfig({ data }, { cpuCount: 1 }), { config: cfgOf(vars) });
  assert.equal(m({ type: 'random', input_distribution: {}, output_distribution: {} }).kind, 'random');
  assert.deepEqual(m({ type: 'shared_prefix', shared_prefix: { num_groups: 2 } }).at, ['data', 'shared_prefix']);
  assert.equal(m({ type: 'conversation_replay', conversation_replay: {} }).kind, 'conversation_replay');
  assert.equal(m({ type: 'shareGPT', path: '/data/sg.json' }).cfg.path, '/data/sg.json');
  assert.throws(() => m({ type: 'shareGPT' }, { LLMDBENCH_RUN_DATASET_DIR: '/nonexistent' }), (e: Error & { code?: string; hint?: string }) => e.code === 'E_DATA_NEEDS_NETWORK' && /LLMDBENCH_RUN_DATASET_DIR/.test(e.hint ?? ''));
  assert.throws(() => m({ type: 'cnn_dailymail' }), /E_DATA_NEEDS_NETWORK|network/);
  assert.throws(() => m({ type: 'otel_trace_replay', otel_trace_replay: { hf_dataset_path: 'x/y' } }), /network/);
  assert.throws(() => m({ type: 'visionarena' }), /network/);
});
