/**
 * -j 3 on Kubernetes (fake API server, real client): each "pod" writes a result tree with records
 * on its own node's monotonic clock (unrelated bases) and its clock anchor; after copy-back the
 * executor writes one merged summary and merged llm-d benchmark reports into
 * <workdir>/analysis/<harness>_<eid>_<stack>_merged/: counts are the sum, percentiles those of the
 * concatenated values (computed by hand here), the window aligned on wall clock; `-z` writes it again.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { startFakeKube, type FakeKube } from '../../../helpers/fake-kube/server.ts';
import { SAMPLES, schemaErrors } from '../../../helpers/report-schema.ts';
import { runOnFake } from './helpers.ts';

let kube: FakeKube;
before(async () => {
  kube = await startFakeKube(['ns1']);
});
after(async () => kube.stop());

const E = Date.UTC(2026, 11, 2, 9, 0, 0);

function rec(id: number, t: number, ttft: number): RequestRecord {
  return {
    id, stage: 0, worker: 0, api: 'completion', httpStatus: 200, scheduledAtMs: t, sentAtMs: t,
    chunkTimesMs: [t + ttft, t + ttft + 10], chunkTokens: [1, 7], endAtMs: t + 1000, promptTokensServer: 50, completionTokensServer: 8,
  };
}

/** Pod i: its node's clock reads base_i at wall time E + 5·i ms; two requests 100 ms apart with the given TTFTs. */
function podFiles(i: number, ttfts: [number, number]): Record<string, string | Buffer> {
  const base = i * 7_000_000;
  const records = ttfts.map((t, k) => rec(k, base + k * 100, t));
  return {
    'records.jsonl': records.map((r) => JSON.stringify(r)).join('\n') + '\n',
    'loadgen_health.json': JSON.stringify({ client_bottleneck: false, warnings: [], clock: { mono_ms: base, epoch_ms: E + 5 * i, domain: `boot:node-${i}` } }),
    'run_metadata.yaml': `harness_name: inference-perf\nharness_rc: 0\ncomplete: true\nexperiment_id: "1711800000"\nharness_start: "2026-12-02T09:00:00Z"\nharness_stop: "2026-12-02T09:00:02Z"\n`,
    'stage_0_lifecycle_metrics.json': readFileSync(join(SAMPLES, 'inference-perf', 'v0.6.1-run', 'stage_0_lifecycle_metrics.json')),
  };
}

test('-j 3: the copied-back results of three pods on three clocks are merged into one report whose counts and percentiles are those of the concatenated records', async () => {
  const ttfts: [number, number][] = [[10, 20], [30, 40], [50, 1000]];
  for (const i of [1, 2, 3]) kube.kubelet.script(new RegExp(`launcher-${i}-of-3`), { kind: 'complete', files: podFiles(i, ttfts[i - 1]!), runMs: 50 });
  const r = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_LOAD_PARALLELISM: '3' });
  assert.equal(r.error, undefined, r.error?.stack);
  assert.equal(r.out!.units.length, 3);
  const first = r.out!.units[0]!.resultsDir;
  const mergedDir = join(dirname(dirname(first)), 'analysis', basename(first).replace(/_1$/, '_merged'));
  // The merged summary: in the outcome and on disk, with the clocks' alignment and skew.
  assert.equal(r.out!.merged?.length, 1);
  const s = r.out!.merged![0]!;
  assert.equal(s.requests.total, 6);
  assert.equal(s.merge?.clock_alignment, 'wall-clock');
  assert.ok(Math.abs(s.merge!.start_skew_s - 0.01) < 1e-9, String(s.merge!.start_skew_s));
  // Aligned: sends at 5, 105 (pod 1), 10, 110, 15, 115 ms after E; last end 1115 → a 1.11 s window (unaligned: ~14000 s).
  assert.ok(Math.abs(s.benchmark_duration_s - 1.11) < 1e-9, String(s.benchmark_duration_s));
  assert.ok(existsSync(join(mergedDir, 'summary.json')));
  // Per-generator reports stay as they are.
  for (const u of r.out!.units) assert.ok(existsSync(join(u.analysisDir, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml')), u.analysisDir);
  for (const v of ['0.1', '0.2', '0.2.1']) {
    const f = join(mergedDir, `${v === '0.1' ? 'benchmark_report' : `benchmark_report_v${v}`},_stage_0_lifecycle_metrics.json.yaml`);
    assert.equal(schemaErrors(v, parse(readFileSync(f, 'utf8'))), '', f);
  }
  const v02 = parse(readFileSync(join(mergedDir, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  const agg = v02.results.request_performance.aggregate;
  // The sum of what the pods' records hold (the per-generator reports carry the sample's native counts, not ours).
  assert.equal(agg.requests.total, 2 + 2 + 2);
  // TTFT concatenated: 10, 20, 30, 40, 50, 1000 ms → p50 = 35 ms, p90 = 50 + 0.5 × 950 = 525 ms (numpy linear).
  assert.ok(Math.abs(agg.latency.time_to_first_token.p50 - 0.035) < 1e-12);
  assert.ok(Math.abs(agg.latency.time_to_first_token.p90 - 0.525) < 1e-12, String(agg.latency.time_to_first_token.p90));
  // 6 × 8 output tokens over the aligned 1.11 s window.
  assert.ok(Math.abs(agg.throughput.output_token_rate.mean - 48 / 1.11) < 1e-9);
  assert.equal(v02.scenario.load.standardized.parallelism, 3);
  assert.equal(v02.run.time.start, new Date(E + 5).toISOString());
  assert.match(r.lines.join('\n'), /merged 3 load generators ->/);
  // -z: collected again from the PVC, the merged report is written again.
  rmSync(mergedDir, { recursive: true });
  const z = await runOnFake(kube, { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://stack:80', LLMDBENCH_HARNESS_LOAD_PARALLELISM: '3', LLMDBENCH_HARNESS_SKIP_RUN: '1' }, { workDir: r.workDir });
  assert.equal(z.error, undefined, z.error?.stack);
  const again = parse(readFileSync(join(mergedDir, 'benchmark_report_v0.2,_stage_0_lifecycle_metrics.json.yaml'), 'utf8'));
  assert.equal(again.results.request_performance.aggregate.requests.total, 6);
  assert.equal(again.results.request_performance.aggregate.latency.time_to_first_token.p90, agg.latency.time_to_first_token.p90);
});
