/** Names and axis titles (with units) of the latency metrics, shared by the plots. */
import type { LatencyMetric } from './collect.ts';

export const METRIC_LABEL: Record<LatencyMetric, { short: string; axis: string; count: string }> = {
  ttft: { short: 'TTFT', axis: 'time to first token (ms)', count: 'requests' },
  itl: { short: 'ITL', axis: 'inter-token latency (ms)', count: 'token gaps' },
  tpot: { short: 'TPOT', axis: 'time per output token (ms)', count: 'requests' },
  e2e: { short: 'E2E latency', axis: 'request latency, end to end (ms)', count: 'requests' },
};

/** Panel size that stays legible when a 2×2 grid is pasted on a 16:9 slide. */
export const PANEL = { width: 520, height: 260 };
export const WIDE = { width: 1080, height: 300 };
