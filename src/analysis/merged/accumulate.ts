/**
 * The merged report's numbers, one record at a time (memory: 8 bytes per value, never records):
 * per stage (stage i of every generator together) the counts, the per-request values of the
 * producing harness's definitions (per-request.ts) concatenated across generators — percentiles
 * are taken over these, never averaged — and the stage's window on the merged time base; per
 * generator its own window (for the start skew and overlap check). Warm-up requests are left out.
 */
import type { RequestRecord } from '../../engine/types.ts';
import { F64Buffer } from '../../util/f64-buffer.ts';
import { isWarmup } from '../../metrics/warmup.ts';
import type { PerRequestDefinitions } from './per-request.ts';

/** One stage over every generator. Latencies in s, lengths in tokens. */
export class StageValues {
  total = 0;
  failures = 0;
  /** Neither success nor failure under the harness's definitions (GuideLLM's cancelled requests). */
  incomplete = 0;
  minSentMs = Infinity;
  maxEndMs = -Infinity;
  inputTokens = 0;
  outputTokens = 0;
  readonly ttftS = new F64Buffer();
  readonly tpotS = new F64Buffer();
  readonly itlS = new F64Buffer();
  readonly ntpotS = new F64Buffer();
  readonly latencyS = new F64Buffer();
  readonly inputLen = new F64Buffer();
  readonly outputLen = new F64Buffer();
  /** UTF-8 bytes of each success's request body (records that carry it: inference-perf's request_size_bytes). */
  readonly requestBytes = new F64Buffer();

  add(r: RequestRecord, defs: PerRequestDefinitions): void {
    this.total++;
    if (r.sentAtMs < this.minSentMs) this.minSentMs = r.sentAtMs;
    if (r.endAtMs > this.maxEndMs) this.maxEndMs = r.endAtMs;
    const m = defs.values(r);
    if (!m.ok) {
      if (m.incomplete) this.incomplete++;
      else this.failures++;
      return;
    }
    this.inputTokens += m.inputTokens;
    this.outputTokens += m.outputTokens;
    this.inputLen.push(m.inputTokens);
    this.outputLen.push(m.outputTokens);
    if (r.requestBytes !== undefined) this.requestBytes.push(r.requestBytes);
    if (m.latencyS !== undefined) this.latencyS.push(m.latencyS);
    if (m.ntpotS !== undefined) this.ntpotS.push(m.ntpotS);
    if (m.ttftS !== undefined) this.ttftS.push(m.ttftS);
    if (m.tpotS !== undefined) this.tpotS.push(m.tpotS);
    for (const x of m.itlS) this.itlS.push(x);
  }

  /** The stage's window on the merged base (max end − min send), seconds. */
  windowS(): number {
    return this.total > 0 ? (this.maxEndMs - this.minSentMs) / 1000 : 0;
  }
}

/** One generator's window on the merged base. */
export interface GeneratorWindow {
  requests: number;
  firstSentMs: number;
  lastEndMs: number;
}

/** Every stage and every generator of a merge. */
export class MergeAccumulator {
  readonly stages = new Map<number, StageValues>();
  readonly windows: GeneratorWindow[];

  constructor(generators: number, private readonly defs: PerRequestDefinitions) {
    this.windows = Array.from({ length: generators }, () => ({ requests: 0, firstSentMs: Infinity, lastEndMs: -Infinity }));
  }

  /** `inReport` false: a load request the generator's own report does not count (fmperf after its cutoff): in its window, not in a stage. */
  add(r: RequestRecord, generator: number, inReport = true): void {
    if (isWarmup(r)) return;
    const w = this.windows[generator]!;
    w.requests++;
    if (r.sentAtMs < w.firstSentMs) w.firstSentMs = r.sentAtMs;
    if (r.endAtMs > w.lastEndMs) w.lastEndMs = r.endAtMs;
    if (!inReport) return;
    let s = this.stages.get(r.stage);
    if (!s) this.stages.set(r.stage, (s = new StageValues()));
    s.add(r, this.defs);
  }
}
