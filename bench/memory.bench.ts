/**
 * Memory in run length (`npm run bench -- memory [--requests N] [--concurrency C] [--tokens T] [--trace] [--no-analysis]`):
 * N requests (default 100,000) through the full harness path — runHarness for inference-perf
 * (records.jsonl, per_request / summary / stage lifecycle files, loadgen_health.json) — against a
 * minimal fast streaming server in a child process, then the end-of-run analysis in this same
 * process as `llmdbench run` does it (analyzeResultDir; `--no-analysis` skips it). This process's
 * RSS is sampled every 100 ms. Prints the peak RSS after the first 10k and 100k requests and at the
 * end of the load (also the kernel's VmHWM, and the live heap after a full GC at each point: RSS
 * also counts garbage not yet collected), the peak RSS of each phase (load; closing the streamed
 * files; inference-perf's lifecycle reports; the analysis) and of the whole process, against the
 * target: 1,000,000 requests under 1 GiB (issue 13). RSS must depend on the requests in flight, not
 * on the requests finished: the peak after 100k and after 1M should be close. `--trace` adds one
 * line a second on stderr: requests done, phase, process.memoryUsage() and V8's old / new /
 * large-object space (size/used, MiB) — where the growth is. The results directory (a temporary
 * one) is removed at the end.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
};
const REQUESTS = arg('requests', 100_000);
/** `--trace`: one line of process.memoryUsage() and V8's heap spaces a second, on stderr. */
const TRACE = process.argv.includes('--trace');
/** `--no-analysis`: stop after the harness's files (no end-of-run analysis in this process). */
const ANALYSIS = !process.argv.includes('--no-analysis');
const CONCURRENCY = arg('concurrency', 64);
const TOKENS = arg('tokens', 8);
const GIB = 1024 ** 3;

// ---------------------------------------------------------------- server (child process)
async function serverMain(): Promise<void> {
  const chunk = `data: ${JSON.stringify({ id: 'x', object: 'text_completion', model: 'm', choices: [{ index: 0, text: ' tok', finish_reason: null }] })}\n\n`;
  const tail = (n: number): string =>
    `data: ${JSON.stringify({ id: 'x', object: 'text_completion', model: 'm', choices: [], usage: { prompt_tokens: 8, completion_tokens: n, total_tokens: 8 + n } })}\n\ndata: [DONE]\n\n`;
  const srv = createServer((req, res: ServerResponse) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const step = (): void => {
        if (res.destroyed) return;
        if (n++ >= TOKENS) return void res.end(tail(TOKENS));
        res.write(chunk);
        setImmediate(step);
      };
      step();
    });
  });
  srv.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => srv.listen({ port: 0, host: '127.0.0.1' }, r));
  process.send!({ port: (srv.address() as AddressInfo).port });
  process.on('message', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- client (this process)
const rssNow = (): number => process.memoryUsage.rss();
function vmHwm(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--server', '--tokens', String(TOKENS)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((r) => child.once('message', (m) => r((m as { port: number }).port)));
  const { harnesses } = await import('../src/harness/registry.ts');
  const { runHarness } = await import('../src/harness/common/run-harness.ts');
  const { runtimeEnv } = await import('../src/config/runtime-env.ts');
  const { createLogger } = await import('../src/util/logger.ts');
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-memory-'));
  const profile = {
    load: { type: 'concurrent', stages: [{ num_requests: REQUESTS, concurrency_level: CONCURRENCY }] },
    api: { type: 'completion', streaming: true },
    server: { type: 'vllm', model_name: 'm', base_url: `http://127.0.0.1:${port}`, ignore_eos: true },
    data: { type: 'random', input_distribution: { min: 8, max: 8, mean: 8, std_dev: 0, total_count: 100 }, output_distribution: { min: TOKENS, max: TOKENS, mean: TOKENS, std_dev: 0, total_count: 100 } },
    report: { request_lifecycle: { summary: true, per_stage: true, per_request: true } },
  };
  const milestones = [10_000, 100_000, 1_000_000].filter((m) => m < REQUESTS);
  const atMilestone: [number, number, number][] = [];
  const { collectGarbageNow } = await import('../src/engine/loadgen/gc.ts');
  // What is really held (not garbage awaiting collection): the heap after a full GC.
  const liveHeap = (): number => {
    collectGarbageNow();
    return process.memoryUsage().heapUsed;
  };
  // Phases: the load (runLoad, requests streamed to the files), closing the streamed files, the
  // harness's native files (inference-perf's lifecycle reports: sorts the numeric columns).
  type Phase = 'load' | 'close' | 'outputs' | 'end' | 'analysis';
  let phase: Phase = 'load';
  const phasePeak: Record<Phase, number> = { load: 0, close: 0, outputs: 0, end: 0, analysis: 0 };
  const plugin = await harnesses.load('inference-perf');
  const traced = {
    ...plugin,
    prepare: async (ctx: Parameters<NonNullable<typeof plugin.prepare>>[0]) => {
      const job = await plugin.prepare!(ctx);
      return {
        ...job,
        close: async () => {
          sample();
          phase = 'close';
          await job.close?.();
          sample();
        },
        writeOutputs: async (r: Parameters<typeof job.writeOutputs>[0]) => {
          sample();
          phase = 'outputs';
          const files = await job.writeOutputs(r);
          sample();
          phase = 'end';
          return files;
        },
      };
    },
  };
  let peak = rssNow();
  let completed = 0;
  const sample = (): void => {
    const r = rssNow();
    peak = Math.max(peak, r);
    phasePeak[phase] = Math.max(phasePeak[phase], r);
  };
  const t0 = performance.now();
  const trace = (): void => {
    const m = process.memoryUsage();
    const sp = Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x]));
    const f = (b: number): string => (b / 2 ** 20).toFixed(0).padStart(5);
    const space = (n: string): string => `${f(sp[n]?.space_size ?? 0)}/${f(sp[n]?.space_used_size ?? 0)}`;
    process.stderr.write(
      `trace ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s ${String(completed).padStart(8)} ${phase.padEnd(7)} rss ${f(m.rss)} heapTotal ${f(m.heapTotal)} used ${f(m.heapUsed)} external ${f(m.external)} arrayBuffers ${f(m.arrayBuffers)} old ${space('old_space')} new ${space('new_space')} lo ${space('large_object_space')} code ${space('code_space')}\n`,
    );
  };
  let ticks = 0;
  const sampler = setInterval(() => {
    sample();
    if (TRACE && ++ticks % 10 === 0) trace();
    while (milestones.length > 0 && completed >= milestones[0]!) atMilestone.push([milestones.shift()!, peak, liveHeap()]);
  }, 100);
  const start = performance.now();
  const rssStart = rssNow();
  let out;
  try {
    out = await runHarness(traced, {
      profile,
      profileText: JSON.stringify(profile),
      profileName: 'memory.yaml',
      endpointUrl: `http://127.0.0.1:${port}`,
      model: 'm',
      resultsDir: dir,
      config: { get: () => undefined, entries: () => [] },
      env: runtimeEnv({ HF_HUB_OFFLINE: '1' }),
      signal: new AbortController().signal,
      log: createLogger('silent'),
      progress: (p) => {
        completed = p.completed;
      },
    });
  } finally {
    clearInterval(sampler);
    child.send('exit');
  }
  sample();
  if (TRACE) trace();
  const s = (performance.now() - start) / 1000;
  const peakRun = peak;
  const hwmRun = vmHwm();
  const heapEnd = liveHeap();
  // The end-of-run analysis, in this process as `llmdbench run` does it (runUnit → analyzeResultDir:
  // the pass over records.jsonl, summary, goodput, every plot, report.html).
  let analysisS = 0;
  if (ANALYSIS) {
    const { analyzeResultDir } = await import('../src/analysis/analyze.ts');
    const { definitionsFor } = await import('../src/analysis/definitions.ts');
    writeFileSync(join(dir, 'run_metadata.yaml'), 'harness_name: inference-perf\ncomplete: true\n');
    phase = 'analysis';
    const sampler2 = setInterval(() => {
      sample();
      if (TRACE && ++ticks % 10 === 0) trace();
    }, 100);
    const a0 = performance.now();
    try {
      const summary = await analyzeResultDir('memory', dir, join(dir, 'analysis'), true, { definitions: await definitionsFor('inference-perf') });
      if (summary?.requests.total !== REQUESTS) throw new Error(`analysis saw ${summary?.requests.total} requests, not ${REQUESTS}`);
    } finally {
      clearInterval(sampler2);
    }
    analysisS = (performance.now() - a0) / 1000;
    sample();
    if (TRACE) trace();
  }
  const records = statSync(join(dir, 'records.jsonl')).size;
  const perReq = statSync(join(dir, 'per_request_lifecycle_metrics.json')).size;
  const hwm = vmHwm();
  process.stdout.write(
    `memory: ${REQUESTS} requests (${TOKENS} tokens each, ${CONCURRENCY} in flight) in ${s.toFixed(1)} s (${(REQUESTS / s).toFixed(0)} req/s), complete=${out.complete}, files: ${out.files.join(', ')}\n` +
      `  records.jsonl ${mib(records)}, per_request_lifecycle_metrics.json ${mib(perReq)}\n` +
      `  RSS at start ${mib(rssStart)}\n` +
      atMilestone.map(([n, p, h]) => `  peak RSS after ${n.toLocaleString('en-US')} requests: ${mib(p)} (live heap after a full GC ${mib(h)})\n`).join('') +
      `  peak RSS after ${REQUESTS.toLocaleString('en-US')} requests (end, native files written): ${mib(peakRun)}${hwmRun !== undefined ? ` (VmHWM ${mib(hwmRun)})` : ''}, live heap after a full GC ${mib(heapEnd)}\n` +
      `  peak RSS by phase: load ${mib(phasePeak.load)}, closing the streamed files ${mib(phasePeak.close)}, native files (lifecycle reports) ${mib(phasePeak.outputs)}, loadgen_health.json ${mib(phasePeak.end)}` +
      (ANALYSIS ? `, end-of-run analysis ${mib(phasePeak.analysis)} (${analysisS.toFixed(1)} s)\n` : ' (analysis skipped: --no-analysis)\n') +
      `  peak RSS of the whole process: ${mib(peak)}${hwm !== undefined ? ` (VmHWM ${mib(hwm)})` : ''}\n` +
      `  target: 1,000,000 requests under 1 GiB — ${REQUESTS >= 1_000_000 ? (Math.max(peak, hwm ?? 0) < GIB ? 'met' : 'NOT met') : 'run with --requests 1000000 to check'}\n`,
  );
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv.includes('--server')) void serverMain();
else await main();
