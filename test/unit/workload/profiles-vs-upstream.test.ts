/**
 * Our catalog's profiles against upstream's, field by field, after rendering
 * both with the same values. Every difference must be listed below with a
 * reason; an unlisted difference, or a listed one that no longer occurs, fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { findTemplate, BUILTIN_PROFILES_DIR } from '../../../src/profiles/catalog.ts';
import { renderTemplate } from '../../../src/profiles/render.ts';
import { testLookup } from './lookup.ts';
import { upstreamDir } from '../../helpers/upstream.ts';

const upstream = upstreamDir;
const HEAD = 'profiles';
const SHELL = 'profiles-3045e869';
const KUBECON = 'profiles-kubecon-tutorial';

/** [our harness/name, upstream file relative to ../shared/upstream]. */
const PAIRS: Array<[string, string]> = [
  ...['sanity_short-input', 'sanity_long-input', 'sanity_sharegpt', 'small_model_long_input', 'medium_model_long_input', 'large_model_long_input']
    .map((n): [string, string] => [`fmperf/${n}`, `${HEAD}/fmperf/${n}.yaml.in`]),
  // guidellm: HEAD's v0.7 scenarios where HEAD has them; chatbot/shared_prefix exist only in the flat form.
  ...['sanity_concurrent', 'sanity_random', 'summarization_synthetic', 'chatbot_synthetic', 'shared_prefix_synthetic', 'concurrent-1k-1k', 'concurrent-heavy-heterogeneous', 'multi-turn']
    .map((n): [string, string] => [`guidellm/${n}`, `${HEAD}/guidellm/${n}.yaml.in`]),
  ['guidellm/concurrent_sweep', `${KUBECON}/guidellm/concurrent_sweep.yaml.in`],
  ['nop/nop', `${HEAD}/nop/nop.yaml.in`],
  // inference-perf sanity_random: the SHELL file is the layout the seed follows (HEAD adds num_workers: 1).
  ['inference-perf/sanity_random', `${SHELL}/inference-perf/sanity_random.yaml.in`],
  ...['summarization_synthetic', 'chatbot_sharegpt', 'shared_prefix_synthetic', 'chatbot_synthetic', 'code_completion_synthetic', 'random_concurrent', 'shared_prefix_synthetic_short', 'shared_prefix_synthetic_heavy', 'shared_prefix_multi_turn_chat']
    .map((n): [string, string] => [`inference-perf/${n}`, `${HEAD}/inference-perf/${n}.yaml.in`]),
  // Further HEAD inference-perf profiles we carry (trace replays, kimi, multimodal and
  // predicted-latency-routing are not carried: see docs/workloads.md).
  ...['interactive-chat', 'agentic_code_generation', 'guide_pd-disaggregation_1', 'guide_pd-disaggregation_2', 'guide_wide-ep-lws_1',
    'guide_optimized-baseline_1', 'guide_optimized-baseline_2', 'guide_precise-prefix-cache-routing_1',
    'guide_precise-prefix-cache-routing_2', 'guide_tiered-prefix-cache_1', 'guide_p2p-kv-cache-sharing_1']
    .map((n): [string, string] => [`inference-perf/${n}`, `${HEAD}/inference-perf/${n}.yaml.in`]),
  ['inference-perf/shared_prefix_synthetic_large', `${KUBECON}/inference-perf/shared_prefix_synthetic_large.yaml.in`],
  ...['sanity_random', 'random_concurrent', 'fixed_dataset', 'sharegpt', 'sonnet_concurrent']
    .map((n): [string, string] => [`vllm-benchmark/${n}`, `${HEAD}/vllm-benchmark/${n}.yaml.in`]),
  ['inferencemax/random_concurrent', `${HEAD}/inferencemax/random_concurrent.yaml.in`],
];

/** Allowed differences: `harness/name key.path` → reason. */
const ALLOWED: Record<string, string> = {
  'inference-perf/sanity_random data.input_distribution.min': "the seed's sanity document: ISL 10-100 mean 50 (upstream 256-512 mean 384)",
  'inference-perf/sanity_random data.input_distribution.max': "the seed's sanity document",
  'inference-perf/sanity_random data.input_distribution.mean': "the seed's sanity document",
  'inference-perf/random_concurrent data.input_distribution.std': 'upstream misspells std_dev as std, which inference-perf ignores',
  'inference-perf/random_concurrent data.input_distribution.std_dev': 'we write the std_dev inference-perf actually uses for upstream (its default, 200)',
  'inference-perf/random_concurrent data.output_distribution.std': 'upstream misspells std_dev as std, which inference-perf ignores',
  'inference-perf/random_concurrent data.output_distribution.std_dev': 'we write the std_dev inference-perf actually uses for upstream (its default, 200)',
  'inference-perf/shared_prefix_synthetic_large storage.local_storage.path': 'the tutorial writes results to /; ours go to /workspace like every other profile',
};

/** Key paths where the two values differ (missing on one side counts). */
function diff(a: unknown, b: unknown, at = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...diff(a[i], b[i], `${at}[${i}]`));
    return out;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diff(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return Object.is(a, b) ? [] : [at];
}

function renderFile(file: string): unknown {
  return parse(renderTemplate(readFileSync(file, 'utf8'), { file, lookup: testLookup }));
}

test('upstream files are where the test expects them', () => {
  const missing = PAIRS.map(([, u]) => path.join(upstream, u)).filter((p) => !existsSync(p));
  assert.deepEqual(missing, []);
});

test('our profiles equal upstream field by field, apart from the listed differences', () => {
  const found: string[] = [];
  const unexpected: string[] = [];
  for (const [ours, up] of PAIRS) {
    const [harness, name] = ours.split('/') as [string, string];
    const mine = renderFile(findTemplate(harness, name, { dir: BUILTIN_PROFILES_DIR }).path);
    const theirs = renderFile(path.join(upstream, up));
    for (const d of diff(mine, theirs)) {
      const key = `${ours} ${d}`;
      if (key in ALLOWED) found.push(key);
      else unexpected.push(key);
    }
  }
  assert.deepEqual(unexpected, [], 'differences not listed in ALLOWED');
  assert.deepEqual(found.sort(), Object.keys(ALLOWED).sort(), 'ALLOWED lists differences that no longer occur');
});

test('the diff itself finds changed, added and removed fields', () => {
  assert.deepEqual(diff({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1], d: 0 } }), ['a.b', 'a.c[1]', 'a.d']);
});
