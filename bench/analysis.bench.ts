/**
 * Analysis benchmark (`npm run bench -- analysis`; issue 10's target: 1,000,000 per-request records
 * into every summary in under 10 s on one core, memory bounded). Generates synthetic records as a
 * `-j 2` run leaves them — two generators of 500,000 records each, BENCH_CHUNKS (default 32)
 * streamed content events per request — in a temp dir, then times, one after the other:
 *   1. the analysis step of each generator (analyzeResultDir: streamed summary, reports attempt),
 *   2. the merged summary over both (analyzeMerged: 1,000,000 records),
 *   3. the monitoring summary of 240 simulator /metrics snapshots (an hour at 15 s),
 *   4. goodput (the reports' only records-reading part; native files are not generated here),
 * and prints each time and the process's peak RSS. BENCH_RECORDS overrides the total.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMerged, analyzeResultDir } from '../src/analysis/analyze.ts';
import { summarizeMetricsDir } from '../src/analysis/monitoring.ts';
import { writeGoodput } from '../src/analysis/report/goodput-report.ts';
import { SimMetrics } from '../src/sim/metrics.ts';

const TOTAL = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 32);
const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;
const peak = (): string => mib(process.resourceUsage().maxRSS);

/** Deterministic pseudo-random records, written in blocks (memory: one block). */
function writeRecords(file: string, n: number, seed: number): void {
  let x = seed >>> 0;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const fd = openSync(file, 'w');
  let block: string[] = [];
  for (let i = 0; i < n; i++) {
    const sent = 1_000_000 + i * 2 + rnd();
    const times: number[] = [];
    let t = sent + 40 + rnd() * 60;
    for (let j = 0; j < CHUNKS; j++) times.push(Math.round((t += 8 + rnd() * 20) * 1e6) / 1e6);
    const failed = rnd() < 0.01;
    const r = failed
      ? { id: i, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: sent, sentAtMs: sent, chunkTimesMs: [], chunkTokens: [], endAtMs: sent + 5, httpStatus: 500, error: { label: 'http_5xx', message: 'Internal Server Error' } }
      : { id: i, stage: 0, worker: 0, api: 'completion', stream: true, scheduledAtMs: sent - rnd(), sentAtMs: sent, dispatchedAtMs: sent - 0.1, headersAtMs: sent + 1, chunkTimesMs: times, chunkTokens: times.map(() => 1), endAtMs: times[times.length - 1]! + 0.5, httpStatus: 200, finishReason: 'length', promptTokensServer: 100 + Math.floor(rnd() * 900), completionTokensServer: CHUNKS, maxTokens: CHUNKS, doneSeen: true, requestBytes: 2000 };
    block.push(JSON.stringify(r));
    if (block.length === 10_000) {
      writeSync(fd, `${block.join('\n')}\n`);
      block = [];
    }
  }
  if (block.length) writeSync(fd, `${block.join('\n')}\n`);
  closeSync(fd);
}

function writeSnapshots(resultsDir: string, n: number): void {
  const raw = join(resultsDir, 'metrics', 'raw');
  mkdirSync(raw, { recursive: true });
  const m = new SimMetrics(4096);
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 200; k++) {
      m.ttft.observe(0.05 + (k % 7) * 0.01);
      m.e2e.observe(1 + (k % 5));
      m.addSuccess('length');
    }
    const text = m.render('meta-llama/Llama-3.1-8B-Instruct', { running: i % 64, waiting: i % 5, kvUsage: (i % 100) / 100, blockSize: 16, numBlocks: 4096, maxLoras: 0 });
    writeFileSync(join(raw, `pod-decode-0_${t0 + i * 15_000}_metrics.txt`), `# Timestamp: ${new Date(t0 + i * 15_000).toISOString()}\n${text}`);
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'llmdbench-bench-analysis-'));
  try {
    const dirs = [join(root, 'results', 'inference-perf_x_s_1'), join(root, 'results', 'inference-perf_x_s_2')];
    const half = Math.floor(TOTAL / 2);
    let t = performance.now();
    dirs.forEach((d, i) => {
      mkdirSync(d, { recursive: true });
      writeRecords(join(d, 'records.jsonl'), i === 0 ? half : TOTAL - half, i + 1);
    });
    const bytes = dirs.reduce((s, d) => s + statSync(join(d, 'records.jsonl')).size, 0);
    writeSnapshots(dirs[0]!, 240);
    console.log(`generated ${TOTAL.toLocaleString('en')} records (${CHUNKS} chunks each, ${(bytes / 2 ** 20).toFixed(0)} MiB of JSONL) in ${((performance.now() - t) / 1000).toFixed(1)} s; peak RSS so far ${peak()}`);
    const rows: [string, number, number][] = [];
    let cpu = process.cpuUsage();
    const row = (what: string): void => {
      const c = process.cpuUsage(cpu);
      rows.push([what, performance.now() - t, (c.user + c.system) / 1000]);
      t = performance.now();
      cpu = process.cpuUsage();
    };
    t = performance.now();
    for (const d of dirs) await analyzeResultDir(d.split('/').pop()!, d, join(root, 'analysis', d.split('/').pop()!), true);
    row(`per-generator analysis (2 × ${half.toLocaleString('en')} records, incl. monitoring of 240 snapshots)`);
    const m = await analyzeMerged('inference-perf_x_s_merged', dirs, join(root, 'analysis', 'inference-perf_x_s_merged'), true);
    row(`merged summary (${m?.requests.total.toLocaleString('en')} records)`);
    const mon = summarizeMetricsDir(dirs[0]!);
    row(`monitoring summary alone (${mon?.targets[0]?.snapshots} snapshots)`);
    // The reports' part that reads records: goodput (reports convert the small native summaries, none here).
    let good = 0;
    for (const d of dirs) good += (await writeGoodput(d, join(root, 'analysis', d.split('/').pop()!), { ttft: 200, tpot: 50 }))?.all.good ?? 0;
    row(`goodput (ttft≤200ms, tpot≤50ms) of both generators (${good.toLocaleString('en')} good)`);
    console.log(`${'phase'.padEnd(92)} wall      CPU (this process, user+sys)`);
    for (const [what, ms, cpuMs] of rows) console.log(`${what.padEnd(92)} ${(ms / 1000).toFixed(2)} s   ${(cpuMs / 1000).toFixed(2)} s`);
    console.log(`peak RSS ${peak()} (heap limit ${(((await import('node:v8')).getHeapStatistics().heap_size_limit) / 2 ** 20).toFixed(0)} MiB)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
