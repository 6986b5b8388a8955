import type { LlmdbenchError } from '../util/errors.ts';
import type { EffectiveConfig } from '../config/types.ts';
import type { RuntimeEnv } from '../config/runtime-env.ts';
import type { LoadResult, RunLoadOptions } from '../engine/loadgen/types.ts';
import type { RequestRecord, StagePlan } from '../engine/types.ts';
import type { MetricDefinitionSet } from '../metrics/definition-set.ts';
import type { LoadgenHealthFile } from '../metrics/seed-summary.ts';
import type { Logger } from '../util/logger.ts';
import type { ServerLogReader } from './server-log.ts';

/** One stage as planned: how many requests, at what rate (req/s; undefined for a closed loop). */
export interface PlannedStageLoad {
  requests: number;
  ratePerS?: number;
  /** Where it comes from, e.g. `load.stages[0]`. */
  keyPath: string;
}

/** The harnesses we accept profiles for (directory names under workload/profiles/). */
export type HarnessKind = 'inference-perf' | 'guidellm' | 'vllm-benchmark' | 'inferencemax' | 'fmperf' | 'nop';

/** One problem found in a profile (defined in util/ so the engine can report them too). */
export type { ProfileIssue } from '../util/issues.ts';
import type { ProfileIssue } from '../util/issues.ts';

export interface HarnessRunContext {
  /** The rendered profile, parsed. */
  profile: unknown;
  /** The rendered profile text, as written to the work directory. */
  profileText: string;
  /** e.g. `sanity_random.yaml` */
  profileName: string;
  /** Base URL, no path (as upstream's LLMDBENCH_HARNESS_STACK_ENDPOINT_URL). */
  endpointUrl: string;
  model: string;
  /** Where this harness writes its native result files. */
  resultsDir: string;
  config: EffectiveConfig;
  /** The few non-LLMDBENCH_* environment values a harness may need (HF token, offline), read once in src/config. */
  env: RuntimeEnv;
  signal: AbortSignal;
  /**
   * Aborted on a second Ctrl-C / SIGTERM: cut the grace period short and cancel in-flight
   * requests now (recorded as aborted). Optional.
   */
  cancel?: AbortSignal;
  log: Logger;
  /**
   * The serving engine's log when the platform has it, for harnesses with `wantsServerLog`:
   * the embedded simulator's start-up log (local), the vLLM pod's log (Kubernetes). Optional.
   */
  serverLog?: ServerLogReader;
  /** Live progress (optional): called every ~250 ms and at stage boundaries. */
  progress?: (p: HarnessProgress) => void;
}

/** What a harness's preflight check sees: the rendered profile and the settings, no endpoint yet. */
export type HarnessPreflightContext = Pick<HarnessRunContext, 'profile' | 'profileName' | 'config' | 'log'> & {
  /** The platform will hand the serving engine's log as `serverLog` (Kubernetes: the vLLM pod's, read in the launcher pod). */
  serverLogSupplied?: boolean;
};

/** One stage of a harness's load, as the engine runs it and the progress display counts it. */
export interface HarnessStage {
  plan: StagePlan;
  /** Requests planned in the stage, when known (progress display; closed loop: the request count). */
  planned?: number;
  requestedRate?: number;
  concurrency?: number;
}

/**
 * The engine options a harness's mapping chooses. The shared glue (src/harness/common/) owns the
 * rest: stages, signals, grace period, records file, progress and stage hooks.
 */
export type HarnessEngineOptions = Omit<
  RunLoadOptions,
  'stages' | 'signal' | 'cancelSignal' | 'graceMs' | 'recordsPath' | 'onRecord' | 'onStageStart' | 'onStageEnd' | 'onProgress' | 'progressIntervalMs'
>;

/**
 * What a harness's `prepare` returns for one result directory: its mapping onto the engine and
 * its native-output writer. Everything harness-neutral (records.jsonl, progress, grace period,
 * loadgen_health.json, run_metadata.yaml, the profile copy, analysis, the completion marker) is
 * done by the shared glue around it.
 */
export interface HarnessLoad {
  /** Empty for a harness that sends no load (nop): runHarness then skips the engine, records.jsonl and loadgen_health.json. */
  stages: HarnessStage[];
  /** Required when `stages` is not empty. */
  engine?: HarnessEngineOptions;
  /** Files the harness already wrote into resultsDir (e.g. its effective config), relative names. */
  files?: string[];
  /** Every finished record, in completion order (after the shared progress counting). */
  onRecord?(rec: RequestRecord): void;
  /** A stage started / ended (e.g. inference-perf's `Stage N - run started` lines). */
  onStageStart?(stage: number): void;
  onStageEnd?(stage: number, aborted: boolean): void;
  /**
   * Write the harness's native result files after the load (also after an interruption, with
   * what finished). Returns the files written, relative to resultsDir.
   */
  writeOutputs(result: LoadResult): Promise<string[]> | string[];
  /** loadgen_health.json contents; default: src/harness/common/health.ts defaultHealth(result). */
  health?(result: LoadResult): LoadgenHealthFile;
  /** Release timers and files; always called, after the load (even when it threw). */
  close?(): Promise<void> | void;
}

/** A live snapshot of a running harness, for the progress display. */
export interface HarnessProgress {
  /** 0-based stage index and the number of stages. */
  stage: number;
  stages: number;
  sent: number;
  completed: number;
  failed: number;
  inFlight: number;
  /** Requests planned in this stage, when known. */
  planned?: number;
  /** Requested rate (req/s) of this stage, or undefined for closed loop. */
  requestedRate?: number;
  /** Sends per second since the stage started. */
  achievedRate: number;
  /** Median TTFT of this stage's completed requests so far (ms). */
  ttftP50Ms?: number;
  /** Seconds since the stage started. */
  elapsedS: number;
}

export interface HarnessRunOutcome {
  /** False when interrupted or when the harness could not complete. */
  complete: boolean;
  /** Files written, relative to resultsDir. */
  files: string[];
  /** A result file could not be written (E_WRITE: path and cause); what fitted was written. */
  writeError?: LlmdbenchError;
}

/**
 * A harness plugin: the profile format it accepts (validation) and how it
 * drives the shared load engine (run). Registered in src/harness/registry.ts as a descriptor
 * (kind, description, `load()` importing this object): it loads when a command uses it.
 */
export interface HarnessPlugin {
  readonly kind: HarnessKind;
  /** Validate a parsed profile; report every problem at once. Unknown keys are warnings. */
  validate(doc: unknown): ProfileIssue[];
  /**
   * Which variant of the native format `doc` is written in, for harnesses that
   * accept several (guidellm: "v0.7 scenario" or "legacy flat"). Optional.
   */
  dialect?(doc: unknown): string | undefined;
  /**
   * Checks that need no network and no target, run by the executor for every unit before
   * anything starts (before the embedded simulator): e.g. a data source that would need
   * the network, an unsupported load type. Throws an LlmdbenchError. Optional.
   */
  preflight?(ctx: HarnessPreflightContext): void;
  /**
   * The harness reads the serving engine's log (nop): the local platform then has the embedded
   * simulator write a vLLM-style start-up log and passes a reader of it as `serverLog`. Optional.
   */
  readonly wantsServerLog?: boolean;
  /**
   * The mapping onto the engine for one result directory: open the data source, tokenizer and
   * model, plan the stages, and return the load job with its native-output writer (see
   * HarnessLoad). Absent until the harness can run. The shared glue (runHarness in
   * src/harness/common/run-harness.ts) runs it.
   */
  prepare?(ctx: HarnessRunContext): Promise<HarnessLoad>;
  /**
   * What the profile plans, per stage, read from the validated document without planning
   * anything (cheap): the plan-time ceiling (src/plan/ceiling.ts) refuses a plan too big to
   * hold or a rate the host cannot open connections for, `-n` included. Optional.
   */
  plannedLoad?(doc: unknown): PlannedStageLoad[];
  /** The harness's metric-definition set for the summary; default inference-perf's (seedMetrics). */
  readonly definitions?: MetricDefinitionSet;
}
