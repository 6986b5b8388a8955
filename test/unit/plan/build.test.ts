import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { resolveConfig } from '../../../src/config/resolve.ts';
import { buildPlan, SIMULATOR_ENDPOINT_PLACEHOLDER } from '../../../src/plan/build.ts';
import { formatPlan, formatPlanJson } from '../../../src/plan/format.ts';
import { writePlan } from '../../../src/plan/write.ts';
import { throwsCode } from '../../helpers/throws-code.ts';
import { harnesses } from '../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

let dir = '';
let profilesDir = '';
let expFile = '';

const TEMPLATE = `# description: test profile
load:
  type: constant
  stages:
  - rate: 1               # requests per second
    duration: 30
api:
  type: completion
  streaming: true
server:
  type: vllm
  model_name: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL
  base_url: REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL
tokenizer:
  pretrained_model_name_or_path: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL
data:
  type: random
  input_distribution:
    min: 10
    max: 100
    mean: 50
    std_dev: 10
    total_count: 100
  output_distribution:
    min: 10
    max: 100
    mean: 50
    std_dev: 10
    total_count: 100
`;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'llmdbench-plan-'));
  profilesDir = path.join(dir, 'profiles');
  mkdirSync(path.join(profilesDir, 'inference-perf'), { recursive: true });
  writeFileSync(path.join(profilesDir, 'inference-perf', 'p.yaml.in'), TEMPLATE);
  writeFileSync(path.join(profilesDir, 'inference-perf', 'q.yaml.in'), TEMPLATE.replace('rate: 1 ', 'rate: 9 '));
  expFile = path.join(dir, 'exp.yaml');
  writeFileSync(expFile, 'run:\n  factors: [rate, max]\n  treatments:\n    - "2,200"\n    - "4,400"\nsetup:\n  factors: [X]\n  treatments: ["a"]\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function config(flags: Record<string, string>) {
  return resolveConfig({
    flags: {
      LLMDBENCH_HARNESS_PROFILES_DIR: profilesDir,
      LLMDBENCH_HARNESS_NAME: 'inference-perf',
      LLMDBENCH_HARNESS_EXPERIMENT_PROFILE: 'p',
      LLMDBENCH_DEPLOY_MODEL_LIST: 'meta-llama/Llama-3.2-1B-Instruct,facebook/opt-125m',
      LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: expFile,
      ...flags,
    },
    env: {},
    cwd: dir,
    nowS: 1711800000,
  });
}


test('2 models × 2 treatments: names, ids, rendered paths, result dirs, values (treatment then -o)', async () => {
  const cfg = await config({ LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'min=20,max=300', LLMDBENCH_HARNESS_LOAD_PARALLELISM: '2' });
  const plan = buildPlan({ config: cfg, workDir: '/w', cwd: dir });
  assert.equal(plan.units.length, 4);
  assert.deepEqual(
    plan.units.map((u) => [u.model, u.treatment, u.experimentId, u.stackName, u.profileName]),
    [
      ['meta-llama/Llama-3.2-1B-Instruct', 'run_2_200', '1711800000-run_2_200', 'llm-d-1b-instruct', 'p_treatment_run_2_200.yaml'],
      ['meta-llama/Llama-3.2-1B-Instruct', 'run_4_400', '1711800000-run_4_400', 'llm-d-1b-instruct', 'p_treatment_run_4_400.yaml'],
      ['facebook/opt-125m', 'run_2_200', '1711800000-run_2_200', 'llm-d-125m-opt', 'p_treatment_run_2_200.yaml'],
      ['facebook/opt-125m', 'run_4_400', '1711800000-run_4_400', 'llm-d-125m-opt', 'p_treatment_run_4_400.yaml'],
    ],
  );
  const u = plan.units[2];
  assert.ok(u);
  assert.equal(u.renderedPath, '/w/workload/profiles/inference-perf/p_treatment_run_2_200.yaml');
  assert.deepEqual(u.resultsDirs, [
    '/w/results/inference-perf_1711800000-run_2_200_llm-d-125m-opt_1',
    '/w/results/inference-perf_1711800000-run_2_200_llm-d-125m-opt_2',
  ]);
  assert.equal(u.analysisDirs[1], '/w/analysis/inference-perf_1711800000-run_2_200_llm-d-125m-opt_2');
  const doc = parse(u.profileText);
  assert.equal(doc.load.stages[0].rate, 2);
  assert.equal(doc.data.input_distribution.min, 20);
  // `max` is set by the treatment (200) and then by -o (300): -o is applied last.
  assert.equal(doc.data.input_distribution.max, 300);
  assert.equal(doc.server.model_name, 'facebook/opt-125m');
  assert.deepEqual(u.profile, doc);
  assert.match(u.profileText, /rate: 2 {15}# requests per second/);
  assert.deepEqual(u.changes?.map((c) => [c.key, c.paths.length]), [['rate', 1], ['max', 2], ['min', 2], ['max', 2]]);
  assert.equal(u.changes?.[2]?.source, '-o');
  assert.equal(plan.endpointUrl, undefined);
  assert.equal(doc.server.base_url, SIMULATOR_ENDPOINT_PLACEHOLDER);
  assert.ok(plan.notes.some((n) => /setup treatment/.test(n)));
  assert.equal(plan.experimentFile, expFile);
});

test('an endpoint replaces the placeholder; no experiment gives one unit per model with the plain name', async () => {
  const cfg = await config({ LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: '', LLMDBENCH_RUN_EXPERIMENT_ID: 'myid' });
  const plan = buildPlan({ config: cfg, workDir: '/w', endpointUrl: 'http://127.0.0.1:8123', cwd: dir });
  assert.equal(plan.units.length, 2);
  assert.equal(plan.endpointUrl, 'http://127.0.0.1:8123');
  assert.deepEqual(plan.units.map((u) => [u.treatment, u.experimentId, u.profileName]), [[undefined, 'myid', 'p.yaml'], [undefined, 'myid', 'p.yaml']]);
  assert.equal(parse(plan.units[0]?.profileText ?? '').server.base_url, 'http://127.0.0.1:8123');
});

test('HEAD treatments may pick another profile', async () => {
  const head = path.join(dir, 'head.yaml');
  writeFileSync(head, 'treatments:\n  - name: a\n    load.stages.0.duration: 5\n  - name: b\n    profile: q\n    load.stages.0.duration: 6\n');
  const cfg = await config({ LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: head, LLMDBENCH_DEPLOY_MODEL_LIST: 'facebook/opt-125m' });
  const plan = buildPlan({ config: cfg, workDir: '/w', cwd: dir });
  assert.deepEqual(plan.units.map((u) => u.profileName), ['p_treatment_a.yaml', 'q_treatment_b.yaml']);
  assert.equal(parse(plan.units[1]?.profileText ?? '').load.stages[0].rate, 9);
  assert.equal(parse(plan.units[1]?.profileText ?? '').load.stages[0].duration, 6);
});

test('errors abort planning: a treatment key that matches nothing names the experiment file; validation errors listed', async () => {
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'run:\n  factors: [ratee]\n  treatments: ["1"]\n');
  const cfg1 = await config({ LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: bad });
  const e = throwsCode(() => buildPlan({ config: cfg1, workDir: '/w', cwd: dir }), 'E_OVERRIDE_NO_MATCH');
  assert.match(e.message, /bad\.yaml:3, treatment run_1/);
  const cfg2 = await config({ LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'rate=abc' });
  const v = throwsCode(() => buildPlan({ config: cfg2, workDir: '/w', cwd: dir }), 'E_PROFILE_INVALID');
  assert.ok(v.details.some((d) => /load\.stages\[0\]\.rate/.test(d)), v.details.join('\n'));
  // --no-validate: planned anyway.
  assert.equal(buildPlan({ config: cfg2, workDir: '/w', cwd: dir, validate: false }).units.length, 4);
});

test('formatPlan and formatPlanJson show units, ids, paths, changes and notes', async () => {
  const cfg = await config({ LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'min=20' });
  const plan = buildPlan({ config: cfg, workDir: '/w', cwd: dir });
  const text = formatPlan(plan);
  assert.match(text, /^Plan: 1 method\(s\) × 2 model\(s\) × 2 treatment\(s\) = 4 run\(s\)/);
  assert.match(text, /\[3\/4\] modelservice · facebook\/opt-125m · treatment run_2_200/);
  assert.match(text, /rendered to {4}\/w\/workload\/profiles\/inference-perf\/p_treatment_run_2_200\.yaml/);
  assert.match(text, /experiment id {2}1711800000-run_4_400/);
  assert.match(text, /min → 2 places \(data\.input_distribution\.min, data\.output_distribution\.min\) \[-o\]/);
  assert.match(text, /embedded simulator/);
  assert.match(text, /Notes:\n {2}- .*setup treatment/);
  const json = JSON.parse(formatPlanJson(plan));
  assert.equal(json.units.length, 4);
  assert.equal(json.units[0].experimentId, '1711800000-run_2_200');
  assert.equal(json.endpointUrl, null);
});

test('writePlan writes one group, copies the experiment, and refuses colliding files', async () => {
  const cfg = await config({});
  const work = path.join(dir, 'work');
  const plan = buildPlan({ config: cfg, workDir: work, cwd: dir });
  throwsCode(() => writePlan(plan), 'E_PLAN_COLLISION');
  const group = plan.units.filter((u) => u.model === 'facebook/opt-125m');
  const files = writePlan(plan, group);
  assert.equal(files.length, 3);
  const rendered = readFileSync(path.join(work, 'workload', 'profiles', 'inference-perf', 'p_treatment_run_4_400.yaml'), 'utf8');
  assert.equal(rendered, group[1]?.profileText);
  assert.ok(existsSync(path.join(work, 'workload', 'experiments', 'exp.yaml')));
});

test('overrides from the environment are labelled with the variable and its source', async () => {
  const { overridesFromConfig } = await import('../../../src/plan/build.ts');
  const cfg = await resolveConfig({
    flags: { LLMDBENCH_HARNESS_PROFILES_DIR: profilesDir, LLMDBENCH_HARNESS_EXPERIMENT_PROFILE: 'p', LLMDBENCH_DEPLOY_MODEL_LIST: 'facebook/opt-125m' },
    env: { LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'mni=1' },
    cwd: dir,
    nowS: 1,
  });
  assert.deepEqual(overridesFromConfig(cfg), { spec: 'mni=1', source: 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES (env)' });
  const e = throwsCode(() => buildPlan({ config: cfg, workDir: '/w', cwd: dir }), 'E_OVERRIDE_NO_MATCH');
  assert.match(e.message, /from LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES \(env\)/);
});
