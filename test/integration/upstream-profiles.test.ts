/**
 * Render every upstream workload profile template (and our own catalog) with
 * the real renderer, then validate it with the harness named by its
 * directory: errors fail, warnings are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from '../../src/profiles/render.ts';
import { formatIssue, validateProfileText } from '../../src/harness/validate.ts';
import { upstreamDir } from '../helpers/upstream.ts';
import { harnesses } from '../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const upstream = upstreamDir;
const HARNESSES = ['inference-perf', 'guidellm', 'vllm-benchmark', 'inferencemax', 'fmperf', 'nop'];

/** Every token upstream profiles use (spec §2.5.2 plus the later additions). */
const VALUES: Record<string, string> = {
  LLMDBENCH_DEPLOY_CURRENT_MODEL: 'meta-llama/Llama-3.2-1B-Instruct',
  LLMDBENCH_DEPLOY_CURRENT_TOKENIZER: 'meta-llama/Llama-3.2-1B-Instruct',
  LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000',
  LLMDBENCH_HARNESS_PVC_NAME: 'workload-pvc',
  LLMDBENCH_RUN_DATASET_DIR: '/workspace/datasets',
  LLMDBENCH_RUN_DATASET_FILE: 'dataset.json',
  LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN: '16384',
  LLMDBENCH_HARNESS_CONTAINER_IMAGE: 'lmcache/lmcache-benchmark:latest',
  LLMDBENCH_HARNESS_SERVICE_ACCOUNT: 'llmdbench-runner',
};

function templates(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templates(p));
    else if (name.endsWith('.yaml.in') || name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

function check(file: string, harness: string): { warnings: number; dialect?: string } {
  const rel = relative(resolve(repoRoot, '..'), file);
  const text = renderTemplate(readFileSync(file, 'utf8'), { file: rel, lookup: (n) => VALUES[n] });
  assert.doesNotMatch(text, /REPLACE_ENV_/, `${rel}: token left after rendering`);
  const r = validateProfileText(harness, text, rel);
  const errors = r.issues.filter((i) => i.severity === 'error');
  const warnings = r.issues.filter((i) => i.severity === 'warning');
  for (const w of warnings) process.stdout.write(`# warning: ${formatIssue(w, rel)}\n`);
  assert.equal(errors.length, 0, `${rel} (${harness}${r.dialect ? `, ${r.dialect}` : ''}):\n${errors.map((e) => formatIssue(e, rel)).join('\n')}`);
  return r.dialect === undefined ? { warnings: warnings.length } : { warnings: warnings.length, dialect: r.dialect };
}

// Exact counts (spec §7 inventory) so a moved or shrunk tree cannot pass by testing less.
const sets: { name: string; root: string; count: number }[] = [
  { name: 'profiles-3045e869', root: join(upstream, 'profiles-3045e869'), count: 20 },
  { name: 'profiles', root: join(upstream, 'profiles'), count: 48 },
];

for (const set of sets) {
  test(`upstream ${set.name}: every template of every harness renders and validates`, () => {
    let n = 0;
    for (const h of HARNESSES) {
      for (const f of templates(join(set.root, h))) {
        check(f, h);
        n++;
      }
    }
    assert.equal(n, set.count, `${set.name}: templates found`);
  });
}

test('upstream kubecon tutorial profiles validate (legacy guidellm flat form detected)', () => {
  const g = check(join(upstream, 'profiles-kubecon-tutorial', 'guidellm', 'concurrent_sweep.yaml.in'), 'guidellm');
  assert.equal(g.dialect, 'legacy flat form');
  check(join(upstream, 'profiles-kubecon-tutorial', 'inference-perf', 'shared_prefix_synthetic_large.yaml.in'), 'inference-perf');
});

test('the three upstream profiles that rely on ignored unknown keys get warnings, not errors', () => {
  const ip = join(upstream, 'profiles', 'inference-perf');
  const expected: Record<string, string[]> = {
    'random_concurrent.yaml.in': ['data.input_distribution.std', 'data.output_distribution.std'],
    'guide_multimodal-serving_1.yaml': [
      'data.shared_prefix.multimodal.count',
      'data.shared_prefix.multimodal.insertion_point',
      'data.shared_prefix.multimodal.resolutions',
    ],
    'guide_predicted-latency-routing_1.yaml': ['tokenizer.data'],
  };
  for (const [f, paths] of Object.entries(expected)) {
    const text = renderTemplate(readFileSync(join(ip, f), 'utf8'), { file: f, lookup: (n) => VALUES[n] });
    const r = validateProfileText('inference-perf', text, f);
    assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], f);
    assert.deepEqual(r.issues.map((i) => i.path.join('.')).sort(), paths.sort(), f);
    assert.ok(r.issues.every((i) => i.line !== undefined && /unknown key/.test(i.message)), f);
  }
});

test('guidellm dialects are detected per file', () => {
  const d = (root: string, f: string): string | undefined => check(join(upstream, root, 'guidellm', f), 'guidellm').dialect;
  assert.equal(d('profiles', 'concurrent-1k-1k.yaml.in'), 'v0.7 scenario');
  assert.equal(d('profiles', 'chatbot_synthetic.yaml.in'), 'legacy flat form');
  assert.equal(d('profiles-3045e869', 'sanity_concurrent.yaml.in'), 'legacy flat form');
  assert.equal(d('profiles', 'sanity_concurrent.yaml.in'), 'v0.7 scenario');
});

test('our catalog workload/profiles/** renders and validates', () => {
  const root = join(repoRoot, 'workload', 'profiles');
  let n = 0;
  for (const h of readdirSync(root).sort()) {
    if (!statSync(join(root, h)).isDirectory()) continue;
    assert.ok(HARNESSES.includes(h), `workload/profiles/${h}: not a known harness directory`);
    for (const f of templates(join(root, h))) {
      check(f, h);
      n++;
    }
  }
  assert.ok(n >= 20, `catalog: only ${n} templates found`);
});
