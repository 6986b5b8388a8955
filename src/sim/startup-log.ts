/**
 * A vLLM-style start-up log (key `startup-log`), so the nop harness can be run and checked on
 * a laptop. The simulator writes, while it "starts", the lines vLLM V1 (0.10) prints at DEBUG
 * level with the llm-d preprocess's millisecond timestamps and process tags
 * `(APIServer pid=N)` / `(EngineCore_0 pid=N)`: every phase boundary line of the nop
 * category table, the scalar lines (model loading, dynamo, compiled graph, torch.compile)
 * and, with sleep mode, the sleep/wake lines. Each line is stamped with its scheduled time
 * (start + the configured phase durations) and written when that time comes; /health/ready
 * answers 503 until the last phase has ended. So the phases a parser reports are exactly
 * the configured durations (to the millisecond) — a check of the parser, not of a GPU.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { SimConfig } from './config.ts';

export const SIM_VLLM_VERSION = '0.0.0+llmdbench.sim';
/** The device memory the start-up log's memory-profiling lines assume. */
export const SIM_GPU_GIB = 80;

type Proc = 'api' | 'engine' | 'none';
interface Entry {
  atMs: number;
  proc: Proc;
  level: 'INFO' | 'DEBUG';
  where: string;
  msg: string;
}

const p2 = (n: number, w = 2): string => String(n).padStart(w, '0');

/** vLLM's `%m-%d %H:%M:%S` + `.%(msecs)03d`, local time. */
export function vllmStamp(epochMs: number): string {
  const d = new Date(epochMs);
  return `${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${p2(d.getMilliseconds(), 3)}`;
}

const py = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? `'${v}'` : String(v));

/** The timeline: every line with its offset (ms) from the start, and when start-up ends. */
export function startupTimeline(c: SimConfig, url: string): { entries: Entry[]; endMs: number } {
  const [dp, imp, info, winit, load, dynamo, inductor, cuda, api] = c.startupPhasesMs as [number, number, number, number, number, number, number, number, number];
  const m = c.servedModelNames[0] ?? c.model;
  const e: Entry[] = [];
  const add = (atMs: number, proc: Proc, level: Entry['level'], where: string, msg: string): void => void e.push({ atMs, proc, level, where, msg });
  let t = 0;
  add(t, 'api', 'DEBUG', '__init__.py:28', 'No plugins for group vllm.platform_plugins found.');
  add((t += dp), 'api', 'INFO', '__init__.py:241', 'Automatically detected platform llmdbench-sim.');
  add((t += imp), 'api', 'DEBUG', '__init__.py:36', 'Available plugins for group vllm.general_plugins:');
  add(t, 'api', 'INFO', 'api_server.py:1805', `vLLM API server version ${SIM_VLLM_VERSION}`);
  const args = { model_tag: m, model: m, max_model_len: c.maxModelLen, load_format: c.loadFormat, enable_sleep_mode: c.enableSleepMode };
  add(t, 'api', 'INFO', 'utils.py:326', `non-default args: {${Object.entries(args).map(([k, v]) => `'${k}': ${py(v)}`).join(', ')}}`);
  add((t += info), 'api', 'INFO', '__init__.py:1750', `Using max model len ${c.maxModelLen}`);
  add(t, 'engine', 'INFO', 'core.py:654', 'Waiting for init message from front-end.');
  add(t, 'engine', 'INFO', 'core.py:73', `Initializing a V1 LLM engine (v${SIM_VLLM_VERSION}) with config: model='${m}', max_seq_len=${c.maxModelLen}, load_format=${c.loadFormat}, enforce_eager=False`);
  const loadStart = (t += winit);
  add(t, 'engine', 'INFO', 'gpu_model_runner.py:1953', `Starting to load model ${m}...`);
  add((t += load), 'engine', 'INFO', 'gpu_model_runner.py:2007', `Model loading took ${c.modelSizeGiB.toFixed(4)} GiB and ${(load / 1000).toFixed(6)} seconds`);
  add(t, 'engine', 'DEBUG', 'decorators.py:237', 'Start compiling function <code object forward of the simulated model>');
  add(t, 'engine', 'INFO', 'backends.py:530', "Using cache directory: (simulated) for vLLM's torch.compile");
  add((t += dynamo), 'engine', 'INFO', 'backends.py:541', `Dynamo bytecode transform time: ${(dynamo / 1000).toFixed(2)} s`);
  t += inductor;
  if (c.compileCache) add(t, 'engine', 'INFO', 'backends.py:161', `Directly load the compiled graph(s) for dynamic shape from the cache, took ${(inductor / 1000).toFixed(3)} s`);
  else add(t, 'engine', 'INFO', 'backends.py:215', `Compiling a graph for dynamic shape takes ${(inductor / 1000).toFixed(2)} s`);
  add(t, 'engine', 'INFO', 'monitor.py:34', `torch.compile takes ${((dynamo + inductor) / 1000).toFixed(2)} s in total`);
  // Memory profiling as vLLM 0.10 prints it, for a simulated 80 GiB device (no time of its own).
  add(t, 'engine', 'INFO', 'gpu_worker.py:255', `Initial free memory: ${SIM_GPU_GIB.toFixed(2)} GiB; Requested memory: 0.90 (util), ${(SIM_GPU_GIB * 0.9).toFixed(2)} GiB`);
  add(t, 'engine', 'INFO', 'gpu_worker.py:262', `Free memory after profiling: ${(SIM_GPU_GIB - c.modelSizeGiB).toFixed(2)} GiB (total), ${(SIM_GPU_GIB * 0.9 - c.modelSizeGiB).toFixed(2)} GiB (within requested)`);
  add(t, 'engine', 'INFO', 'gpu_worker.py:268', `Memory profiling takes 0.00 seconds. Total non KV cache memory: ${c.modelSizeGiB.toFixed(2)}GiB; weights memory: ${c.modelSizeGiB.toFixed(2)}GiB.`);
  add((t += cuda), 'engine', 'INFO', 'gpu_model_runner.py:2708', `Graph capturing finished in ${Math.round(cuda / 1000)} secs, took 0.00 GiB`);
  add(t, 'engine', 'INFO', 'core.py:214', `init engine (profile, create kv cache, warmup model) took ${((t - loadStart) / 1000).toFixed(2)} seconds`);
  add(t, 'api', 'INFO', 'api_server.py:1880', `Starting vLLM API server 0 on ${url}`);
  add(t, 'api', 'INFO', 'launcher.py:29', 'Available routes are:');
  for (const r of ['/v1/models, Methods: GET', '/v1/completions, Methods: POST', '/v1/chat/completions, Methods: POST']) add(t, 'api', 'INFO', 'launcher.py:37', `Route: ${r}`);
  add((t += api), 'api', 'INFO', 'launcher.py:37', 'Route: /metrics, Methods: GET');
  return { entries: e, endMs: t };
}

export class StartupLog {
  private readonly pid = process.pid;
  private timers: NodeJS.Timeout[] = [];
  /** Line groups not written yet: ready only when the whole start-up is in the file. */
  private pending = 0;
  /** Epoch ms at which start-up began. */
  readonly t0 = Date.now();
  readonly doneEpochMs: number;

  constructor(
    private readonly file: string,
    c: SimConfig,
    url: string,
  ) {
    const { entries, endMs } = startupTimeline(c, url);
    this.doneEpochMs = this.t0 + endMs;
    writeFileSync(file, '');
    // One timer per distinct time; each writes its lines stamped with the scheduled time.
    const byTime = new Map<number, Entry[]>();
    for (const x of entries) byTime.set(x.atMs, [...(byTime.get(x.atMs) ?? []), x]);
    this.pending = byTime.size;
    for (const [at, group] of byTime) {
      const write = (): void => {
        this.write(group.map((x) => this.format(x, this.t0 + at)));
        this.pending--;
      };
      if (at === 0) write();
      else this.timers.push(setTimeout(write, Math.max(0, this.t0 + at - Date.now())));
    }
  }

  get ready(): boolean {
    return this.pending === 0;
  }

  private format(x: Entry, atEpochMs: number): string {
    const tag = x.proc === 'api' ? `(APIServer pid=${this.pid}) ` : x.proc === 'engine' ? `(EngineCore_0 pid=${this.pid}) ` : '';
    return `${tag}${x.level} ${vllmStamp(atEpochMs)} [${x.where}] ${x.msg}`;
  }

  private write(lines: string[]): void {
    try {
      appendFileSync(this.file, lines.map((l) => `${l}\n`).join(''));
    } catch {
      // The log is a side channel: a full disk must not stop the simulator.
    }
  }

  /** vLLM's lines for POST /sleep (gpu_worker + executor_base). */
  logSleep(freedGiB: number, inUseGiB: number, tookS: number): void {
    const now = Date.now();
    this.write([
      this.format({ atMs: 0, proc: 'engine', level: 'INFO', where: 'gpu_worker.py:116', msg: `Sleep mode freed ${freedGiB.toFixed(2)} GiB memory, ${inUseGiB.toFixed(2)} GiB memory is still in use.` }, now),
      this.format({ atMs: 0, proc: 'engine', level: 'INFO', where: 'executor_base.py:189', msg: `It took ${tookS.toFixed(6)} seconds to fall asleep.` }, now),
    ]);
  }

  logWake(tookS: number): void {
    this.write([this.format({ atMs: 0, proc: 'engine', level: 'INFO', where: 'executor_base.py:205', msg: `It took ${tookS.toFixed(6)} seconds to wake up tags {'weights', 'kv_cache'}.` }, Date.now())]);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
