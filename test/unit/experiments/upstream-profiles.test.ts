import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadExperiment } from '../../../src/experiments/load.ts';
import { applyOverrides } from '../../../src/profiles/overrides/index.ts';
import { renderTemplate } from '../../../src/profiles/render.ts';
import { validateProfileText } from '../../../src/harness/validate.ts';
import { upstreamDir } from '../../helpers/upstream.ts';
import { harnesses } from '../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

const upstream = upstreamDir;

// Each upstream experiment with the upstream profile its comments / scenarios pair it with.
const pairs: { exp: string; profile: string; harness: string; check: [string[], unknown] }[] = [
  { exp: 'experiments-3045e869/inference-scheduling.yaml', profile: 'profiles-3045e869/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'question_len'], 100] },
  { exp: 'experiments-3045e869/pd-disaggregation.yaml', profile: 'profiles-3045e869/vllm-benchmark/random_concurrent.yaml.in', harness: 'vllm-benchmark', check: [['num-prompts'], 10] },
  { exp: 'experiments-3045e869/precise-prefix-cache-aware.yaml', profile: 'profiles-3045e869/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'system_prompt_len'], 8000] },
  { exp: 'experiments-3045e869/tiered-prefix-cache.yaml', profile: 'profiles-3045e869/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'num_groups'], 40] },
  { exp: 'experiments-3045e869/tutorials-kubecon/pd-disaggregation.yaml', profile: 'profiles-3045e869/vllm-benchmark/random_concurrent.yaml.in', harness: 'vllm-benchmark', check: [['max-concurrency'], 1] },
  { exp: 'experiments-3045e869/tutorials-kubecon/smoke.yaml', profile: 'profiles-kubecon-tutorial/guidellm/concurrent_sweep.yaml.in', harness: 'guidellm', check: [['data', 'prompt_tokens'], 2048] },
  { exp: 'experiments/concurrent-sessions-sweep.yaml', profile: 'profiles/inference-perf/otel_traces.yaml.in', harness: 'inference-perf', check: [['load', 'stages', '0', 'concurrent_sessions'], 8] },
  { exp: 'experiments/max-concurrency-sweep.yaml', profile: 'profiles/vllm-benchmark/random_concurrent.yaml.in', harness: 'vllm-benchmark', check: [['max-concurrency'], 8] },
  { exp: 'experiments/optimized-baseline.yaml', profile: 'profiles/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'output_len'], 100] },
  { exp: 'experiments/otel-session-rate-sweep.yaml', profile: 'profiles/inference-perf/otel_traces.yaml.in', harness: 'inference-perf', check: [['load', 'stages', '0', 'session_rate'], 0.02] },
  { exp: 'experiments/pd-disaggregation.yaml', profile: 'profiles/vllm-benchmark/random_concurrent.yaml.in', harness: 'vllm-benchmark', check: [['num-prompts'], 10] },
  { exp: 'experiments/precise-prefix-cache-aware.yaml', profile: 'profiles/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'num_groups'], 40] },
  { exp: 'experiments/tiered-prefix-cache.yaml', profile: 'profiles/inference-perf/shared_prefix_synthetic.yaml.in', harness: 'inference-perf', check: [['data', 'shared_prefix', 'system_prompt_len'], 8000] },
];

const lookup = (name: string): string | undefined =>
  ({
    LLMDBENCH_DEPLOY_CURRENT_MODEL: 'meta-llama/Llama-3.2-1B-Instruct',
    LLMDBENCH_DEPLOY_CURRENT_TOKENIZER: 'meta-llama/Llama-3.2-1B-Instruct',
    LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000',
    LLMDBENCH_RUN_DATASET_DIR: '/workspace',
  })[name];

function at(doc: unknown, p: string[]): unknown {
  let cur = doc as Record<string, unknown> | undefined;
  for (const k of p) cur = cur?.[k] as Record<string, unknown> | undefined;
  return cur;
}

test('every upstream run treatment applies to its upstream profile and the result validates', async (t) => {
  for (const pair of pairs) {
    await t.test(pair.exp, () => {
      const x = loadExperiment(path.join(upstream, pair.exp));
      const file = path.join(upstream, pair.profile);
      const rendered = renderTemplate(readFileSync(file, 'utf8'), { file, lookup });
      x.run.forEach((tr, i) => {
        const r = applyOverrides(rendered, tr.assignments, { file });
        assert.equal(r.changes.length, tr.assignments.length);
        const v = validateProfileText(pair.harness, r.text, `${pair.profile} [${tr.name}]`);
        const errors = v.issues.filter((is) => is.severity === 'error');
        assert.deepEqual(errors, [], `${tr.name}: ${JSON.stringify(errors)}`);
        if (i === 0) assert.equal(at(v.doc, pair.check[0]), pair.check[1]);
      });
    });
  }
});

test('HEAD paths add a missing leaf (reported as added); SHELL factors never add', () => {
  const x = loadExperiment(path.join(upstream, 'experiments', 'otel-session-rate-sweep.yaml'));
  const file = path.join(upstream, 'profiles', 'inference-perf', 'otel_traces.yaml.in');
  const rendered = renderTemplate(readFileSync(file, 'utf8'), { file, lookup });
  const r = applyOverrides(rendered, x.run[0]?.assignments ?? [], { file });
  assert.deepEqual(r.changes, [{ key: 'load.stages.0.session_rate', source: r.changes[0]?.source, paths: ['load.stages[0].session_rate'], added: true }]);
  assert.match(r.text, /- concurrent_sessions: 4\n {6}session_rate: 0\.02\n/);
  const shell = loadExperiment(path.join(upstream, 'experiments-3045e869', 'pd-disaggregation.yaml'));
  assert.ok(shell.run[0]?.assignments.every((a) => !a.add));
});
