/**
 * Start-up (issue 13 item 6): `npm run bench -- startup [--rounds N] [--baseline <checkout>]`.
 * Interleaved rounds (default 5) of
 *   - `node -e 0` (the floor: Node's own start),
 *   - `node bin/llmdbench.js --help` (target < 300 ms),
 *   - the default run `llmdbench run --workdir W -o duration=2` (no endpoint: the embedded
 *     simulator, inference-perf sanity_random), broken into milestones after the spawn: plan ready
 *     (`work directory:` logged), simulator ready (`embedded simulator serving` logged), the stage
 *     clock's start (loadgen_health.json `clockStartMonoMs`), the first scheduled arrival and the
 *     first send (records.jsonl), mapped to wall time through loadgen_health.json's clock anchor.
 *     The target (< 1 s) is on the start-up latency = stage clock start + (first send − first
 *     scheduled arrival): the schedule's first offset is a draw of the profile's arrival process
 *     (inference-perf's ConstantLoadTimer yields stage start + the first rescaled gap, never 0), so
 *     it is left out; the first send − spawn keeps it.
 * Beside the wall time, the CPU (user+sys, from /proc every 5 ms) the run's main process had used by
 * plan ready, by the stage clock's start and by the first request, and all its processes (the
 * simulator child and its threads included) by the first request: on a shared machine that holds
 * up where wall time does not.
 * With --baseline, the same commands of another checkout (e.g. a worktree of main, its dist/ built)
 * run in the same rounds, so before/after share the machine's load. Prints each round and the
 * medians (min–max), the CPU time (user+sys, via /usr/bin/time when installed) of `node -e 0` and
 * `--help`, the load average, and whether dist/ is fresh (else bin/ runs the sources through tsx).
 * Wall times on a shared machine are inflated for every command alike: compare within a round.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const opt = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(opt('rounds') ?? 5);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds needs a positive integer');
const baseline = opt('baseline');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Checkout {
  name: string;
  root: string;
}
const checkouts: Checkout[] = [{ name: 'this', root: here }, ...(baseline ? [{ name: 'baseline', root: resolve(baseline) }] : [])];

async function distFresh(root: string): Promise<boolean> {
  const m = (await import(join(root, 'bin', 'dist-stamp.js'))) as { distIsFresh(root: string): boolean };
  return m.distIsFresh(root);
}

/** Wall ms and (with /usr/bin/time) CPU ms of a short command. */
function timed(cmd: string[]): { wallMs: number; cpuMs: number | undefined } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_LLMDBENCH_FROM_SOURCES'];
  const argv = TIME ? [TIME, '-f', '%U %S', ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', env });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const m = TIME ? /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr) : null;
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
}

const TICK_MS = 10; // USER_HZ 100 on Linux: /proc times are in 10 ms ticks

/** utime+stime (ms) of a process and of it plus its descendants (threads included), or undefined off Linux / once gone. */
function treeCpu(pid: number): { mainMs: number; allMs: number } | undefined {
  const stat = (p: number): { cpu: number; ppid: number } | undefined => {
    try {
      const t = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * TICK_MS };
    } catch {
      return undefined;
    }
  };
  const main = stat(pid);
  if (!main) return undefined;
  let all = main.cpu;
  const parents = new Set([pid]);
  let grew = true;
  const procs: Array<{ pid: number; ppid: number; cpu: number }> = [];
  try {
    for (const d of readdirSync('/proc')) {
      const p = Number(d);
      if (!Number.isInteger(p) || p === pid) continue;
      const s = stat(p);
      if (s) procs.push({ pid: p, ...s });
    }
  } catch {
    return { mainMs: main.cpu, allMs: all };
  }
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!parents.has(p.pid) && parents.has(p.ppid)) {
        parents.add(p.pid);
        all += p.cpu;
        grew = true;
      }
    }
  }
  return { mainMs: main.cpu, allMs: all };
}

/** Milestones of the default run, ms after the command was spawned (see the header). */
interface Breakdown {
  /** `work directory:` logged: settings resolved, plan built and checked, about to execute. */
  planReadyMs?: number;
  /** `embedded simulator serving ...` logged: the simulator answered /health/ready. */
  simReadyMs?: number;
  /** The stage clock's start (loadgen_health.json `clockStartMonoMs`): offsets count from here. */
  stageClockMs?: number;
  /** The first scheduled arrival: the stage clock plus the schedule's first offset (drawn, as inference-perf). */
  firstScheduledMs: number;
  /** The first request's send (its record's `sentAtMs`). */
  firstSendMs: number;
  /** Start-up latency: stage clock start + (first send − first scheduled arrival), i.e. without the schedule's own first offset. */
  startupMs?: number;
  /** The stage clock was estimated from the log (a checkout without clockStartMonoMs). */
  estimated?: boolean;
  mainCpuMs: number | undefined;
  allCpuMs: number | undefined;
  /** CPU (user+sys) of the main process by the time the plan was ready. */
  planCpuMs?: number;
  /** CPU (user+sys) of the main process by the stage clock's start: what start-up cost it, without the wait for the first arrival. */
  clockCpuMs?: number;
  /** With `countModules`: ES modules the main process had loaded when the plan was ready (see moduleCounts). */
  modules?: ModuleCount;
}

/** ES modules loaded (through the module loader: CommonJS `require`s are not seen), by origin. */
interface ModuleCount {
  ours: number;
  packages: number;
  builtins: number;
}

/**
 * A module-loader hook (`--import`) that appends `<pid> <monotonic ns> <url>` for every ES module
 * the process loads: the bench counts the main process's lines before the plan-ready log line
 * (process.hrtime is CLOCK_MONOTONIC on both sides). Costs CPU: used in one extra, untimed run.
 */
const COUNT_HOOK = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
const out = process.env.BENCH_MODULES_OUT;
export async function load(url, context, next) {
  appendFileSync(out, process.pid + ' ' + process.hrtime.bigint() + ' ' + url + String.fromCharCode(10));
  return next(url, context);
}\`));
`;

function moduleCounts(file: string, pid: number, beforeNs: bigint): ModuleCount {
  const c: ModuleCount = { ours: 0, packages: 0, builtins: 0 };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [p, t, url] = line.split(' ');
    if (!url || Number(p) !== pid || BigInt(t!) > beforeNs) continue;
    if (url.startsWith('node:')) c.builtins++;
    else if (url.includes('/node_modules/')) c.packages++;
    else c.ours++;
  }
  return c;
}

/** The default run's milestones (see the header), and the CPU its processes had used by the first send. */
async function firstRequestMs(root: string, countModules = false): Promise<Breakdown> {
  const dir = mkdtempSync(join(tmpdir(), 'llmdbench-startup-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_LLMDBENCH_FROM_SOURCES'];
  for (const k of Object.keys(env)) if (k.startsWith('LLMDBENCH_')) delete env[k];
  const hook = join(dir, 'count-modules.mjs');
  if (countModules) {
    writeFileSync(hook, COUNT_HOOK);
    env['BENCH_MODULES_OUT'] = join(dir, 'modules.txt');
  }
  try {
    const startEpochMs = Date.now();
    const child = spawn(process.execPath, [...(countModules ? ['--import', hook] : []), join(root, 'bin', 'llmdbench.js'), 'run', '--workdir', join(dir, 'w'), '-o', 'duration=2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    // Log lines (stderr, not a TTY: one line per event) stamped as they arrive.
    const marks: { planReadyMs?: number; simReadyMs?: number; stageLoggedMs?: number; planReadyNs?: bigint } = {};
    let partial = '';
    child.stderr.on('data', (d: Buffer) => {
      const at = Date.now() - startEpochMs;
      err = (err + d.toString()).slice(-2000);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (marks.planReadyMs === undefined && l.includes('work directory: ')) {
          marks.planReadyMs = at;
          marks.planReadyNs = process.hrtime.bigint();
        }
        if (marks.simReadyMs === undefined && l.includes('embedded simulator serving ')) marks.simReadyMs = at;
        if (marks.stageLoggedMs === undefined && l.includes('Stage 0 - run started')) marks.stageLoggedMs = at;
      }
    });
    // CPU of the command's processes over time (Linux /proc), to read it off at the first request
    const samples: Array<{ epochMs: number; mainMs: number; allMs: number }> = [];
    const poll = setInterval(() => {
      const s = treeCpu(child.pid as number);
      if (s) samples.push({ epochMs: Date.now(), ...s });
    }, 5);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearInterval(poll);
    if (code !== 0) throw new Error(`run exited ${code}: ${err}`);
    const results = join(dir, 'w', 'results');
    const run = readdirSync(results).find((d) => existsSync(join(results, d, 'records.jsonl')));
    if (!run) throw new Error('no records.jsonl');
    const health = JSON.parse(readFileSync(join(results, run, 'loadgen_health.json'), 'utf8')) as { clock: { mono_ms: number; epoch_ms: number }; stages: Array<{ stage: number; clockStartMonoMs?: number }> };
    const clock = health.clock;
    let first = { sent: Infinity, scheduled: Infinity };
    for (const line of readFileSync(join(results, run, 'records.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { stage?: number; sentAtMs?: number; scheduledAtMs?: number };
      if (r.stage === 0 && typeof r.sentAtMs === 'number' && typeof r.scheduledAtMs === 'number' && r.sentAtMs < first.sent) first = { sent: r.sentAtMs, scheduled: r.scheduledAtMs };
    }
    if (!Number.isFinite(first.sent)) throw new Error('no sent request');
    const rel = (mono: number): number => clock.epoch_ms + (mono - clock.mono_ms) - startEpochMs;
    // A checkout from before the breakdown has no clockStartMonoMs: its clock then started the
    // harness's lead (100 ms) after `Stage 0 - run started` was logged (an estimate, marked ~).
    const exact = health.stages.find((s) => s.stage === 0)?.clockStartMonoMs;
    const clockMs = exact !== undefined ? rel(exact) : marks.stageLoggedMs !== undefined ? marks.stageLoggedMs + 100 : undefined;
    const at = samples.filter((x) => x.epochMs - startEpochMs <= rel(first.sent)).at(-1);
    const atPlan = marks.planReadyMs === undefined ? undefined : samples.filter((x) => x.epochMs - startEpochMs <= marks.planReadyMs!).at(-1);
    const atClock = clockMs === undefined ? undefined : samples.filter((x) => x.epochMs - startEpochMs <= clockMs).at(-1);
    return {
      ...(atPlan ? { planCpuMs: atPlan.mainMs } : {}),
      ...(atClock ? { clockCpuMs: atClock.mainMs } : {}),
      ...(countModules && marks.planReadyNs !== undefined ? { modules: moduleCounts(join(dir, 'modules.txt'), child.pid as number, marks.planReadyNs) } : {}),
      ...(marks.planReadyMs !== undefined ? { planReadyMs: marks.planReadyMs } : {}),
      ...(marks.simReadyMs !== undefined ? { simReadyMs: marks.simReadyMs } : {}),
      ...(clockMs !== undefined ? { stageClockMs: clockMs, startupMs: clockMs + (first.sent - first.scheduled), estimated: exact === undefined } : {}),
      firstScheduledMs: rel(first.scheduled),
      firstSendMs: rel(first.sent),
      mainCpuMs: at?.mainMs,
      allCpuMs: at?.allMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
};
const fmt = (xs: number[]): string => (xs.length === 0 ? '-' : `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`);

async function main(): Promise<void> {
  for (const c of checkouts) process.stdout.write(`${c.name}: ${c.root} — dist/ ${(await distFresh(c.root)) ? 'fresh (used)' : 'NOT fresh: bin/ runs the sources through tsx'}\n`);
  process.stdout.write(`rounds ${ROUNDS}; load average before ${loadavg().map((x) => x.toFixed(2)).join(' ')}; CPU times ${TIME ? 'from /usr/bin/time' : 'not available (no /usr/bin/time)'}\n\n`);
  const rows = new Map<string, { wall: number[]; cpu: number[] }>();
  const add = (k: string, wall: number, cpu?: number): void => {
    const r = rows.get(k) ?? { wall: [], cpu: [] };
    r.wall.push(wall);
    if (cpu !== undefined) r.cpu.push(cpu);
    rows.set(k, r);
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    const e0 = timed([process.execPath, '-e', '0']);
    add('node -e 0', e0.wallMs, e0.cpuMs);
    line.push(`node -e 0 ${e0.wallMs.toFixed(0)}`);
    for (const c of checkouts) {
      const h = timed([process.execPath, join(c.root, 'bin', 'llmdbench.js'), '--help']);
      add(`${c.name}: llmdbench --help`, h.wallMs, h.cpuMs);
      const f = await firstRequestMs(c.root);
      if (f.startupMs !== undefined) add(`${c.name}: default run, start-up latency${f.estimated ? ' (~: clock from the log)' : ''}`, f.startupMs);
      if (f.planReadyMs !== undefined) add(`${c.name}:   plan ready`, f.planReadyMs);
      if (f.simReadyMs !== undefined) add(`${c.name}:   simulator ready`, f.simReadyMs);
      if (f.stageClockMs !== undefined) add(`${c.name}:   stage clock start`, f.stageClockMs);
      add(`${c.name}:   first scheduled arrival`, f.firstScheduledMs);
      add(`${c.name}:   first send`, f.firstSendMs);
      if (f.planCpuMs !== undefined) add(`${c.name}:   CPU by plan ready, main process`, f.planCpuMs);
      if (f.clockCpuMs !== undefined) add(`${c.name}:   CPU by the stage clock start, main process`, f.clockCpuMs);
      if (f.mainCpuMs !== undefined) add(`${c.name}:   CPU by the first send, main process`, f.mainCpuMs);
      if (f.allCpuMs !== undefined) add(`${c.name}:   CPU by the first send, all its processes`, f.allCpuMs);
      const ms = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(0));
      line.push(
        `${c.name}: --help ${h.wallMs.toFixed(0)}; run: plan ${ms(f.planReadyMs)}, sim ${ms(f.simReadyMs)}, clock ${ms(f.stageClockMs)}, ` +
          `scheduled ${ms(f.firstScheduledMs)}, sent ${ms(f.firstSendMs)}, start-up ${f.estimated ? '~' : ''}${ms(f.startupMs)} (CPU main ${f.planCpuMs ?? '-'} by plan, ${f.clockCpuMs ?? '-'} by clock, ${f.mainCpuMs ?? '-'} by send; all ${f.allCpuMs ?? '-'})`,
      );
    }
    process.stdout.write(`round ${round}: ${line.join('; ')} (ms; load ${loadavg()[0]?.toFixed(2)})\n`);
  }
  process.stdout.write('\nmedian (min–max) over the rounds:\n');
  for (const [k, r] of rows) {
    // the "CPU by then" rows hold CPU times in their first column
    const first = k.includes('CPU by') ? 'CPU' : 'wall';
    process.stdout.write(`  ${k.padEnd(52)} ${first} ${fmt(r.wall)}${r.cpu.length ? `; CPU ${fmt(r.cpu)}` : ''}\n`);
  }
  process.stdout.write(
    'milestones: ms after the command was spawned (plan ready, simulator ready: log lines as they arrived; the rest from\n' +
      'records.jsonl and loadgen_health.json). start-up latency = stage clock start + (first send − first scheduled arrival):\n' +
      "the schedule's first offset is left out, as inference-perf draws it too (its first request goes at the stage clock +\n" +
      'the first rescaled exponential gap, not at 0); first send − spawn includes that offset.\n' +
      'targets: --help < 300 ms, start-up latency < 1,000 ms (quiet machine)\n',
  );
  // One more, untimed run per checkout with a module-loader hook (it costs CPU): what was loaded by plan ready.
  process.stdout.write('\nES modules the main process had loaded when the plan was ready (one extra run each, loader hook; CommonJS requires not seen):\n');
  for (const c of checkouts) {
    const m = (await firstRequestMs(c.root, true)).modules;
    process.stdout.write(`  ${c.name.padEnd(10)} ${m ? `${m.ours + m.packages + m.builtins} (ours ${m.ours}, packages ${m.packages}, node: builtins ${m.builtins})` : '- (no plan-ready line)'}\n`);
  }

}

await main();
