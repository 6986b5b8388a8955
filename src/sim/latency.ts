/**
 * The latency model of llm-d-inference-sim (spec A.5): load factor L(r),
 * clamped Gaussian, constant / per-token / legacy TTFT calculators, ITL.
 * Deliberate difference: means and samples are NOT truncated to whole ms
 * unless `whole-ms-delays` is set (upstream parity switch).
 */
import type { SimConfig } from './config.ts';
import type { Rng } from './rng.ts';

/** L(r) = 1 + (F − 1)·(r − 1)/(S − 1); 1 when S ≤ 1. r = requests holding a slot. */
export function loadFactor(c: SimConfig, running: number): number {
  if (c.maxNumSeqs <= 1) return 1;
  const r = Math.min(Math.max(running, 1), c.maxNumSeqs);
  return 1 + ((c.timeFactorUnderLoad - 1) * (r - 1)) / (c.maxNumSeqs - 1);
}

/** Norm(μ, σ): exactly μ when σ = 0, else a Gaussian sample clamped to [0.3μ, 1.7μ]. */
export function norm(rng: Rng, mean: number, sd: number, wholeMs: boolean): number {
  if (wholeMs) {
    mean = Math.trunc(mean);
    sd = Math.trunc(sd);
  }
  if (sd <= 0 || mean <= 0) return Math.max(mean, 0);
  let v = mean + sd * rng.gauss();
  v = Math.min(Math.max(v, 0.3 * mean), 1.7 * mean);
  return wholeMs ? Math.trunc(v) : v;
}

export interface TtftInput {
  promptTokens: number;
  cachedTokens: number;
  /** kv_transfer_params.do_remote_prefill (P/D decode side). */
  remotePrefill: boolean;
  running: number;
}

/** Whether ttftMs() reads the prompt's token count (the per-token calculators). */
export function ttftUsesPromptTokens(c: SimConfig, remotePrefill: boolean): boolean {
  if (remotePrefill) return c.latencyCalculator === 'per-token' || (c.latencyCalculator === '' && c.kvTransferLatencyMs === 0 && c.kvTransferLatencyStdDevMs === 0);
  return c.latencyCalculator === 'per-token' || (c.latencyCalculator === '' && c.ttftMs === 0 && c.ttftStdDevMs === 0);
}

/** Simulated time to first token, ms (excludes queueing). */
export function ttftMs(c: SimConfig, rng: Rng, x: TtftInput): number {
  const L = loadFactor(c, x.running);
  const w = c.wholeMsDelays;
  if (x.remotePrefill) {
    const perToken = c.latencyCalculator === 'per-token' || (c.latencyCalculator === '' && c.kvTransferLatencyMs === 0 && c.kvTransferLatencyStdDevMs === 0);
    return perToken
      ? norm(rng, x.promptTokens * c.kvTransferTimePerTokenMs, c.kvTransferTimeStdDevMs, w)
      : norm(rng, c.kvTransferLatencyMs, c.kvTransferLatencyStdDevMs, w);
  }
  const perToken = c.latencyCalculator === 'per-token' || (c.latencyCalculator === '' && c.ttftMs === 0 && c.ttftStdDevMs === 0);
  if (perToken) {
    const uncached = Math.max(x.promptTokens - x.cachedTokens, 0);
    return norm(rng, c.prefillOverheadMs * L + uncached * c.prefillTimePerTokenMs * L, c.prefillTimeStdDevMs, w);
  }
  return norm(rng, c.ttftMs * L, c.ttftStdDevMs, w);
}

/** Delay before a token after the first, ms; r is re-read before every token. */
export function itlMs(c: SimConfig, rng: Rng, running: number): number {
  return norm(rng, c.itlMs * loadFactor(c, running), c.itlStdDevMs, c.wholeMsDelays);
}
