/**
 * The cpu phase of `npm run bench -- engine` (issue 13 item 1; results in docs/performance.md):
 * CPU µs per streamed data event, the full `llmdbench run` path (inference-perf, records.jsonl and
 * per_request_lifecycle_metrics.json written) against bare undici (`drive_undici.mjs`), both against
 * the reference server (`server.mjs`, RAW=1, 64 tokens), server on CPU 0, the client on CPU 1.
 *
 * Two regimes, because they answer different questions:
 *   immediate  the server writes every chunk as fast as it can (the issue's reference table).
 *              Whichever client is faster than this one-core server waits for it: each socket
 *              read then carries ~1 event, and that client's CPU per event is mostly read
 *              syscalls (on loopback a read also pays the kernel's ACK and its delivery into the
 *              server's socket) — it measures the server's pace as much as the client's cost.
 *              The bench prints the server's CPU and the events per read so the regime shows.
 *   paced      the server writes a chunk every 20 ms per stream (MODE=gap), as a model server
 *              streams tokens, 512 streams (BENCH_CPU_PACED_C; at 1,000 bare undici nears 100 % of
 *              its core and starts batching reads): each read carries one event for both clients,
 *              so CPU per event is what each client spends per token it receives.
 * Per regime and round: bare undici (its own window after a 2 s warm-up), then ours, measured
 * the same way: the run's CPU (all threads, sampled from /proc every 50 ms) and its data events
 * (from records.jsonl) in a window of the load after the same warm-up; each round's ratio against
 * the mean of the bare-undici runs before and after it (the host's speed drifts within minutes).
 * Immediate mode also keeps the older whole-process marginal (long run − short run, end-of-run
 * analysis included, `run -z` for the analysis's share). Per regime, our transport alone
 * (bench/drive-engineclient.mjs, h1 and undici) is measured the same way. BENCH_CPU_ROUNDS (default 1),
 * BENCH_CPU_REGIMES=immediate,paced, BENCH_CPU_BIG (20,480), BENCH_CPU_BASE=<another built
 * checkout> (interleaved before/after).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestRecord } from '../src/engine/types.ts';
import { monoMs } from '../src/util/clock.ts';
import { f, freePort, hasTaskset, out, pinned, repo, run } from './proc.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const refDir = process.env.BENCH_REF_DIR ?? join(repo, '..', 'shared', 'bench');
/** drive_undici.mjs's warm-up (-w 2), for ours too. */
const WARMUP_S = 2;
const MIN_WINDOW_MS = 1500;
const T = QUICK ? 5 : 12;

interface CpuSample {
  atMs: number;
  cpuMs: number;
  /** read(2)-family calls so far (/proc/<pid>/io syscr): socket reads, mostly. */
  reads: number;
}

/**
 * CPU ms from /proc/<pid>/stat (10 ms ticks): utime + stime of a running process (all its threads),
 * or with `reapedChildren`, cutime + cstime (its children that have exited).
 */
function statCpuMs(pid: number | 'self', reapedChildren = false): number {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = st.slice(st.lastIndexOf(')') + 2).split(' ');
  const i = reapedChildren ? 13 : 11;
  return ((Number(fields[i]) + Number(fields[i + 1])) * 1000) / 100;
}
const pidCpuMs = (pid: number): number => statCpuMs(pid);
const childCpuMs = (): number => statCpuMs('self', true);

/**
 * `run()` that also samples the child's CPU and read calls every 50 ms with a CLOCK_MONOTONIC
 * stamp (monoMs, the clock of the run's records), so a window can be cut out afterwards
 * (`at`). `taskset` execs the command, so the pid is the measured process's own.
 */
function runSampled(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string; samples: CpuSample[]; childCpuMs: number }> {
  return new Promise((res) => {
    const p = spawn(cmd[0]!, cmd.slice(1), { cwd: repo, env: process.env });
    const samples: CpuSample[] = [];
    const sample = (): void => {
      try {
        const cpuMs = pidCpuMs(p.pid!);
        const reads = Number(/syscr: (\d+)/.exec(readFileSync(`/proc/${p.pid}/io`, 'utf8'))?.[1] ?? NaN);
        samples.push({ atMs: monoMs(), cpuMs, reads });
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(sample, 50);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const c0 = childCpuMs();
    p.on('close', (code) => {
      clearInterval(timer);
      res({ code: code ?? 1, stdout, stderr, samples, childCpuMs: childCpuMs() - c0 });
    });
  });
}

/** A sampled value at `t` (monoMs), linear between the two samples around it; NaN outside them. */
function at(samples: CpuSample[], t: number, key: 'cpuMs' | 'reads' = 'cpuMs'): number {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a.atMs <= t && t <= b.atMs) return a[key] + ((b[key] - a[key]) * (t - a.atMs)) / (b.atMs - a.atMs || 1);
  }
  return NaN;
}

interface RefServer {
  url: string;
  pid: number;
  stop: () => void;
}

async function refServer(env: Record<string, string>): Promise<RefServer> {
  const port = await freePort();
  const cmd = pinned(0, [process.execPath, join(refDir, 'server.mjs')]);
  const p = spawn(cmd[0]!, cmd.slice(1), { env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => p.stdout!.once('data', () => r()));
  return { url: `http://127.0.0.1:${port}`, pid: p.pid!, stop: () => void p.kill('SIGTERM') };
}

/** What a client run says about its regime: the server's CPU (% of its core) and events per read call, over the window. */
interface Regime {
  serverPct: number;
  eventsPerRead: number;
}
const regimeText = (r: Regime): string => `server at ${f(r.serverPct, 0)} % of its core, ${f(r.eventsPerRead, 1)} events per read`;

/**
 * A closed-loop driver that measures its own window after its warm-up and prints drive_undici.mjs's
 * JSON line (drive_undici.mjs itself, or bench/drive-engineclient.mjs), pinned to CPU 1: its
 * µs/event, and the regime over its run.
 */
async function driven(srv: RefServer, script: string, extra: string[], c: number, label: string): Promise<number> {
  const s0 = pidCpuMs(srv.pid);
  const t0 = monoMs();
  const d = await runSampled(pinned(1, [process.execPath, script, '--url', srv.url, '-c', String(c), '-t', String(T), '-w', String(WARMUP_S), ...extra]));
  const ref = JSON.parse(d.stdout.trim().split('\n').pop()!) as { events_per_s: number; cpu_pct: number; failed: number };
  const us = (ref.cpu_pct / 100 / ref.events_per_s) * 1e6;
  const w0 = t0 + (WARMUP_S + 0.5) * 1000;
  const w1 = d.samples.at(-1)!.atMs;
  const regime: Regime = {
    serverPct: (100 * (pidCpuMs(srv.pid) - s0)) / (monoMs() - t0),
    eventsPerRead: (ref.events_per_s * (w1 - w0)) / 1000 / (at(d.samples, w1, 'reads') - at(d.samples, w0, 'reads')),
  };
  out(`cpu ${label}, C=${c}, ${T} s): ${f(ref.events_per_s, 0)} events/s, CPU ${f(ref.cpu_pct, 0)}% → ${f(us)} µs/event, failed ${ref.failed}; ${regimeText(regime)}`);
  return us;
}

const bareUndici = (srv: RefServer, c: number, label: string): Promise<number> => driven(srv, join(refDir, 'drive_undici.mjs'), [], c, `bare undici${label} (drive_undici.mjs`);

interface OurRun {
  /** CPU ms of the whole process. */
  cpuMs: number;
  /** CPU ms of `llmdbench run -z` on the same work directory (analysis and start-up alone), NaN when not run. */
  analysisCpuMs: number;
  /** CPU ms of -z's torn-file check alone (every JSON file of the result; a run does not do it), or NaN. */
  tornCpuMs: number;
  events: number;
  failed: number;
  /** The steady state: CPU and data events in the load's window (WARMUP_S after the first send to tailMs before the last response end). */
  windowUs: number;
  windowS: number;
  regime: Regime;
}

/**
 * One `llmdbench run` (inference-perf, closed loop, n requests, per_request on) pinned to CPU 1;
 * with `analyse`, then `run -z` on the same work directory for the analysis's share. `tree`:
 * the checkout whose bin/llmdbench.js runs (this one, or BENCH_CPU_BASE).
 */
async function ourRun(tree: string, srv: RefServer, n: number, dir: string, o: { concurrency: number; tailMs: number; analyse: boolean }): Promise<OurRun> {
  const profile = join(dir, `p${n}.yaml`);
  writeFileSync(
    profile,
    [
      `load: {type: concurrent, stages: [{concurrency_level: ${o.concurrency}, num_requests: ${n}}]}`,
      'api: {type: completion, streaming: true}',
      `server: {type: vllm, model_name: m, base_url: '${srv.url}', ignore_eos: true}`,
      'tokenizer: {pretrained_model_name_or_path: m}',
      'data: {type: random, input_distribution: {min: 10, max: 20, mean: 15, std_dev: 2, total_count: 100}, output_distribution: {min: 64, max: 64, mean: 64, std_dev: 0, total_count: 100}}',
      'report: {request_lifecycle: {summary: true, per_stage: true, per_request: true}}',
      '',
    ].join('\n'),
  );
  const wd = join(dir, `w${n}`);
  const args = [process.execPath, join(tree, 'bin', 'llmdbench.js'), 'run', '--workdir', wd, '-w', profile, '--endpoint', srv.url, '-m', 'm', '--quiet'];
  // The server's CPU over the same window: is it the bottleneck (the regime)?
  const serverSamples: CpuSample[] = [];
  const serverTimer = setInterval(() => serverSamples.push({ atMs: monoMs(), cpuMs: pidCpuMs(srv.pid), reads: NaN }), 50);
  const r = await runSampled(pinned(1, args));
  clearInterval(serverTimer);
  if (r.code !== 0) throw new Error(`llmdbench run exited ${r.code}: ${r.stderr.slice(-2000)}`);
  let analysisCpuMs = NaN;
  if (o.analyse) {
    const c1 = childCpuMs();
    const z = await run(pinned(1, [...args, '-z']));
    analysisCpuMs = childCpuMs() - c1;
    if (z.code !== 0) throw new Error(`llmdbench run -z exited ${z.code}: ${z.stderr.slice(-2000)}`);
  }
  const res = spawnSync('find', [join(wd, 'results'), '-name', 'records.jsonl']).stdout.toString().trim().split('\n')[0]!;
  const tornCpuMs = o.analyse ? await tornCheckCpuMs(tree, dirname(res)) : NaN;
  const recs = readFileSync(res, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as RequestRecord);
  rmSync(wd, { recursive: true, force: true });
  // Every data event but [DONE]: the choice events (tokens + finish) and the usage event, as drive_undici counts.
  const extra = (x: RequestRecord): number => (x.choiceEventCount ?? 0) - x.chunkTimesMs.length + (x.completionTokensServer !== undefined ? 1 : 0);
  let events = 0;
  let failed = 0;
  for (const x of recs) {
    if (x.error) failed++;
    else events += (x.choiceEventCount ?? 0) + (x.completionTokensServer !== undefined ? 1 : 0);
  }
  const w0 = Math.min(...recs.map((x) => x.sentAtMs ?? Infinity)) + WARMUP_S * 1000;
  const w1 = Math.max(...recs.map((x) => x.endAtMs)) - o.tailMs;
  let windowUs = NaN;
  let regime: Regime = { serverPct: NaN, eventsPerRead: NaN };
  if (w1 - w0 >= MIN_WINDOW_MS) {
    let inWindow = 0;
    for (const x of recs) {
      if (x.error) continue;
      for (const t of x.chunkTimesMs) if (t >= w0 && t < w1) inWindow++;
      // Data events with no stamp of their own (a finish-only chunk, the usage chunk) came with the response's last read.
      if (x.endAtMs >= w0 && x.endAtMs < w1) inWindow += extra(x);
    }
    windowUs = ((at(r.samples, w1) - at(r.samples, w0)) * 1000) / inWindow;
    regime = { serverPct: (100 * (at(serverSamples, w1) - at(serverSamples, w0))) / (w1 - w0), eventsPerRead: inWindow / (at(r.samples, w1, 'reads') - at(r.samples, w0, 'reads')) };
  }
  return { cpuMs: r.childCpuMs, analysisCpuMs, tornCpuMs, events, failed, windowUs, windowS: (w1 - w0) / 1000, regime };
}

/**
 * CPU ms of -z's torn-file check (jsonFileProblem on every JSON file of a result, as -z runs it)
 * with `tree`'s built code, in this process; NaN when that tree has no dist/. -z does this check,
 * the end of a run does not, so it is taken out of -z's figure for the run's analysis share.
 */
async function tornCheckCpuMs(tree: string, resultsDir: string): Promise<number> {
  const mod = join(tree, 'dist', 'analysis', 'json-torn.js');
  if (!existsSync(mod)) return NaN;
  const { jsonFileProblem } = (await import(pathToFileURL(mod).href)) as { jsonFileProblem: (f: string) => string | undefined };
  const c0 = process.cpuUsage();
  for (const name of readdirSync(resultsDir)) if (name.endsWith('.json')) jsonFileProblem(join(resultsDir, name));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const med = (rs: number[]): number => [...rs].sort((x, y) => x - y)[Math.floor((rs.length - 1) / 2)]!;
const list = (rs: number[]): string => (rs.length > 1 ? `median ${f(med(rs))} (${rs.map((x) => f(x)).join(', ')})` : f(rs[0]!));

interface RegimeSpec {
  name: 'immediate' | 'paced';
  env: Record<string, string>;
  concurrency: number;
  /** Requests of our (long) run. */
  n: number;
  /** Margin before the last response end: a closed loop drains over about one request's duration. */
  tailMs: number;
  /** Also the whole-process marginal against a short run, and -z's analysis share. */
  marginal: boolean;
}

/** One regime: rounds of bare undici then ours (each tree), ratios against the bare runs around each. */
async function measureRegime(spec: RegimeSpec, dir: string, rounds: number, trees: [string, string][]): Promise<void> {
  const srv = await refServer(spec.env);
  try {
    const c = spec.concurrency;
    const refs: number[] = [];
    const windows = new Map<string, number[]>();
    const marginals = new Map<string, number[]>();
    const small = QUICK ? 256 : 512;
    for (let round = 1; round <= rounds; round++) {
      refs.push(await bareUndici(srv, c, ` [${spec.name}, round ${round}]`));
      for (const [label, tree] of trees) {
        const tag = ` [${spec.name}, ${label}${trees.length > 1 ? ` ${tree}` : ''}, round ${round}]`;
        const b = await ourRun(tree, srv, spec.n, dir, { concurrency: c, tailMs: spec.tailMs, analyse: spec.marginal });
        windows.set(label, [...(windows.get(label) ?? []), b.windowUs]);
        if (!Number.isFinite(b.windowUs)) out(`cpu llmdbench run${tag}: the load (${spec.n} requests) was too short for a steady-state window of ${MIN_WINDOW_MS} ms after the warm-up`);
        else
          out(
            `cpu llmdbench run${tag} (inference-perf, C=${c}, ${spec.n} requests, per_request on): steady state over ${f(b.windowS, 1)} s of the load ` +
              `(from ${WARMUP_S} s after the first send to ${spec.tailMs} ms before the last response; records and per-request outputs written in it): ` +
              `${f(b.windowUs)} µs/event, ratio to the bare-undici run before it ${f(b.windowUs / refs.at(-1)!)}; ${regimeText(b.regime)}; failed ${b.failed}${hasTaskset ? '' : ' [not pinned: no taskset]'}`,
          );
        if (spec.marginal) {
          const a = await ourRun(tree, srv, small, dir, { concurrency: c, tailMs: spec.tailMs, analyse: true });
          const dEvents = b.events - a.events;
          const ourUs = ((b.cpuMs - a.cpuMs) * 1000) / dEvents;
          const anaUs = ((b.analysisCpuMs - a.analysisCpuMs) * 1000) / dEvents;
          const tornUs = ((b.tornCpuMs - a.tornCpuMs) * 1000) / dEvents;
          // The end of a run analyses as -z does, minus the torn-file check (when it could be measured).
          const runAnaUs = Number.isFinite(tornUs) ? anaUs - tornUs : anaUs;
          marginals.set(label, [...(marginals.get(label) ?? []), ourUs / refs.at(-1)!]);
          out(
            `cpu llmdbench run${tag}: whole process, marginal ${spec.n} − ${small} requests (start-up cancels; end-of-run analysis and reports included): ` +
              `${f(b.cpuMs / 1000)} s − ${f(a.cpuMs / 1000)} s CPU for ${dEvents} events → ${f(ourUs)} µs/event, ratio ${f(ourUs / refs.at(-1)!)}; ` +
              `its own end-of-run analysis ≈ ${f(runAnaUs)} µs/event (run -z marginal ${f(anaUs)}, of which -z's torn-file check ${Number.isFinite(tornUs) ? f(tornUs) : 'not measured (no dist/)'})`,
          );
        }
      }
    }
    refs.push(await bareUndici(srv, c, ` [${spec.name}, after the last round]`));
    for (const [label, ws] of windows) {
      if (!ws.every(Number.isFinite)) continue;
      const around = ws.map((w, i) => w / ((refs[i]! + refs[i + 1]!) / 2));
      out(`cpu ratio ours / bare undici [${spec.name}, ${label}], steady state, each round against the mean of the bare-undici runs before and after it: ${list(around)} (target ≤ 0.70)`);
    }
    for (const [label, ms] of marginals) out(`cpu ratio ours / bare undici [${spec.name}, ${label}], whole-process marginal, each round against the bare-undici run before it: ${list(ms)} (target ≤ 0.70)`);
    await transportOnly(srv, spec);
  } finally {
    srv.stop();
  }
}

/** Our transport alone (bench/drive-engineclient.mjs on the built dist/), per transport, measured as bare undici is. */
async function transportOnly(srv: RefServer, spec: RegimeSpec): Promise<void> {
  const script = join(repo, 'bench', 'drive-engineclient.mjs');
  if (!existsSync(join(repo, 'dist', 'engine', 'client', 'http-client.js'))) {
    out('cpu EngineClient only: SKIPPED — no dist/ (npm run build)');
    return;
  }
  for (const transport of ['h1', 'undici']) await driven(srv, script, ['--transport', transport], spec.concurrency, `EngineClient only [${spec.name}, ${transport}] (drive-engineclient.mjs`);
}

export async function cpuPerEvent(): Promise<void> {
  if (!existsSync(join(refDir, 'server.mjs')) || !existsSync(join(refDir, 'drive_undici.mjs'))) {
    out(`cpu: SKIPPED — reference server.mjs / drive_undici.mjs not found in ${refDir} (set BENCH_REF_DIR)`);
    return;
  }
  if (!existsSync('/proc/self/stat')) {
    out('cpu: SKIPPED — needs Linux /proc for child CPU times');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-bench-cpu-'));
  const base = process.env.BENCH_CPU_BASE;
  const trees: [string, string][] = [['ours', repo], ...(base ? [['base', resolve(base)] as [string, string]] : [])];
  const rounds = Math.max(1, Number(process.env.BENCH_CPU_ROUNDS ?? 1));
  const regimes = (process.env.BENCH_CPU_REGIMES ?? 'immediate,paced').split(',');
  const pacedC = Number(process.env.BENCH_CPU_PACED_C ?? (QUICK ? 256 : 512));
  const specs: RegimeSpec[] = [
    { name: 'immediate', env: { RAW: '1' }, concurrency: 256, n: Number(process.env.BENCH_CPU_BIG ?? (QUICK ? 2048 : 20_480)), tailMs: 300, marginal: true },
    // 64 tokens × 20 ms ≈ 1.3 s a request: ~8 request durations of load, the last 1.5 s (the drain) left out.
    { name: 'paced', env: { RAW: '1', MODE: 'gap', GAP_MS: '20' }, concurrency: pacedC, n: pacedC * (QUICK ? 4 : 8), tailMs: 1500, marginal: false },
  ];
  try {
    for (const spec of specs) if (regimes.includes(spec.name)) await measureRegime(spec, dir, rounds, trees);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
