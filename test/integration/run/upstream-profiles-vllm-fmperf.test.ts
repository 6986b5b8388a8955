/**
 * Every upstream vllm-benchmark, inferencemax and fmperf profile (profiles-3045e869 and
 * profiles/) runs through the real CLI against one simulator (preset `instant`) and writes its
 * native output. Each is shortened with `-o`, as a user would: vllm bench profiles get 4 prompts
 * and small lengths; fmperf long-input profiles two qps values of 2 s; the local dataset the
 * profiles name (LLMDBENCH_RUN_DATASET_DIR/FILE) is a small JSONL of prompts, which serves the
 * custom, sharegpt (vllm) and fmperf sharegpt replay. fmperf short-input keeps its script's
 * hard-coded 100 s (no profile field changes it, as in LMBenchmark), so it runs in parallel.
 * Profiles that get the same `-o` share one CLI process (experiment treatments naming the profile).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startEmbeddedSimulator, type EmbeddedSim } from '../../../src/sim/embedded.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { cleanEnv, runCli, tmp, upstream } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const HARNESSES = ['vllm-benchmark', 'inferencemax', 'fmperf'] as const;
const files = HARNESSES.flatMap((h) =>
  [join(upstream, 'profiles-3045e869', h), join(upstream, 'profiles', h)]
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d).filter((f) => /\.yaml(\.in)?$/.test(f)).sort().map((f) => ({ harness: h, file: join(d, f) }))),
);
const nameOf = (file: string): string => (file.includes('3045e869') ? 'old_' : '') + file.split('/').pop()!.replace(/\.yaml(\.in)?$/, '').replace(/[^A-Za-z0-9]+/g, '_');

/** The `-o` that shortens a profile, from what it holds. */
function shortening(harness: string, doc: J): string {
  const a: Record<string, unknown> = {};
  if (harness === 'fmperf') {
    if (/long-input/.test(doc.scenarios)) Object.assign(a, { qps_values: '"2 4"', test_duration: 2, num_users_warmup: 1 });
  } else {
    // only keys the profile has (a bare `-o` name must match; sanity_random keeps vLLM's 1024/128)
    a['num-prompts'] = 4;
    for (const [k, v] of Object.entries({ 'random-input-len': 20, 'random-output-len': 5 })) if (k in doc) a[k] = v;
    if (doc['dataset-name'] === 'sonnet') Object.assign(a, { 'sonnet-input-len': 120, 'sonnet-output-len': 5, 'sonnet-prefix-len': 60 });
    if (doc['dataset-name'] === 'sharegpt') a['sharegpt-output-len'] = 5;
  }
  return Object.entries(a).map(([k, v]) => `${k}=${v}`).join(',');
}

let sim: EmbeddedSim;
before(async () => {
  // long-input prompts grow past the default 1024-token context
  sim = await startEmbeddedSimulator({ model: 'meta-llama/Llama-3.2-1B-Instruct', preset: 'instant', config: { 'max-model-len': 32768 }, log: createLogger('warn') });
});
after(async () => {
  await sim?.stop();
});

test(`every upstream vllm-benchmark / inferencemax / fmperf profile (${files.length}) runs shortened and writes its native output`, async (t) => {
  assert.ok(files.length >= 16, `found ${files.length}`);
  const groups = new Map<string, { harness: string; spec: string; files: string[] }>();
  for (const { harness, file } of files) {
    const spec = shortening(harness, parse(readFileSync(file, 'utf8')) as J);
    const k = `${harness}\0${spec}`;
    const g = groups.get(k) ?? { harness, spec, files: [] };
    g.files.push(file);
    groups.set(k, g);
  }
  const t0 = Date.now();
  const results = await Promise.all(
    [...groups.values()].map(async (g, i) => {
      const wd = tmp(`run-upv${i}`);
      const data = Array.from({ length: 6 }, (_, k) => JSON.stringify({ prompt: `Tell me a short story about the number ${k} and a lighthouse keeper.`, output_tokens: 5, completion: 'Once upon a time there was' }));
      writeFileSync(join(wd, 'prompts.jsonl'), `${data.join('\n')}\n`);
      const exp = join(wd, 'upstream.yaml');
      writeFileSync(exp, stringify({ treatments: g.files.map((f) => ({ name: nameOf(f), profile: f })) }));
      const args = ['run', '--quiet', '--workdir', wd, '-l', g.harness, '--endpoint', sim.url, '-e', exp, ...(g.spec ? ['-o', g.spec] : [])];
      const env = cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: wd, LLMDBENCH_RUN_DATASET_FILE: 'prompts.jsonl' });
      return { g, wd, r: await runCli(args, { env, timeoutMs: 240_000 }) };
    }),
  );
  t.diagnostic(`${files.length} profiles in ${groups.size} CLI runs, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const problems: string[] = [];
  let ran = 0;
  for (const { g, wd, r } of results) {
    if (r.code !== 0) problems.push(`${g.harness} -o ${g.spec}: rc ${r.code}: ${r.stderr.slice(-1500)}`);
    const dirs = existsSync(join(wd, 'results')) ? readdirSync(join(wd, 'results')) : [];
    for (const f of g.files) {
      const tag = nameOf(f);
      const dir = dirs.find((d) => d.includes(`-${tag}_`));
      if (!dir) {
        problems.push(`${tag}: no results directory`);
        continue;
      }
      const res = join(wd, 'results', dir);
      const out = readdirSync(res);
      if (g.harness === 'fmperf') {
        const csvs = out.filter((n) => /^LMBench_.*\.csv$/.test(n));
        const doc = parse(readFileSync(f, 'utf8')) as J;
        const want = String(doc.scenarios).includes('long-input') ? 2 : String(doc.qps_values).trim().split(/\s+/).length;
        if (csvs.length !== want) problems.push(`${tag}: ${csvs.length} CSVs (${csvs.join(', ')}), expected ${want}`);
        for (const c of csvs) if (readFileSync(join(res, c), 'utf8').trim().split('\n').length < 2) problems.push(`${tag}: ${c} has no request`);
      } else {
        const json = out.filter((n) => n.endsWith('.json') && !['loadgen_health.json', 'llmdbench_complete.json'].includes(n));
        if (json.length !== 1) {
          problems.push(`${tag}: result JSON files ${json.join(', ')}`);
          continue;
        }
        const res0 = JSON.parse(readFileSync(join(res, json[0]!), 'utf8')) as J;
        if (g.harness === 'inferencemax' && json[0] !== 'result.json') problems.push(`${tag}: inferencemax result-filename not honoured (${json[0]})`);
        if (res0.completed !== 4 || res0.failed !== 0) problems.push(`${tag}: completed ${res0.completed}, failed ${res0.failed}`);
        for (const k of ['mean_ttft_ms', 'p99_e2el_ms', 'median_itl_ms', 'std_tpot_ms']) if (typeof res0[k] !== 'number') problems.push(`${tag}: ${k} missing`);
      }
      if (!existsSync(join(wd, 'analysis', dir, 'summary.json'))) problems.push(`${tag}: no analysis summary`);
      ran++;
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(ran, files.length);
});
