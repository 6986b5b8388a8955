/**
 * The nop harness end to end against real loopback servers: our simulator writing its
 * start-up log with sleep mode (phases within 10 ms of the configured durations, sleep and
 * wake exercised and re-read), a log served over HTTP, a missing URL and a malformed file
 * (partial results, no crash). The v0.1 report is validated against upstream's JSON schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runHarness } from '../../../src/harness/common/run-harness.ts';
import { nop } from '../../../src/harness/nop/index.ts';
import { stdinSource } from '../../../src/harness/nop/sources.ts';
import { fileLogReader } from '../../../src/harness/server-log.ts';
import type { HarnessRunContext } from '../../../src/harness/types.ts';
import { STARTUP_PHASES } from '../../../src/sim/keys.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { upstreamDir } from '../../helpers/upstream.ts';
import { startSim } from '../sim/helpers.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/vllm-logs/', import.meta.url));
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ctxFor(resultsDir: string, endpointUrl: string, vars: Record<string, string>, serverLog?: string): { ctx: HarnessRunContext; out: string[] } {
  const out: string[] = [];
  const config = { get: (n: string) => vars[n] || undefined, entries: () => [] };
  const ctx: HarnessRunContext = {
    profile: { model_name: 'sim-model' },
    profileText: 'model_name: sim-model\n',
    profileName: 'nop.yaml',
    endpointUrl,
    model: 'sim-model',
    resultsDir,
    config,
    env: { hfHubOffline: true },
    signal: new AbortController().signal,
    log: createLogger('info', (s) => void out.push(s)),
    ...(serverLog ? { serverLog: fileLogReader(serverLog) } : {}),
  };
  return { ctx, out };
}

const runNop = (ctx: HarnessRunContext) => runHarness(nop, ctx);

function validateReport(report: unknown): void {
  const schema = JSON.parse(readFileSync(join(upstreamDir, 'samples/benchmark_report/br_v0_1_json_schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const ok = ajv.validate(schema, report);
  assert.ok(ok, JSON.stringify(ajv.errors, null, 2));
}

function flatten(cats: Obj[]): Obj[] {
  return cats.flatMap((c) => [c, ...flatten((c['categories'] as Obj[]) ?? [])]);
}

test('against the simulator with sleep mode: phases within 10 ms, sleep and wake measured, upstream files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nop-sim-'));
  const durations = [40, 260, 90, 150, 520, 180, 310, 270, 25];
  const sim = await startSim({ 'startup-log': join(dir, 'vllm.log'), 'enable-sleep-mode': true, 'load-format': 'fastsafetensors', ...Object.fromEntries(STARTUP_PHASES.map((p, i) => [p.key, durations[i]])) });
  try {
    while ((await fetch(`${sim.url}/health/ready`)).status !== 200) await new Promise((r) => setTimeout(r, 20));
    const { ctx, out } = ctxFor(join(dir, 'results'), sim.url, {}, join(dir, 'vllm.log'));
    const outcome = await runNop(ctx);
    assert.equal(outcome.complete, true);
    assert.ok(!existsSync(join(dir, 'results', 'records.jsonl')) && !existsSync(join(dir, 'results', 'loadgen_health.json')), 'no load: no records, no health file');
    for (const f of ['result.yaml', 'vLLM_Standalone/vllm.log', 'vLLM_Standalone/categories.log', 'benchmark_report/result.yaml', 'analysis/result.txt']) {
      assert.ok(outcome.files.includes(f) && existsSync(join(dir, 'results', f)), f);
    }
    const result = parse(readFileSync(join(dir, 'results/result.yaml'), 'utf8')) as Obj;
    assert.equal(result['scenario']['load_format'], 'fastsafetensors');
    assert.equal(result['scenario']['sleep_mode'], true);
    assert.equal(result['scenario']['model']['name'], 'sim-model');
    const m = result['metrics'][0] as Obj;
    const cats = new Map(flatten(m['categories'] as Obj[]).map((c) => [c['title'], c['elapsed'] as number]));
    STARTUP_PHASES.forEach((p, i) => assert.ok(Math.abs(cats.get(p.title)! - durations[i]! / 1000) <= 0.01, `${p.title}: ${cats.get(p.title)} vs ${durations[i]} ms`));
    assert.ok(Math.abs(m['load']['time'] - 0.52) < 1e-9);
    // Read from the lines the simulator wrote after /sleep and /wake_up (their times are ~µs).
    assert.equal(m['llmdbench']['patterns_matched']['sleep.time'], 'it-took');
    assert.equal(m['llmdbench']['patterns_matched']['wake'], 'it-took');
    assert.ok(m['sleep']['time'] >= 0 && m['sleep']['time'] < 0.1 && m['wake'] >= 0 && m['wake'] < 0.1);
    assert.equal(m['sleep']['gpu_freed'], 2.3);
    assert.deepEqual(m['llmdbench']['warnings'], []);
    const report = parse(readFileSync(join(dir, 'results/benchmark_report/result.yaml'), 'utf8')) as Obj;
    validateReport(report);
    assert.equal(report['scenario']['load']['name'], 'nop');
    assert.deepEqual(report['metrics']['metadata'][0]['load']['time'], { units: 's', value: 0.52 });
    const txt = readFileSync(join(dir, 'results/analysis/result.txt'), 'utf8');
    const total = durations.reduce((a, b) => a + b, 0) / 1000;
    assert.match(txt, new RegExp(`\\n    Total +${total.toFixed(3)}\\n`));
    assert.match(txt, /\n {6}Total +0\.490\n/, 'Dynamo + Inductor');
    assert.match(out.join(''), /Model Loading +0\.520/);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function serve(routes: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end('no');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('a log over HTTP gives the fixture numbers; a missing URL and a malformed file give notes, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nop-url-'));
  const text = readFileSync(join(fixtures, 'v1-late-debug-ms-cache-sleep.log'), 'utf8');
  const { url, server } = await serve({ '/log': text, '/version': '{"version":"0.11.0"}' });
  try {
    const a = ctxFor(join(dir, 'a'), url, { LLMDBENCH_HARNESS_NOP_VLLM_LOG: `${url}/log` });
    assert.equal((await runNop(a.ctx)).complete, true);
    const m = (parse(readFileSync(join(dir, 'a/result.yaml'), 'utf8')) as Obj)['metrics'][0] as Obj;
    assert.deepEqual(m['load'], { time: 6.301842, size: 14.9889, transfer_rate: Math.round((14.9889 / 6.301842) * 1e6) / 1e6 });
    assert.equal(m['load_cached_compiled_graph'], 3.112);
    assert.equal(m['compile_graph'], undefined);
    assert.deepEqual(m['sleep'], { time: 1.874213, gpu_freed: 69.5, gpu_in_use: 0.75 });
    assert.equal(readFileSync(join(dir, 'a/vLLM_Standalone/vllm.log'), 'utf8'), text);

    const b = ctxFor(join(dir, 'b'), url, { LLMDBENCH_HARNESS_NOP_VLLM_LOG: `${url}/nothing`, LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT: 'tensorizer' });
    assert.equal((await runNop(b.ctx)).complete, true);
    const rb = parse(readFileSync(join(dir, 'b/result.yaml'), 'utf8')) as Obj;
    assert.match(rb['notes'].join('\n'), /could not read the vLLM log from .*\/nothing: GET .* answered 404/);
    assert.equal(rb['scenario']['load_format'], 'tensorizer');
    validateReport(parse(readFileSync(join(dir, 'b/benchmark_report/result.yaml'), 'utf8')));

    const c = ctxFor(join(dir, 'c'), url, { LLMDBENCH_HARNESS_NOP_VLLM_LOG: join(fixtures, 'malformed.log') });
    assert.equal((await runNop(c.ctx)).complete, true);
    const mc = (parse(readFileSync(join(dir, 'c/result.yaml'), 'utf8')) as Obj)['metrics'][0] as Obj;
    assert.equal(mc['load']['time'], 0);
    assert.equal(mc['llmdbench']['patterns_matched']['load'], 'unrecognised');
    assert.ok((mc['llmdbench']['warnings'] as string[]).some((w) => w.includes('unrecognised wording for load')));
    assert.match(c.out.join(''), /missing or unreadable \(\d+\)/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stdin source reads the stream once and says it cannot be re-read', async () => {
  const s = stdinSource(Readable.from([Buffer.from('line 1\n'), Buffer.from('line 2\n')]));
  assert.equal(s.rereadable, false);
  assert.equal((await s.read()).toString(), 'line 1\nline 2\n');
  assert.equal((await s.read()).toString(), 'line 1\nline 2\n');
});
