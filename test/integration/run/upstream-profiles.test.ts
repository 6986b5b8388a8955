/**
 * Every upstream inference-perf profile runs through the real CLI against one simulator
 * (preset `instant`) and produces the native files. Each profile is shortened with `-o`, as a
 * user would: `load.stages=[...]` (a YAML flow list: its first one or two stages, two or
 * three requests each), no pauses (`+load.interval=0`) and small prompts and outputs (data-size
 * overrides, flow maps for distributions). Profiles that get the same `-o` share one CLI process
 * (they are listed as HEAD-style experiment treatments that only name the profile, to save process
 * start-ups), two processes at a time. Profiles whose data needs the network (Hugging Face
 * datasets) must fail early with a clear error, and session trace replay (not supported yet)
 * must say so.
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

/** A YAML flow value for `-o` (`[{rate: 2, duration: 1}]`, `{min: 10, max: 40}`) or a plain scalar. */
function flow(v: unknown): string {
  return v !== null && typeof v === 'object' ? stringify(v, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim() : String(v);
}

/** The `-o` spec that shortens a profile, from what it holds. */
function shortening(doc: J): string {
  const a: Record<string, unknown> = { '+load.interval': 0 };
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
    for (const [k, v] of Object.entries({ num_groups: 2, num_prompts_per_group: 2, system_prompt_len: 40, question_len: 20, output_len: 10 })) a[`+data.shared_prefix.${k}`] = v;
  }
  if (data.type === 'conversation_replay') {
    const cr = data.conversation_replay ?? {};
    for (const [k, v] of Object.entries({ num_conversations: 2, shared_system_prompt_len: 40, dynamic_system_prompt_len: 20, turns_per_conversation: 2, input_tokens_per_turn: 20, output_tokens_per_turn: 10, tool_call_latency_sec: 0 })) {
      // A distribution is replaced by a fixed distribution (a flow map; a scalar may not replace a map).
      a[`+data.conversation_replay.${k}`] = cr[k] && typeof cr[k] === 'object' ? { type: 'fixed', min: v, max: v, mean: v, std_dev: 0 } : v;
    }
  }
  return Object.entries(a).map(([k, v]) => `${k}=${flow(v)}`).join(',');
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
  const bySpec = new Map<string, string[]>();
  for (const f of runnable) {
    const spec = shortening(parse(readFileSync(f, 'utf8')) as J);
    bySpec.set(spec, [...(bySpec.get(spec) ?? []), f]);
  }
  // Largest groups first, so the two lanes end at about the same time.
  const groups = [...bySpec.entries()].sort((x, y) => y[1].length - x[1].length);
  const t0 = Date.now();
  const runGroup = async ([spec, half]: [string, string[]], g: number): Promise<{ wd: string; r: Awaited<ReturnType<typeof runCli>>; half: string[]; spec: string }> => {
    const wd = tmp(`run-up${g}`);
    const exp = join(wd, 'upstream.yaml');
    writeFileSync(exp, stringify({ treatments: half.map((f) => ({ name: nameOf(f), profile: f })) }));
    const r = await runCli(['run', '--quiet', '--workdir', wd, '--endpoint', sim.url, '-e', exp, '-o', spec], { env: env(wd), timeoutMs: 240_000 });
    return { wd, r, half, spec };
  };
  // Two CLI processes at a time.
  const done: Awaited<ReturnType<typeof runGroup>>[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < groups.length) {
      const g = next++;
      done.push(await runGroup(groups[g]!, g));
    }
  };
  const early = failing.map(async (f) => {
    const wd = tmp('run-upnet');
    const r = await runCli(['run', '--quiet', '--workdir', wd, '-w', f, '--endpoint', sim.url], { env: env(wd), timeoutMs: 60_000 });
    return { f, r };
  });
  await Promise.all([lane(), lane()]);
  const failed = await Promise.all(early);
  t.diagnostic(`${files.length} profiles (${groups.length} -o groups) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const problems: string[] = [];
  for (const { f, r } of failed) {
    const name = f.split('/').pop()!;
    if (r.code === 0 || !EXPECTED_ERRORS[name]!.test(r.stderr)) problems.push(`${nameOf(f)}: expected an early error ${EXPECTED_ERRORS[name]}, got rc ${r.code}: ${r.stderr.slice(-400)}`);
  }
  let ran = 0;
  for (const { wd, r, half, spec } of done) {
    if (r.code !== 0) problems.push(`run with -o ${spec} rc ${r.code}: ${r.stderr.slice(-1500)}`);
    const resultDirs = existsSync(join(wd, 'results')) ? readdirSync(join(wd, 'results')) : [];
    for (const f of half) {
      const tag = nameOf(f);
      const dir = resultDirs.find((d) => d.includes(`-${tag}_`));
      if (!dir) {
        problems.push(`${tag}: no results directory`);
        continue;
      }
      const res = join(wd, 'results', dir);
      if (!existsSync(join(res, 'config.yaml'))) {
        problems.push(`${tag}: config.yaml missing (run rc ${r.code}): ${r.stderr.slice(-600)}`);
        continue;
      }
      const cfg = parse(readFileSync(join(res, 'config.yaml'), 'utf8')) as J;
      const stages: J[] = cfg.load.stages;
      if (!(stages.length <= 2 && stages.every((st) => st.duration === 1 || st.num_requests <= 3))) problems.push(`${tag}: -o did not shorten load.stages: ${JSON.stringify(stages)}`);
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
