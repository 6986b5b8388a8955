/** vllm-benchmark traffic and dataset mapping: the arrival plans and the data sources each option selects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveVllmArgs, assertRunnable } from '../../../../src/harness/vllm-benchmark/config-map.ts';
import { maxInFlight, planTraffic } from '../../../../src/harness/vllm-benchmark/load-map.ts';
import { mapVllmData } from '../../../../src/harness/vllm-benchmark/data-map.ts';
import { throwsCode } from '../../../helpers/throws-code.ts';

test('traffic: rate inf = all at t = 0; a rate gives N arrivals ending at N/rate; ramp-up speeds up; max-concurrency is the cap', () => {
  const inf = planTraffic(resolveVllmArgs({ 'max-concurrency': 4 }), 5, 1);
  assert.ok(inf.kind === 'open' && [...inf.offsetsMs].every((x) => x === 0));
  assert.equal(maxInFlight(resolveVllmArgs({ 'max-concurrency': 4 })), 4);
  assert.equal(maxInFlight(resolveVllmArgs({})), undefined);
  const p = planTraffic(resolveVllmArgs({ 'request-rate': 4, burstiness: 0.5 }), 40, 1);
  assert.ok(p.kind === 'open');
  assert.equal(p.offsetsMs[39], 10_000);
  assert.equal(p.requestedRate, 4);
  const even = planTraffic(resolveVllmArgs({ 'request-rate': 2, burstiness: Infinity }), 4, 1);
  assert.ok(even.kind === 'open');
  assert.deepEqual([...even.offsetsMs], [500, 1000, 1500, 2000]);
  const ramp = planTraffic(resolveVllmArgs({ 'ramp-up-strategy': 'linear', 'ramp-up-start-rps': 1, 'ramp-up-end-rps': 20, burstiness: 1e9 }), 20, 1);
  assert.ok(ramp.kind === 'open');
  const gaps = [...ramp.offsetsMs].map((x, i, a) => x - (a[i - 1] ?? 0));
  assert.ok(gaps[0]! > 900 && gaps[19]! < 60, `gaps ${gaps[0]} … ${gaps[19]}`);
});

test('datasets: random, sharegpt (vLLM filters), sonnet, custom, prefix_repetition; unsupported and missing files fail early', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-vbmap-'));
  const file = join(dir, 'd.jsonl');
  writeFileSync(file, '{"prompt": "hi there friend", "output_tokens": 3}\n');
  assert.deepEqual(mapVllmData(resolveVllmArgs({ 'dataset-name': 'random', 'random-input-len': 10, 'random-range-ratio': 0.5 })), {
    kind: 'vllm_random', cfg: { input_len: 10, output_len: 128, range_ratio: 0.5, prefix_len: 0 }, at: ['random-input-len'],
  });
  const sg = mapVllmData(resolveVllmArgs({ 'dataset-name': 'sharegpt', 'dataset-path': file }));
  assert.deepEqual(sg.cfg, { path: file, shuffle: true, max_total_tokens: 2048, input_distribution: { min: 4, max: 1024 }, output_distribution: { min: 4 } });
  assert.equal(mapVllmData(resolveVllmArgs({ 'dataset-name': 'sharegpt', 'dataset-path': file, 'sharegpt-output-len': 9 })).cfg.fixed_output_len, 9);
  assert.deepEqual(mapVllmData(resolveVllmArgs({ 'dataset-name': 'custom', 'dataset-path': file, 'custom-output-len': -1 })).cfg, { path: file, shuffle: true });
  assert.equal(mapVllmData(resolveVllmArgs({ 'dataset-name': 'sonnet', 'dataset-path': join(dir, 'missing.txt') })).cfg.path, undefined);
  assert.equal(mapVllmData(resolveVllmArgs({ 'dataset-name': 'prefix_repetition' })).kind, 'prefix_repetition');
  throwsCode(() => mapVllmData(resolveVllmArgs({ 'dataset-name': 'custom', 'dataset-path': join(dir, 'NONE') })), 'E_DATASET_MISSING');
  throwsCode(() => assertRunnable(resolveVllmArgs({ 'dataset-name': 'hf' }), 'p'), 'E_DATA_NEEDS_NETWORK');
  throwsCode(() => assertRunnable(resolveVllmArgs({ backend: 'tgi' }), 'p'), 'E_VLLM_UNSUPPORTED');
});

test('openai-chat request: the prompt as one user message with max_completion_tokens; completions keep max_tokens; extra-body and sampling merged', async () => {
  const { adapt } = await import('../../../../src/harness/vllm-benchmark/run.ts');
  const { chatClient, completionClient } = await import('../../../../src/engine/client/api.ts');
  const a = resolveVllmArgs({ backend: 'openai-chat', endpoint: '/v1/chat/completions', temperature: 0, 'extra-body': '{"top_k": 5}' });
  const spec = { api: 'completion' as const, prompt: 'Hello', maxTokens: 7, stream: true, ignoreEos: true };
  const body = JSON.parse(JSON.stringify(chatClient.buildBody(adapt(a, spec, true), 'm')));
  assert.deepEqual(body, { model: 'm', messages: [{ role: 'user', content: 'Hello' }], ignore_eos: true, stream: true, stream_options: { include_usage: true }, max_completion_tokens: 7, temperature: 0, top_k: 5 });
  const c = JSON.parse(JSON.stringify(completionClient.buildBody(adapt(resolveVllmArgs({}), spec, false), 'm')));
  assert.deepEqual(c, { model: 'm', prompt: 'Hello', max_tokens: 7, ignore_eos: true, stream: true, stream_options: { include_usage: true } });
});
