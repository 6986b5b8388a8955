/**
 * Our inference-perf files against the ones a real inference-perf v0.6.1 run wrote
 * (../shared/upstream/samples/inference-perf/v0.6.1-run/): config.yaml byte for byte from the same
 * profile; the lifecycle reports and per_request entries key for key (order, nesting, null vs
 * object) from hand-made records; request_size_bytes and the media blocks by value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { resolveIpConfig } from '../../../../src/harness/inference-perf/config-map.ts';
import { configDocument, configYaml } from '../../../../src/harness/inference-perf/config-dump.ts';
import { lifecycleReport, type LifecycleOptions } from '../../../../src/harness/inference-perf/lifecycle.ts';
import { perRequestEntry } from '../../../../src/harness/inference-perf/outputs.ts';
import { DEFAULT_PERCENTILES } from '../../../../src/harness/inference-perf/config-map.ts';
import { pyFloat, pyJson } from '../../../../src/harness/inference-perf/py-json.ts';
import { upstreamDir } from '../../../helpers/upstream.ts';
import { shapeDiff } from '../../../helpers/json-shape.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = Record<string, any>;
const SAMPLE = join(upstreamDir, 'samples', 'inference-perf', 'v0.6.1-run');
const sample = (f: string): J => JSON.parse(readFileSync(join(SAMPLE, f), 'utf8')) as J;

function ok(id: number, sent: number, chunks: number[], bytes: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id,
    stage: 0,
    worker: 0,
    api: 'completion',
    stream: true,
    scheduledAtMs: sent - 0.5,
    sentAtMs: sent,
    chunkTimesMs: chunks,
    chunkTokens: chunks.map(() => 1),
    endAtMs: chunks[chunks.length - 1]! + 2,
    httpStatus: 200,
    promptTokensServer: 20 + id,
    completionTokensServer: chunks.length,
    requestBytes: bytes,
    sameReadChunks: 0,
    ...extra,
  };
}

const opts: LifecycleOptions = { percentiles: DEFAULT_PERCENTILES, perTokenTimes: true, useServerOutputTokens: false, maxErrorMessages: 100 };
const records = [ok(0, 1000, [1050, 1060, 1070], 300), ok(1, 1250, [1300, 1310], 100), ok(2, 1500, [1550, 1561, 1570, 1580], 200), ok(3, 1750, [1800, 1812], 1000)];
const failed: RequestRecord = { ...ok(4, 2000, [], 5000), httpStatus: 500, error: { label: 'http_5xx', message: 'HTTP 500: boom' } };

test('config.yaml from the sample profile is byte-identical to the one v0.6.1 wrote', () => {
  const cfg = resolveIpConfig(parse(readFileSync(join(SAMPLE, 'profile.yaml'), 'utf8')), { cpuCount: 2, nowMs: 1796180561249 });
  assert.equal(configYaml(cfg), readFileSync(join(SAMPLE, 'config.yaml'), 'utf8'));
});

test('config.yaml: concurrent stages in v0.6.1 field order, secrets masked, given sections kept, unknown keys dropped', () => {
  const cfg = resolveIpConfig(
    {
      load: { type: 'concurrent', stages: [{ num_requests: 8, concurrency_level: 2 }], sweep: null },
      server: { api_key: 'sk-secret' },
      tokenizer: { pretrained_model_name_or_path: 'x', token: 'hf_secret', trust_remote_code: true },
      report: { goodput: { constraints: { ttft: 0.5 } }, prometheus: { per_stage: true } },
      data: { type: 'shared_prefix', shared_prefix: { num_unique_system_prompts: 3, question_len: 7 } },
      not_a_field: 1,
    },
    { cpuCount: 4, nowMs: 1 },
  );
  const doc = parse(configYaml(cfg)) as J;
  assert.deepEqual(doc.load.stages, [{ num_requests: 8, concurrency_level: 2, rate: 8, duration: 1 }]);
  assert.equal(doc.server.api_key, '***');
  assert.equal(doc.tokenizer.token, '***');
  assert.equal(doc.tokenizer.trust_remote_code, true);
  assert.deepEqual(doc.report.goodput, { constraints: { ttft: 0.5 } });
  assert.deepEqual(doc.report.prometheus, { summary: true, per_stage: true });
  assert.equal(doc.data.shared_prefix.num_unique_system_prompts, 3);
  assert.equal(doc.data.shared_prefix.num_users_per_system_prompt, 10);
  assert.equal(doc.data.shared_prefix.question_len, 7);
  assert.equal(doc.not_a_field, undefined);
  assert.deepEqual(Object.keys(configDocument(cfg)), Object.keys(parse(readFileSync(join(SAMPLE, 'config.yaml'), 'utf8')) as J));
  assert.ok(!configYaml(cfg).includes('secret'));
});

test('summary and stage reports: the keys and nesting of v0.6.1 files (null where it writes null)', () => {
  assert.deepEqual(shapeDiff(lifecycleReport(records, opts), sample('summary_lifecycle_metrics.json')), []);
  assert.deepEqual(shapeDiff(lifecycleReport(records, { ...opts, stage: { requestedRate: 4 } }), sample('stage_0_lifecycle_metrics.json')), []);
});

test('request_size_bytes summarises the request body bytes of successes only; media blocks are zero counts and nulls', () => {
  const r = lifecycleReport([...records, failed], opts) as J;
  const s = r.successes.request_size_bytes;
  assert.equal(s.mean, 400);
  assert.equal(s.min, 100);
  assert.equal(s.max, 1000);
  assert.equal(s.median, 250);
  // numpy linear: sorted [100, 200, 300, 1000], p90 at rank 2.7 → 300 + 0.7 × 700.
  assert.ok(Math.abs(s.p90 - 790) < 1e-9);
  assert.deepEqual(r.successes.image, { count: { ...s, ...Object.fromEntries(Object.keys(s).map((k) => [k, 0])) }, pixels: null, bytes: null, aspect_ratio: null });
  assert.equal(r.successes.video.frames, null);
  assert.equal(r.successes.audio.seconds, null);
  assert.deepEqual(Object.keys(r.failures), ['count', 'request_latency', 'prompt_len', 'by_label']);
  const none = lifecycleReport([failed], opts) as J;
  assert.equal(none.successes.request_size_bytes, null);
  assert.equal(none.successes.image.count, null);
});

test('per_request entry: v0.6.1 keys; response is the raw stream, response_chunks 1:1 with chunk_times, server_usage verbatim', () => {
  const chunk = (t: string): string => JSON.stringify({ id: 'c', object: 'text_completion', choices: [{ index: 0, text: t, logprobs: null, finish_reason: null }] });
  const usage = { prompt_tokens: 20, total_tokens: 23, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } };
  const body = `data: ${chunk(' a')}\n\ndata: ${chunk(' b')}\n\ndata: ${chunk(' c')}\n\ndata: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`;
  const rec = { ...records[0]!, raw: { body, chunks: [chunk(' a'), chunk(' b'), chunk(' c')], usage } };
  const e = perRequestEntry(rec, { model: 'm', prompt: 'p' }, true) as J;
  const ref = sample('per_request_lifecycle_metrics.json') as unknown as J[];
  for (const x of ref) assert.deepEqual(shapeDiff(e, x), []);
  assert.equal(e.response, body);
  assert.equal(e.request, '{"model":"m","prompt":"p"}');
  assert.deepEqual(e.info.response_metrics.server_usage, usage);
  assert.equal(e.info.response_metrics.response_chunks.length, e.info.response_metrics.chunk_times.length);
  // Without raw (an older record), server_usage is rebuilt from the parsed counts in vLLM's order.
  const bare = perRequestEntry({ ...records[0]!, cachedPromptTokensServer: 0 }, {}, true) as J;
  assert.deepEqual(bare.info.response_metrics.server_usage, { prompt_tokens: 20, total_tokens: 23, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } });
  // A failure: no response metrics, inference-perf's error type.
  const f = perRequestEntry(failed, {}, true) as J;
  assert.equal(f.info.response_metrics, null);
  assert.deepEqual(f.error, { error_type: 'HTTP Error 500', error_msg: 'HTTP 500: boom' });
  // Non-streamed: v0.6.1's unary metrics.
  const u = perRequestEntry({ ...records[1]!, stream: false }, {}, false) as J;
  assert.deepEqual(Object.keys(u.info.response_metrics), ['output_tokens', 'server_usage']);
});

test('JSON text as Python writes it: the three sample files re-serialise byte for byte; float repr', () => {
  const lifecycle = { intKeys: new Set(['count', 'token_count_mismatches', 'concurrency']) };
  const perRequest = { intKeys: new Set(['input_tokens', 'output_tokens']), verbatimKeys: new Set(['server_usage']) };
  for (const [f, o] of [['summary_lifecycle_metrics.json', lifecycle], ['stage_0_lifecycle_metrics.json', lifecycle], ['per_request_lifecycle_metrics.json', perRequest]] as const) {
    const text = readFileSync(join(SAMPLE, f), 'utf8');
    assert.equal(pyJson(JSON.parse(text), o), text, f);
  }
  // Python's repr(): '1e+16 1000000000000000.0 0.0001 9.999999999999999e-05 2.0485965541183747e-05 1.5e+21 -3.0 123.456 0.0'
  assert.equal(
    [1e16, 1e15, 0.0001, 9.999999999999999e-5, 2.0485965541183747e-5, 1.5e21, -3, 123.456, 0].map(pyFloat).join(' '),
    '1e+16 1000000000000000.0 0.0001 9.999999999999999e-05 2.0485965541183747e-05 1.5e+21 -3.0 123.456 0.0',
  );
  assert.equal(pyJson({ s: 'é\u2028😀', n: 2 }, { intKeys: new Set(['n']) }), '{\n  "s": "\\u00e9\\u2028\\ud83d\\ude00",\n  "n": 2\n}');
});
