/** Every upstream template the issue names renders with our renderer and parses as YAML. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listTemplateTokens, renderTemplate, templateVariables } from '../../../src/profiles/render.ts';
import { testLookup } from './lookup.ts';
import { upstreamDir } from '../../helpers/upstream.ts';

const upstream = upstreamDir;

function templatesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templatesUnder(p));
    else if (name.endsWith('.yaml.in')) out.push(p);
  }
  return out;
}

const files = [
  ...templatesUnder(path.join(upstream, 'profiles-3045e869')),
  ...templatesUnder(path.join(upstream, 'profiles-kubecon-tutorial')),
  ...['inference-perf', 'guidellm', 'vllm-benchmark', 'inferencemax', 'fmperf', 'nop'].flatMap((h) =>
    templatesUnder(path.join(upstream, 'profiles', h)),
  ),
];

test('every upstream template renders with no token left and parses as one YAML document', () => {
  assert.ok(files.length >= 60, `only ${files.length} upstream templates found`);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const out = renderTemplate(text, { file: f, lookup: testLookup });
    assert.deepEqual(listTemplateTokens(out), [], `${f}: tokens left after rendering`);
    const docs = parseAllDocuments(out);
    assert.equal(docs.length, 1, f);
    const doc = docs[0];
    assert.ok(doc && !Array.isArray(doc));
    assert.deepEqual(doc.errors, [], f);
  }
});

test('upstream templates use only the documented tokens', () => {
  const used = new Set(files.flatMap((f) => templateVariables(readFileSync(f, 'utf8'))));
  assert.deepEqual([...used].sort(), [
    'LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN',
    'LLMDBENCH_DEPLOY_CURRENT_MODEL',
    'LLMDBENCH_DEPLOY_CURRENT_TOKENIZER',
    'LLMDBENCH_HARNESS_CONTAINER_IMAGE',
    'LLMDBENCH_HARNESS_PVC_NAME',
    'LLMDBENCH_HARNESS_SERVICE_ACCOUNT',
    'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL',
    'LLMDBENCH_RUN_DATASET_DIR',
    'LLMDBENCH_RUN_DATASET_FILE',
  ]);
});
