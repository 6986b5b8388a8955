/**
 * Every upstream GuideLLM profile (both snapshots, both dialects) runs through the real CLI
 * against one simulator (preset `instant`) and writes GuideLLM's report. Each is shortened with
 * `-o` as a user would: 1-s duration limits (or small request counts where the profile counts
 * requests), one or two rates/stream counts, small prompts — keeping what the profile exercises
 * (prefix buckets, multi-turn, the `benchmarks` override list, the legacy flat keys). Profiles
 * that get the same `-o` share one CLI process (as experiment treatments naming the profile).
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

const DIRS = [join(upstream, 'profiles-3045e869', 'guidellm'), join(upstream, 'profiles', 'guidellm')];

function flow(v: unknown): string {
  return v !== null && typeof v === 'object' ? stringify(v, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim() : String(v);
}

/** The `-o` that shortens a profile, and how many benchmarks (strategies) it then runs. */
function shortening(doc: J): { spec: string; strategies: number } {
  const a: Record<string, unknown> = {};
  let strategies: number;
  if (doc.spec) {
    const s = doc.spec;
    const kind = typeof s.profile === 'string' ? s.profile : s.profile?.kind;
    const prefixed = (s.data?.[0]?.prefix_buckets ? { prefix_buckets: [{ prefix_tokens: 16, prefix_count: 4 }] } : {});
    const turns = s.data?.[0]?.turns ? { turns: 2 } : {};
    a['spec.data'] = [{ kind: 'synthetic_text', prompt_tokens: 20, prompt_tokens_stdev: 4, prompt_tokens_min: 10, prompt_tokens_max: 30, output_tokens: 8, ...turns, ...prefixed }];
    const byCount = (s.constraints ?? []).some((c: J) => c.kind === 'max_requests');
    if (byCount) a['spec.constraints'] = [{ kind: 'max_requests' }];
    else a['spec.constraints'] = [{ kind: 'max_duration', seconds: 1 }];
    if (doc.benchmarks) {
      const field = kind === 'concurrent' ? 'profile.streams' : 'profile.rate';
      a.benchmarks = [2, 3].map((v) => ({ [field]: v, ...(byCount ? { 'constraints[0].count': 4 } : {}) }));
      strategies = 2;
    } else {
      if (kind === 'concurrent') a['spec.profile.streams'] = [2];
      else a['spec.profile.rate'] = [2, 3];
      strategies = kind === 'concurrent' ? 1 : 2;
    }
  } else {
    a.rate = doc.profile === 'concurrent' ? [1, 2] : [2, 3];
    a.max_seconds = 1;
    a.data = { prompt_tokens: 20, output_tokens: 8, ...(doc.data?.prefix_tokens ? { prefix_tokens: 16, prefix_count: 4 } : {}) };
    strategies = 2;
  }
  return { spec: Object.entries(a).map(([k, v]) => `${k}=${flow(v)}`).join(','), strategies };
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

test(`every upstream GuideLLM profile (${files.length}) runs shortened and writes GuideLLM's report`, async (t) => {
  assert.ok(files.length >= 13, `found ${files.length} upstream profiles`);
  const bySpec = new Map<string, { files: string[]; strategies: number }>();
  for (const f of files) {
    const { spec, strategies } = shortening(parse(readFileSync(f, 'utf8')) as J);
    const g = bySpec.get(spec) ?? { files: [], strategies };
    g.files.push(f);
    bySpec.set(spec, g);
  }
  const groups = [...bySpec.entries()].sort((x, y) => y[1].files.length - x[1].files.length);
  const t0 = Date.now();
  const done: { wd: string; r: Awaited<ReturnType<typeof runCli>>; spec: string; files: string[]; strategies: number }[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < groups.length) {
      const g = next++;
      const [spec, grp] = groups[g]!;
      const wd = tmp(`gl-up${g}`);
      const exp = join(wd, 'upstream.yaml');
      writeFileSync(exp, stringify({ treatments: grp.files.map((f) => ({ name: nameOf(f), profile: f })) }));
      const r = await runCli(['run', '--quiet', '--workdir', wd, '-l', 'guidellm', '--endpoint', sim.url, '-e', exp, '-o', spec], { env: cleanEnv({ LLMDBENCH_RUN_DATASET_DIR: wd }), timeoutMs: 150_000 });
      done.push({ wd, r, spec, ...grp });
    }
  };
  await Promise.all([lane(), lane()]);
  t.diagnostic(`${files.length} profiles (${groups.length} -o groups) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const problems: string[] = [];
  let ran = 0;
  for (const { wd, r, spec, files: fs, strategies } of done) {
    if (r.code !== 0) problems.push(`run with -o ${spec} rc ${r.code}: ${r.stderr.slice(-1500)}`);
    const dirs = existsSync(join(wd, 'results')) ? readdirSync(join(wd, 'results')) : [];
    for (const f of fs) {
      const tag = nameOf(f);
      const dir = dirs.find((d) => d.includes(`-${tag}_`));
      if (!dir) {
        problems.push(`${tag}: no results directory (${dirs.join(', ')})`);
        continue;
      }
      const res = join(wd, 'results', dir);
      for (const w of ['results.json', 'records.jsonl', 'loadgen_health.json']) if (!existsSync(join(res, w))) problems.push(`${tag}: ${w} missing`);
      if (!existsSync(join(res, 'results.json'))) continue;
      const rep: J = readJson(join(res, 'results.json'));
      if (JSON.stringify(Object.keys(rep)) !== '["metadata","config","benchmarks"]') problems.push(`${tag}: top-level keys ${Object.keys(rep).join(',')}`);
      if (rep.benchmarks.length !== strategies) problems.push(`${tag}: ${rep.benchmarks.length} benchmarks, expected ${strategies} (-o ${spec})`);
      for (const b of rep.benchmarks as J[]) {
        if (!(b.metrics.request_totals.successful > 0)) problems.push(`${tag}: benchmark ${b.config.run_index} has no successful request: ${JSON.stringify(b.metrics.request_totals)}`);
        if (!(b.metrics.time_to_first_token_ms.successful.mean > 0)) problems.push(`${tag}: no TTFT`);
      }
      if (!existsSync(join(wd, 'analysis', dir, 'summary.json'))) problems.push(`${tag}: no analysis summary`);
      ran++;
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(ran, files.length);
});
