/**
 * Every upstream inference-perf profile runs through the real CLI against one simulator
 * (preset `instant`) and produces the native files. To keep the whole test near a minute,
 * the runnable profiles are run as HEAD-style experiment treatments (`profile: <upstream
 * file>`), two CLI processes in parallel, each treatment shortened: its first one or two
 * stages with one to three requests each, no pauses, small prompts and outputs. Profiles whose
 * data needs the network (Hugging Face datasets) must fail early with a clear error, and
 * session trace replay (not supported yet) must say so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startEmbeddedSimulator, type EmbeddedSim } from '../../../src/sim/embedded.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { cleanEnv, readJson, runCli, tmp, upstream } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIRS = [join(upstream, 'profiles-3045e869', 'inference-perf'), join(upstream, 'profiles', 'inference-perf')];
/** Expected early errors, by file name. */
const EXPECTED_ERRORS: Record<string, RegExp> = {
  'chatbot_sharegpt.yaml.in': /E_DATA_NEEDS_NETWORK/,
  'agent_llm_traces_v2.yaml.in': /E_IP_UNSUPPORTED|E_DATA_NEEDS_NETWORK/,
  'weka_traces.yaml.in': /E_IP_UNSUPPORTED|E_DATA_NEEDS_NETWORK/,
  'otel_traces.yaml.in': /E_IP_UNSUPPORTED/,
};

/** Treatment assignments (dotted keys) that shorten a profile, from what it holds. */
function shortening(doc: J): Record<string, unknown> {
  const a: Record<string, unknown> = { 'load.interval': 0 };
  const load = doc.load ?? {};
  const n = Math.min(2, Array.isArray(load.stages) ? load.stages.length : 1);
  if (load.type === 'concurrent') a['load.stages'] = [{ num_requests: 2, concurrency_level: 1 }, { num_requests: 3, concurrency_level: 2 }].slice(0, n);
  else a['load.stages'] = [{ rate: 2, duration: 1 }, { rate: 3, duration: 1 }].slice(0, n);
  const data = doc.data ?? {};
  if (data.type === 'random' || data.type === 'synthetic') {
    a['data.input_distribution'] = { min: 10, max: 40, mean: 20, std_dev: 5 };
    a['data.output_distribution'] = { min: 5, max: 20, mean: 10, std_dev: 2 };
  }
  if (data.type === 'shared_prefix') {
    for (const [k, v] of Object.entries({ num_groups: 2, num_prompts_per_group: 2, system_prompt_len: 40, question_len: 20, output_len: 10 })) a[`data.shared_prefix.${k}`] = v;
  }
  if (data.type === 'conversation_replay') {
    const cr = data.conversation_replay ?? {};
    for (const [k, v] of Object.entries({ num_conversations: 2, shared_system_prompt_len: 40, dynamic_system_prompt_len: 20, turns_per_conversation: 2, input_tokens_per_turn: 20, output_tokens_per_turn: 10, tool_call_latency_sec: 0 })) {
      // A distribution stays a distribution (a map is not replaced by a scalar).
      a[`data.conversation_replay.${k}`] = cr[k] && typeof cr[k] === 'object' ? { type: 'fixed', min: v, max: v, mean: v, std_dev: 0 } : v;
    }
  }
  return a;
}

const files = DIRS.flatMap((d) => readdirSync(d).filter((f) => /\.yaml(\.in)?$/.test(f)).sort().map((f) => join(d, f)));
const nameOf = (file: string): string => (file.includes('3045e869') ? 'old_' : '') + file.split('/').pop()!.replace(/\.yaml(\.in)?$/, '').replace(/[^A-Za-z0-9]+/g, '_');

let sim: EmbeddedSim;
before(async () => {
  sim = await startEmbeddedSimulator({ model: 'meta-llama/Llama-3.2-1B-Instruct', preset: 'instant', log: createLogger('warn') });
});
after(async () => {
  await sim?.stop();
});

const env = (wd: string): Record<string, string> => cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: wd, LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN: '32768' });

test(`every upstream inference-perf profile (${files.length}) runs shortened and writes the native files, or fails early for network data`, async (t) => {
  assert.ok(files.length >= 30, `found ${files.length} upstream profiles`);
  const runnable = files.filter((f) => !EXPECTED_ERRORS[f.split('/').pop()!]);
  const failing = files.filter((f) => EXPECTED_ERRORS[f.split('/').pop()!]);
  const halves = [runnable.filter((_, i) => i % 2 === 0), runnable.filter((_, i) => i % 2 === 1)];
  const t0 = Date.now();
  const runs = halves.map(async (half, h) => {
    const wd = tmp(`run-up${h}`);
    const treatments = half.map((f) => ({ name: nameOf(f), profile: f, ...shortening(parse(readFileSync(f, 'utf8')) as J) }));
    const exp = join(wd, 'upstream.yaml');
    writeFileSync(exp, stringify({ treatments }));
    const r = await runCli(['run', '--quiet', '--workdir', wd, '--endpoint', sim.url, '-e', exp], { env: env(wd), timeoutMs: 150_000 });
    return { wd, r, half };
  });
  const early = failing.map(async (f) => {
    const wd = tmp('run-upnet');
    const r = await runCli(['run', '--quiet', '--workdir', wd, '-w', f, '--endpoint', sim.url], { env: env(wd), timeoutMs: 60_000 });
    return { f, r };
  });
  const done = await Promise.all(runs);
  const failed = await Promise.all(early);
  t.diagnostic(`${files.length} profiles in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const problems: string[] = [];
  for (const { f, r } of failed) {
    const name = f.split('/').pop()!;
    if (r.code === 0 || !EXPECTED_ERRORS[name]!.test(r.stderr)) problems.push(`${nameOf(f)}: expected an early error ${EXPECTED_ERRORS[name]}, got rc ${r.code}: ${r.stderr.slice(-400)}`);
  }
  let ran = 0;
  for (const { wd, r, half } of done) {
    if (r.code !== 0) problems.push(`experiment run rc ${r.code}: ${r.stderr.slice(-1500)}`);
    const resultDirs = existsSync(join(wd, 'results')) ? readdirSync(join(wd, 'results')) : [];
    for (const f of half) {
      const tag = nameOf(f);
      const dir = resultDirs.find((d) => d.includes(`-${tag}_`));
      if (!dir) {
        problems.push(`${tag}: no results directory`);
        continue;
      }
      const res = join(wd, 'results', dir);
      const cfg = parse(readFileSync(join(res, 'config.yaml'), 'utf8')) as J;
      const wants = ['summary_lifecycle_metrics.json', ...cfg.load.stages.map((_: unknown, i: number) => `stage_${i}_lifecycle_metrics.json`)];
      if (cfg.report.request_lifecycle.per_request) wants.push('per_request_lifecycle_metrics.json');
      for (const w of wants) if (!existsSync(join(res, w))) problems.push(`${tag}: ${w} missing`);
      if (!existsSync(join(res, 'summary_lifecycle_metrics.json'))) continue;
      const sum: J = readJson(join(res, 'summary_lifecycle_metrics.json'));
      if (!(sum.load_summary.count > 0)) problems.push(`${tag}: no requests`);
      if (sum.successes.count === 0) problems.push(`${tag}: every request failed: ${JSON.stringify(sum.failures.by_label).slice(0, 300)}`);
      if (!existsSync(join(wd, 'analysis', dir, 'summary.json'))) problems.push(`${tag}: no analysis summary`);
      ran++;
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(ran, runnable.length);
});
