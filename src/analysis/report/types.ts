/**
 * The common shape every harness converter produces (one `CommonReport` per
 * inference-perf stage, GuideLLM benchmark, fmperf CSV, ...) and the run-level
 * context from run_metadata.yaml and the configuration. The version writers
 * (v0.1, v0.2, v0.2.1) turn these into llm-d benchmark reports; plots, the HTML
 * report and `compare` read the same objects, so no consumer re-parses native files.
 */
import type { GoodputBlock } from '../../metrics/slo.ts';

/** llm-d benchmark report `Statistics` (units required; percentiles p0p1 … p99p9). */
export interface Stats {
  units: string;
  mean: number;
  mode?: number | null;
  stddev?: number | null;
  min?: number | null;
  p0p1?: number | null;
  p1?: number | null;
  p5?: number | null;
  p10?: number | null;
  p25?: number | null;
  p50?: number | null;
  p75?: number | null;
  p90?: number | null;
  p95?: number | null;
  p99?: number | null;
  p99p9?: number | null;
  max?: number | null;
}

export type ReportVersion = '0.1' | '0.2' | '0.2.1';
export const REPORT_VERSIONS: readonly ReportVersion[] = ['0.1', '0.2', '0.2.1'];

export interface SequenceLength {
  distribution: 'fixed' | 'gaussian' | 'uniform' | 'other';
  value: number;
  std_dev?: number | null;
  min?: number | null;
  max?: number | null;
}

/** Standardized load description (v0.2 `scenario.load.standardized`, without tool/version). */
export interface LoadStandard {
  stage: number;
  source: 'random' | 'sampled' | 'unknown';
  inputSeqLen: SequenceLength;
  outputSeqLen?: SequenceLength | null;
  prefix?: Record<string, unknown> | null;
  multiTurn?: Record<string, unknown> | null;
  rateQps?: number | null;
  concurrency?: number | null;
}

export interface LatencyStats {
  ttft?: Stats;
  ntpot?: Stats;
  tpot?: Stats;
  itl?: Stats;
  requestLatency?: Stats;
}

export interface ThroughputStats {
  inputTokenRate?: Stats;
  outputTokenRate?: Stats;
  totalTokenRate?: Stats;
  requestRate?: Stats;
}

export interface RequestStats {
  total: number;
  failures?: number | null;
  incomplete?: number | null;
  inputLength?: Stats;
  outputLength?: Stats;
  /** v0.2.1 only. */
  requestSize?: Stats;
  /** v0.2.1 only: {image|video|audio: {count, pixels, filesize, ...}}. */
  multimodal?: Record<string, Record<string, Stats>>;
}

/** What one converter read from one native result (one stage / benchmark). */
export interface CommonReport {
  /** Workload generator kind (upstream's WorkloadGenerator value). */
  harness: string;
  /** The native file this came from (base name), for the report's file name. */
  nativeFile: string;
  /** Index within a file holding several benchmarks (GuideLLM); undefined for one-per-file. */
  index?: number;
  model?: string;
  /** Run time read from the native file (ISO 8601), overriding run_metadata's. */
  time?: { start?: string; end?: string; duration?: string };
  /** v0.1 `metrics.time` (seconds, epoch seconds). */
  v01Time: { duration: number; start?: number | null; stop?: number | null };
  load: LoadStandard;
  /** v0.1 `scenario.load.args` / `metadata`. */
  v01LoadArgs?: Record<string, unknown> | null;
  v01LoadMetadata?: Record<string, unknown> | null;
  /**
   * v0.2 `scenario.load.native`: config (upstream: the rendered profile, else what the
   * native file carries) and args. `cfgIdOf` says what upstream hashes for cfg_id.
   */
  native: { config?: unknown; args?: Record<string, unknown> | null };
  cfgIdOf: 'config' | 'native';
  /** v0.1 only: upstream fills no request statistics for all-failed inference-perf stages. */
  allFailed?: boolean;
  requests: RequestStats;
  latency: LatencyStats;
  throughput: ThroughputStats;
  /** v0.2 `results.session_performance.sessions`. */
  sessions?: Record<string, unknown>;
  /** Extra v0.1 top-level pieces (nop: host, platform, metadata). */
  v01Extra?: { scenario?: Record<string, unknown>; metrics?: Record<string, unknown> };
  /** v0.1 request counts when upstream's v0.1 mapping differs (vllm bench: total = completed). */
  v01Requests?: RequestStats;
  /** v0.1 TTFT units when the harness has none (placeholder mean 0). */
  v01LatencyUnits?: string;
  /** v0.1 writes input_tokens_per_sec (upstream: fmperf's historical converter does not either). */
  v01InputTokensPerSec?: boolean;
  /** v0.2.1 `throughput.{image,video,audio}_rate`. */
  mediaRates?: Record<string, Stats>;
  /** v0.2 is not defined for this harness upstream (nop). */
  v01Only?: boolean;
  /** v0.1 has no WorkloadGenerator value for this harness (fmperf): v0.2 / v0.2.1 only. */
  v02Only?: boolean;
  /** v0.2 `scenario.load.metadata.description` (-j N merged reports: what was merged, clock skew). */
  loadDescription?: string;
  /** Goodput of this stage under the run's SLOs (goodput-report.ts withGoodput): v0.2 `results.observability.goodput`, v0.1 `metrics.metadata.goodput`. */
  goodput?: GoodputBlock;
}

/** Run-level facts, from run_metadata.yaml and the configuration (all optional). */
export interface RunContext {
  uid?: string;
  /** Experiment id as written (run_metadata `experiment_id`); the report holds uuid5(URL, it). */
  experimentId?: string;
  pid?: string;
  namespace?: string;
  start?: string;
  end?: string;
  duration?: string;
  harnessVersion?: string;
  /** Harness command-line arguments (`--a=b --c d --e`). */
  harnessArgs?: string;
  parallelism?: number;
  /** The rendered workload profile (upstream: LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME). */
  config?: unknown;
  model?: string;
  description?: string;
  keywords?: string[];
  /** v0.2 `results.observability` from the monitoring snapshots (-f), analysis/monitoring.ts observabilityOf. */
  observability?: Record<string, unknown>;
}

/** One native result file of a harness, as found in a results directory. */
export interface NativeSource {
  file: string;
  /** Session lifecycle file (inference-perf multi-turn). */
  session?: boolean;
  /** Stage index when the harness writes one file per stage (fmperf: one CSV per rate). */
  stage?: number;
}

/**
 * A harness's converter: finds its native files in a directory and reads one
 * file into CommonReports. Registered in converters/registry.ts by `kind`.
 */
export interface Converter {
  readonly kind: string;
  /** Upstream's names for this kind (`-w` values): e.g. inferencemax reads like vllm-benchmark. */
  readonly aliases?: readonly string[];
  /** The native files of this harness in `dir` (empty: not this harness's directory). */
  find(dir: string): NativeSource[];
  /** True when `file` looks like this harness's native file (for `report convert` without -w). */
  claims(file: string): boolean;
  convert(src: NativeSource, ctx: RunContext): CommonReport[];
}
