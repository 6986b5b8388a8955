/**
 * The same run as the real GuideLLM v0.7.3 sample (../shared/upstream/samples/guidellm/
 * real-run-against-sim): constant 4 req/s for 10 s, synthetic 64/32 tokens, chat, against our
 * simulator with TTFT 50 ms, ITL 10 ms, 256 slots, seed 1. Our GuideLLM figures must agree with
 * what GuideLLM printed: TTFT, ITL and TPOT means within 1 ms, requests/s within 3 %; and our
 * results.json carries every key of theirs. The latency means are compared only when the run's own
 * health verdict does not blame a CPU-starved machine (with 8 processes on 2 cores, the simulator's
 * and our timings both slip; the numbers are printed as diagnostics either way).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedSimulator, type EmbeddedSim } from '../../../src/sim/embedded.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { loadSample } from '../../helpers/guidellm-sample.ts';
import { cleanEnv, onlyDir, readJson, runCli, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function keyPaths(o: unknown, p = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(o)) {
    if (o.length > 0 && typeof o[0] === 'object' && o[0] !== null) keyPaths(o[0], `${p}[]`, out);
    return out;
  }
  if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) keyPaths(v, `${p}.${k}`, out.add(`${p}.${k}`));
  return out;
}

let sim: EmbeddedSim;
before(async () => {
  // `llmdbench sim --time-to-first-token 50 --inter-token-latency 10 --max-num-seqs 256 --seed 1` (upstream defaults otherwise)
  sim = await startEmbeddedSimulator({ model: 'meta-llama/Llama-3.2-1B-Instruct', preset: 'instant', config: { 'time-to-first-token': 50, 'inter-token-latency': 10, 'max-num-seqs': 256, seed: 1 }, log: createLogger('warn') });
});
after(async () => {
  await sim?.stop();
});

test('same settings as the real GuideLLM run: ITL/TPOT means within 1 ms, TTFT between the server\'s 50 ms and GuideLLM\'s own + 1 ms, requests/s within 3 %, every key', async (t) => {
  const wd = tmp('gl-real');
  const file = join(wd, 'same_as_real.yaml');
  writeFileSync(file, `spec:
  backend: {kind: openai_http, target: http://unused.invalid:1, request_format: /v1/chat/completions}
  profile: {kind: constant, rate: 4}
  constraints: [{kind: max_duration, seconds: 10}]
  data: [{kind: synthetic_text, prompt_tokens: 64, output_tokens: 32}]
`);
  const r = await runCli(['run', '--quiet', '--workdir', wd, '-l', 'guidellm', '-w', file, '--endpoint', sim.url, '-m', 'meta-llama/Llama-3.2-1B-Instruct'], { env: cleanEnv(), timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const res = onlyDir(wd, 'results');
  const ours: J = readJson<J>(join(res, 'results.json'));
  // Latencies compare only on a machine that did not starve the client or the simulator of CPU
  // (the run's own health verdict says so); the keys and the request rate always.
  const health: J = readJson<J>(join(res, 'loadgen_health.json'));
  const starved = /machine/.test(String(health.cause ?? ''));
  const theirs = loadSample();
  const a = ours.benchmarks[0].metrics;
  const b = theirs.benchmarks[0].metrics;
  const diffs: string[] = [];
  for (const k of ['time_to_first_token_ms', 'inter_token_latency_ms', 'time_per_output_token_ms']) {
    const d = a[k].successful.mean - b[k].successful.mean;
    const line = `${k}: ours ${a[k].successful.mean.toFixed(3)} vs GuideLLM ${b[k].successful.mean.toFixed(3)}`;
    t.diagnostic(line);
    // TTFT: GuideLLM's own Python client adds several ms to every first token (56.3 ms for the
    // server's 50 ms in the sample); ours may be closer to the server, never further from it than
    // theirs (+1 ms) and never below the server's configured 50 ms (that would be a clock error).
    const ok = k === 'time_to_first_token_ms' ? d <= 1 && a[k].successful.mean >= 50 : Math.abs(d) <= 1;
    if (!ok) {
      if (starved) t.diagnostic(`not compared: the machine starved the run of CPU (${health.verdict ?? health.cause})`);
      else diffs.push(line);
    }
  }
  const rr = a.requests_per_second.successful.mean / b.requests_per_second.successful.mean;
  if (!(Math.abs(rr - 1) <= 0.03)) diffs.push(`requests/s: ours ${a.requests_per_second.successful.mean} vs ${b.requests_per_second.successful.mean}`);
  assert.deepEqual(diffs, []);
  const have = keyPaths(ours);
  assert.deepEqual([...keyPaths(theirs)].filter((k) => !have.has(k)), []);
});
