/**
 * The result files every harness on our engine writes, and the shape of the seed summary the
 * analysis step makes from them: shared by the harnesses (which write them) and the platform
 * (which reads them), so neither imports the other. Types and constants only.
 */
import type { GoodputBlock } from './slo.ts';

/** File names shared by every harness on our engine. */
export const RECORDS_FILE = 'records.jsonl';
export const HEALTH_FILE = 'loadgen_health.json';

/** mean and p50/p90/p99, in milliseconds. */
export interface Dist {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface ResultSummary {
  name: string;
  complete: boolean;
  requests: { total: number; succeeded: number; failed: number };
  output_tokens_per_s: number;
  input_tokens_per_s: number;
  requests_per_s: number;
  ttft_ms: Dist | null;
  tpot_ms: Dist | null;
  request_latency_ms: Dist | null;
  ntpot_ms: Dist | null;
  itl_ms: Dist | null;
  /** failed / total, 0..1 */
  failure_rate: number;
  failures_by_label: Record<string, number>;
  /** One example error message per failure label (the first seen); absent when nothing failed. */
  failure_examples?: Record<string, string>;
  benchmark_duration_s: number;
  /** records.jsonl lines that were not records (`file:line: ...`), counted, never dropped silently; absent when none. */
  bad_record_lines?: string[];
  /** `-z`: why the result directory counts as incomplete (no completion marker, torn or missing files); absent when none. */
  incomplete_reasons?: string[];
  /** Present when this result took more than one attempt (--retries / --resume): the attempt that counted and where the failed ones are kept. */
  attempt?: { number: number; failed_attempts: string[] };
  /** As the harness wrote it (schedule lag, achieved vs requested, in-flight, event-loop delay...). */
  loadgen_health?: LoadgenHealthFile;
  /** -j N merged summary: the generators' result directories it combines. */
  merged_from?: string[];
  /** Goodput under the SLOs (`--slo` over the profile's own), from the same pass over the records; absent without SLOs. */
  goodput?: GoodputBlock;
  /** -j N merged summary: how the generators' clocks were aligned, their start skew and overlap (analysis/merged/). */
  merge?: MergeBrief;
  /** -f: headline numbers of the scraped server metrics (full summary in <results>/metrics/processed/). */
  monitoring?: MonitoringBrief;
}

/** loadgen_health.json: F1's health numbers plus our verdict. */
export interface LoadgenHealthFile {
  /** True when the client itself limited the load (lag, event-loop delay, in-flight cap). */
  client_bottleneck: boolean;
  /** Whose fault: 'client' (our own work), 'machine' (CPU starved by others), 'client+machine', 'unknown', 'none'. */
  cause?: string;
  /** One sentence saying what happened and whose fault it was (empty when healthy). */
  verdict?: string;
  warnings: string[];
  /** The run's clock anchor (monotonic and epoch ms read together) and its monotonic clock's domain (util/clock.ts clockDomain): -j N merges align on it. */
  clock?: { mono_ms: number; epoch_ms: number; domain: string };
  [k: string]: unknown;
}

/** -f: the scraped server metrics' headline numbers (the analysis step computes them, src/analysis/monitoring.ts). */
export interface MonitoringBrief {
  targets: number;
  snapshots: number;
  /** Mean over the snapshots of a few headline gauges (summed over targets' means), when scraped. */
  kv_cache_usage_pct_mean?: number;
  kv_cache_usage_pct_max?: number;
  running_requests_mean?: number;
  running_requests_max?: number;
  waiting_requests_mean?: number;
  waiting_requests_max?: number;
  warnings: string[];
}

/** -j N: how the generators' records were put on one time base (src/analysis/merged/clock.ts). */
export interface MergeBrief {
  /** `shared-monotonic` (one kernel's CLOCK_MONOTONIC), `wall-clock` (each generator's anchor; NTP-synchronised nodes assumed) or `assumed-shared` (no anchors recorded). */
  clock_alignment: 'shared-monotonic' | 'wall-clock' | 'assumed-shared';
  /** Latest minus earliest first send among the generators, seconds. */
  start_skew_s: number;
  /** Every generator's load window [first send, last end] overlaps every other's. */
  windows_overlap: boolean;
  generators: { name: string; requests: number; first_send_s: number; last_end_s: number }[];
  warnings: string[];
}
