import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse } from 'yaml';
import { listTemplates, BUILTIN_PROFILES_DIR } from '../../../src/profiles/catalog.ts';
import { renderTemplate, templateVariables } from '../../../src/profiles/render.ts';
import { testLookup, TEST_VALUES } from './lookup.ts';

const templates = listTemplates(undefined, { dir: BUILTIN_PROFILES_DIR });

test('the catalog holds every profile the issue names', () => {
  const have = new Set(templates.map((t) => `${t.harness}/${t.name}`));
  const required = [
    ...['sanity_short-input', 'sanity_long-input', 'sanity_sharegpt', 'small_model_long_input', 'medium_model_long_input', 'large_model_long_input'].map((n) => `fmperf/${n}`),
    ...['sanity_concurrent', 'chatbot_synthetic', 'concurrent-1k-1k', 'concurrent-heavy-heterogeneous', 'multi-turn', 'sanity_random', 'shared_prefix_synthetic', 'summarization_synthetic'].map((n) => `guidellm/${n}`),
    'nop/nop',
    ...['sanity_random', 'summarization_synthetic', 'chatbot_sharegpt', 'shared_prefix_synthetic', 'chatbot_synthetic', 'code_completion_synthetic', 'random_concurrent', 'shared_prefix_synthetic_short', 'shared_prefix_synthetic_heavy', 'shared_prefix_multi_turn_chat'].map((n) => `inference-perf/${n}`),
    ...['sanity_random', 'random_concurrent', 'fixed_dataset', 'sharegpt', 'sonnet_concurrent'].map((n) => `vllm-benchmark/${n}`),
    'inferencemax/random_concurrent',
    ...['interactive_chat', 'classification_text', 'classification_images', 'summarization_rag', 'text_generation', 'translation', 'code_completion', 'code_generation'].map((n) => `inference-perf/${n}`),
  ];
  const missing = required.filter((r) => !have.has(r));
  assert.deepEqual(missing, []);
});

test('every catalog template has a one-line description', () => {
  const bad = templates.filter((t) => t.description.length < 10 || t.description.includes('\n')).map((t) => t.path);
  assert.deepEqual(bad, []);
});

test('every catalog template renders with the standard values and parses as one YAML mapping', () => {
  assert.ok(templates.length >= 40, `only ${templates.length} templates found`);
  for (const t of templates) {
    const text = readFileSync(t.path, 'utf8');
    for (const v of templateVariables(text)) assert.ok(v in TEST_VALUES, `${t.path} uses unexpected token ${v}`);
    const out = renderTemplate(text, { file: t.path, lookup: testLookup });
    assert.doesNotMatch(out.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n'), /REPLACE_ENV_|REPLACE_COMMA/, t.path);
    const docs = parseAllDocuments(out);
    assert.equal(docs.length, 1, `${t.path}: ${docs.length} documents`);
    const doc = docs[0];
    assert.ok(doc && !Array.isArray(doc));
    assert.deepEqual(doc.errors, [], `${t.path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const obj: unknown = parse(out);
    assert.ok(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `${t.path} is not a mapping`);
    assert.ok(out.includes('meta-llama/Llama-3.2-1B-Instruct'), `${t.path} does not name the model`);
  }
});

test("the seed's sanity example (inference-perf sanity_random) renders to exactly the seed document", () => {
  const t = templates.find((x) => x.harness === 'inference-perf' && x.name === 'sanity_random');
  assert.ok(t);
  const out = parse(renderTemplate(readFileSync(t.path, 'utf8'), { file: t.path, lookup: testLookup })) as unknown;
  const dist = { min: 10, max: 100, mean: 50, std_dev: 10, total_count: 100 };
  assert.deepEqual(out, {
    // request_timeout: 30 is in upstream's SHELL file layout (profiles-3045e869), which the seed follows.
    load: { type: 'constant', stages: [{ rate: 1, duration: 30 }], request_timeout: 30 },
    api: { type: 'completion', streaming: true },
    server: {
      type: 'vllm',
      model_name: 'meta-llama/Llama-3.2-1B-Instruct',
      base_url: 'http://127.0.0.1:8000',
      ignore_eos: true,
    },
    tokenizer: { pretrained_model_name_or_path: 'meta-llama/Llama-3.2-1B-Instruct' },
    data: { type: 'random', input_distribution: dist, output_distribution: dist },
    report: { request_lifecycle: { summary: true, per_stage: true, per_request: true } },
    storage: { local_storage: { path: '/workspace' } },
  });
});
