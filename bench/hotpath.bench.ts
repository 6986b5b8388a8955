/**
 * `npm run bench -- hotpath`: the client's per-event JavaScript work (hotpath-work.ts: the Recorder
 * fed one event per read, then records.jsonl lines, then per_request entries) in instructions per
 * event, counted by `valgrind --tool=callgrind` under `node --single-threaded` — a count that
 * repeats to ~0.1 % on a shared VM, where timed CPU per event spreads ±10–40 % between runs of the
 * same build (docs/performance.md). Marginal: (count at 3,000 requests − count at 1,000) / events,
 * so start-up and JIT warm-up cancel. The timed figure (in this process) is printed for scale only.
 * BENCH_HOTPATH_BASE=<another checkout with bench/hotpath-work.ts> counts it too (before/after).
 * Without valgrind: only the timed figure. BENCH_HOTPATH_UPTIME_S sets the clock's start (the
 * host's uptime; 12 h by default): how times are spelled depends on it (ms-seconds.ts, line-bytes.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runHotPath } from './hotpath-work.ts';
import { f, out, repo } from './proc.ts';

const PARTS = ['recorder', 'recorder,records', 'recorder,records,per_request'];
const EVENTS_PER_REQUEST = 65;
const SMALL = 1000;
/** The monotonic clock's reading at the start, in s (the host's uptime): 12 h unless BENCH_HOTPATH_UPTIME_S. */
const UPTIME_S = Number(process.env.BENCH_HOTPATH_UPTIME_S ?? 43_790);
const BIG = 3000;

/** Instructions of one callgrind run of the bundled workload, or NaN. */
function callgrind(bundle: string, n: number, parts: string, dir: string): Promise<number> {
  return new Promise((res) => {
    const p = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(dir, `cg-${process.pid}-${n}-${parts}-%p.out`)}`, process.execPath, '--single-threaded', bundle, String(n), parts, String(UPTIME_S)]);
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.resume();
    p.on('close', () => res(Number(/Collected : (\d+)/.exec(err)?.[1] ?? NaN)));
  });
}

/** Jobs two at a time (valgrind runs one core each; this host has two). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function bundleOf(tree: string, dir: string, label: string): string | undefined {
  const entry = join(tree, 'bench', 'hotpath-work.ts');
  if (!existsSync(entry)) return undefined;
  const outfile = join(dir, label, 'hotpath-work.mjs');
  const r = spawnSync(join(repo, 'node_modules', '.bin', 'esbuild'), [entry, '--bundle', '--platform=node', '--format=esm', `--outfile=${outfile}`, '--log-level=warning']);
  return r.status === 0 ? outfile : undefined;
}

async function main(): Promise<void> {
  // Timed, for scale (this process; noisy on a shared host).
  for (const parts of PARTS) {
    const list = parts.split(',');
    runHotPath(2000, list, UPTIME_S);
    const c0 = process.cpuUsage();
    const events = runHotPath(10_000, list, UPTIME_S);
    const c = process.cpuUsage(c0);
    out(`hotpath timed [${parts}]: ${f(((c.user + c.system) * 1000) / events, 0)} ns/event (this process, after a warm-up; for scale only)`);
  }
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    out('hotpath instructions: SKIPPED — valgrind is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-bench-hotpath-'));
  try {
    const trees: [string, string][] = [['ours', repo]];
    const base = process.env.BENCH_HOTPATH_BASE;
    if (base) trees.push(['base', resolve(base)]);
    for (const [label, tree] of trees) {
      const bundle = bundleOf(tree, dir, label);
      if (!bundle) {
        out(`hotpath instructions [${label}]: SKIPPED — ${tree} has no bench/hotpath-work.ts (or it did not bundle)`);
        continue;
      }
      const jobs = PARTS.flatMap((parts) => [SMALL, BIG].map((n) => () => callgrind(bundle, n, parts, dir)));
      const counts = await twoAtATime(jobs);
      const perEvent = PARTS.map((_, i) => (counts[2 * i + 1]! - counts[2 * i]!) / ((BIG - SMALL) * EVENTS_PER_REQUEST));
      out(
        `hotpath instructions [${label}] (callgrind, node --single-threaded, uptime ${UPTIME_S} s, (${BIG} − ${SMALL} requests) / events): ` +
          PARTS.map((p, i) => `${p} ${f(perEvent[i]!, 0)}`).join('; ') +
          ` instructions/event — the recorder ${f(perEvent[0]!, 0)}, records.jsonl ${f(perEvent[1]! - perEvent[0]!, 0)}, per_request ${f(perEvent[2]! - perEvent[1]!, 0)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
