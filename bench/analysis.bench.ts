/**
 * Analysis benchmark (`npm run bench -- analysis`; issue 10's target: 1,000,000 per-request records
 * into every report and plot in under 10 s on one core, memory bounded). Generates 1,000,000
 * synthetic records once into a temp file (the shape RecordWriter writes: BENCH_CHUNKS (default 32)
 * streamed content events per request, 1 % failures, 4 stages at rising rates), links it into one
 * results directory per harness (BENCH_HARNESSES, default inference-perf,vllm-benchmark,guidellm;
 * run_metadata.yaml names the harness, loadgen_health.json the requested rates; the inference-perf
 * one also holds 240 simulator /metrics snapshots for -f), then analyses each directory in a fresh
 * child process exactly as the end of `llmdbench run` does (analyzeResultDir: the one pass over
 * records.jsonl giving the summary under that harness's definitions, goodput for ttft≤200ms,
 * tpot≤50ms and the plot data; then summary.json/txt, goodput.json, every plot as SVG + PNG,
 * report.html; then the work directory's report) and prints the child's wall time, CPU time
 * (user+sys) and peak RSS next to the target. Also times the record reader alone (read + parse per
 * line, fresh objects and the pass's reused one; and from the column sidecar records.jsonl.cols, which the
 * generator writes as RecordWriter does and the analyses read; BENCH_SIDECAR=0 leaves it out of the
 * results directories) on the same file, the floor of any analysis. BENCH_RECORDS overrides the count;
 * BENCH_CPU_PROF=<dir> writes each child's V8 CPU profile (.cpuprofile) into <dir>.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TOTAL = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 32);
const HARNESSES = (process.env.BENCH_HARNESSES ?? 'inference-perf,vllm-benchmark,guidellm').split(',');
const STAGES = [50, 100, 200, 400];
const SLO = { ttft: 200, tpot: 50 };
/** BENCH_SIDECAR=0: the results directories hold only records.jsonl (the analyses parse it: the A/B of the sidecar). */
const USE_SIDECAR = process.env.BENCH_SIDECAR !== '0';
const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`;

/** Deterministic pseudo-random records, written in blocks (memory: one block), with their column sidecar as RecordWriter writes it. */
async function writeRecords(file: string, n: number): Promise<void> {
  const { SidecarBatch, sidecarHeader, sidecarTrailer, jsonlHash } = await import('../src/engine/record/sidecar-encode.ts');
  const { sidecarPath } = await import('../src/engine/record/sidecar-read.ts');
  const cols = openSync(sidecarPath(file), 'w');
  let colsSize = writeSync(cols, sidecarHeader());
  let jsonlSize = 0;
  let batch = new SidecarBatch();
  let x = 12345;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const fd = openSync(file, 'w');
  let block: string[] = [];
  const perStage = Math.ceil(n / STAGES.length);
  let sent = 1_000_000;
  for (let i = 0; i < n; i++) {
    const stage = Math.floor(i / perStage);
    sent += (1000 / STAGES[stage]!) * (0.5 + rnd());
    const scheduled = sent - rnd() * 0.2;
    const times: number[] = [];
    let t = sent + 40 + rnd() * 60 + stage * 20;
    for (let j = 0; j < CHUNKS; j++) times.push(Math.round((t += 8 + rnd() * 20) * 1e6) / 1e6);
    const base = { id: i, stage, worker: 0, api: 'completion', stream: true, scheduledAtMs: scheduled, sentAtMs: sent, dispatchedAtMs: sent - 0.1, headersAtMs: sent + 1 };
    const r =
      rnd() < 0.01
        ? { ...base, chunkTimesMs: [], chunkTokens: [], endAtMs: sent + 5, httpStatus: 500, error: { label: 'http_5xx', message: 'HTTP 500: Internal Server Error' } }
        : { ...base, chunkTimesMs: times, chunkTokens: times.map(() => 1), endAtMs: times[times.length - 1]! + 0.5, httpStatus: 200, finishReason: 'length', promptTokensServer: 100 + Math.floor(rnd() * 900), completionTokensServer: CHUNKS, maxTokens: CHUNKS, firstChoiceAtMs: times[0], lastChoiceAtMs: times[times.length - 1], choiceEventCount: CHUNKS, doneSeen: true, requestBytes: 2000 };
    const line = JSON.stringify(r);
    block.push(line);
    batch.add(r as never, line);
    if (block.length === 1000) {
      jsonlSize += writeSync(fd, `${block.join('\n')}\n`);
      colsSize += writeSync(cols, batch.bytes());
      block = [];
      batch = new SidecarBatch();
    }
  }
  if (block.length) {
    jsonlSize += writeSync(fd, `${block.join('\n')}\n`);
    colsSize += writeSync(cols, batch.bytes());
  }
  closeSync(fd);
  const jfd = openSync(file, 'r');
  const hash = jsonlHash((buf, position) => readSync(jfd, buf, 0, buf.length, position), jsonlSize);
  closeSync(jfd);
  writeSync(cols, sidecarTrailer(n, jsonlSize, hash, colsSize));
  closeSync(cols);
}

async function writeSnapshots(resultsDir: string, n: number): Promise<void> {
  const { SimMetrics } = await import('../src/sim/metrics.ts');
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

interface ChildResult {
  wallMs: number;
  cpuMs: number;
  maxRssKiB: number;
  requests: number;
  files: number;
  goodputShare?: number;
}

/**
 * The code the children run: dist/ when it matches the sources (bin/dist-stamp.js — what `llmdbench
 * analyze` itself runs), else the sources through tsx (whose compile adds ~1 s of CPU to each child:
 * the output says which).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
async function fromDist(): Promise<boolean> {
  if (process.env.BENCH_FROM_SOURCES === '1') return false;
  const m = (await import(join(ROOT, 'bin', 'dist-stamp.js'))) as { distIsFresh(root: string): boolean };
  return m.distIsFresh(ROOT);
}
async function load<T>(srcPath: string): Promise<T> {
  const rel = (await fromDist()) ? srcPath.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js') : srcPath;
  return (await import(pathToFileURL(join(ROOT, rel)).href)) as T;
}

/** In the child: one results directory's analysis, as at the end of a run, then its work directory's report. */
async function child(workDir: string, name: string, harness: string): Promise<void> {
  const { analyzeResultDir } = await load<typeof import('../src/analysis/analyze.ts')>('src/analysis/analyze.ts');
  const { definitionsFor } = await load<typeof import('../src/analysis/definitions.ts')>('src/analysis/definitions.ts');
  const { reportWorkDir } = await load<typeof import('../src/analysis/reporters/registry.ts')>('src/analysis/reporters/registry.ts');
  const { readdirSync } = await import('node:fs');
  const t = performance.now();
  const cpu = process.cpuUsage();
  const resultsDir = join(workDir, 'results', name);
  const analysisDir = join(workDir, 'analysis', name);
  const s = await analyzeResultDir(name, resultsDir, analysisDir, true, { definitions: await definitionsFor(harness), slo: SLO });
  if (!s) throw new Error(`${name}: no records analysed`);
  await reportWorkDir({ workDir, results: [{ resultsDir, analysisDir, summary: s }] });
  const c = process.cpuUsage(cpu);
  const files = readdirSync(analysisDir, { recursive: true }).length;
  const out: ChildResult = { wallMs: performance.now() - t, cpuMs: (c.user + c.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, requests: s.requests.total, files, ...(s.goodput ? { goodputShare: s.goodput.good_fraction } : {}) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** In the child: the record reader alone (read + split + parse per line, nothing computed); `reuse`: one reused record object, as the analysis pass reads; `sidecar`: from records.jsonl.cols. */
async function readerOnly(file: string, reuse: boolean, sidecar: boolean): Promise<void> {
  const { forEachRecord } = await load<typeof import('../src/engine/record/reader.ts')>('src/engine/record/reader.ts');
  const t = performance.now();
  const cpu = process.cpuUsage();
  let n = 0;
  await forEachRecord(file, () => void n++, [], { reuse, sidecar });
  const c = process.cpuUsage(cpu);
  const out: ChildResult = { wallMs: performance.now() - t, cpuMs: (c.user + c.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, requests: n, files: 0 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function spawnChild(args: string[]): ChildResult {
  // BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there (NODE_OPTIONS may not carry --cpu-prof).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const r = spawnSync(process.execPath, [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'llmdbench-bench-analysis-'));
  try {
    const file = join(root, 'records.jsonl');
    const t = performance.now();
    await writeRecords(file, TOTAL);
    const bytes = statSync(file).size;
    const colsBytes = statSync(`${file}.cols`).size;
    console.log(`generated ${TOTAL.toLocaleString('en')} records (${CHUNKS} chunks each, ${STAGES.length} stages, ${(bytes / 2 ** 20).toFixed(0)} MiB of JSONL + ${(colsBytes / 2 ** 20).toFixed(0)} MiB column sidecar) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log(`children run ${(await fromDist()) ? 'dist/ (fresh build, as llmdbench analyze runs)' : 'the TypeScript sources through tsx (dist/ stale or BENCH_FROM_SOURCES=1; ~1 s of compile CPU per child included)'}`);
    console.log(`analyses read the ${USE_SIDECAR ? 'column sidecar (records.jsonl.cols)' : 'JSONL (BENCH_SIDECAR=0: no sidecar beside it)'}`);
    const what = (h: string): string => `${h}: summary + goodput + every plot + report.html${h === 'inference-perf' ? ' + -f monitoring' : ''}`;
    const w = Math.max(48, ...HARNESSES.map((h) => what(h).length));
    // Each row as soon as it is measured (a slow machine still shows the finished ones).
    console.log(`${'analysis of the same records'.padEnd(w)}  records      wall      CPU   peak RSS  files  target`);
    const print = (label: string, r: ChildResult): void => {
      const target = r.files === 0 ? 'floor' : r.cpuMs < 10_000 && r.wallMs < 10_000 ? '< 10 s: met' : '< 10 s: NOT met';
      console.log(`${label.padEnd(w)}  ${r.requests.toLocaleString('en').padStart(9)}  ${(r.wallMs / 1000).toFixed(2).padStart(6)} s  ${(r.cpuMs / 1000).toFixed(2).padStart(5)} s  ${mib(r.maxRssKiB).padStart(8)}  ${String(r.files).padStart(5)}  ${target}`);
    };
    print('record reader alone, JSONL (fresh record objects)', spawnChild(['--reader', file]));
    print('record reader alone, JSONL (one reused record)', spawnChild(['--reader-reuse', file]));
    print('record reader alone, column sidecar (one reused record)', spawnChild(['--reader-sidecar', file]));
    for (const harness of HARNESSES) {
      const workDir = join(root, harness);
      const name = `${harness}_bench_stack`;
      const resultsDir = join(workDir, 'results', name);
      mkdirSync(resultsDir, { recursive: true });
      linkSync(file, join(resultsDir, 'records.jsonl'));
      if (USE_SIDECAR) linkSync(`${file}.cols`, join(resultsDir, 'records.jsonl.cols'));
      writeFileSync(join(resultsDir, 'run_metadata.yaml'), `harness_name: ${harness}\ncomplete: true\n`);
      writeFileSync(join(resultsDir, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], stages: STAGES.map((rate, stage) => ({ stage, kind: 'open', requestedRate: rate })) }));
      if (harness === 'inference-perf') await writeSnapshots(resultsDir, 240);
      print(what(harness), spawnChild(['--child', workDir, name, harness]));
    }
    console.log(`memory bound: records streamed (1 MiB reads, one record at a time); per-request numbers in Float64Array columns (≈ ${((TOTAL * (CHUNKS + 4) * 8) / 2 ** 20).toFixed(0)} MiB of values for ${TOTAL.toLocaleString('en')} requests × ${CHUNKS} chunks), never the records or the file's text`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === '--child') await child(args[0]!, args[1]!, args[2]!);
else if (mode === '--reader' || mode === '--reader-reuse' || mode === '--reader-sidecar') await readerOnly(args[0]!, mode !== '--reader', mode === '--reader-sidecar');
else await main();
