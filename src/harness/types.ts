import type { EffectiveConfig } from '../config/types.ts';
import type { Logger } from '../util/logger.ts';
import type { ServerLogReader } from './server-log.ts';

/** The harnesses we accept profiles for (directory names under workload/profiles/). */
export type HarnessKind = 'inference-perf' | 'guidellm' | 'vllm-benchmark' | 'inferencemax' | 'fmperf' | 'nop';

/** One problem found in a profile. `path` is the key path inside the YAML document. */
export interface ProfileIssue {
  severity: 'error' | 'warning';
  path: (string | number)[];
  message: string;
  hint?: string;
}

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
export type HarnessPreflightContext = Pick<HarnessRunContext, 'profile' | 'profileName' | 'config' | 'log'>;

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
}

/**
 * A harness plugin: the profile format it accepts (validation) and how it
 * drives the shared load engine (run). Registered in src/harness/registry.ts.
 */
export interface HarnessPlugin {
  readonly kind: HarnessKind;
  /** One line for `llmdbench profiles`. */
  readonly description: string;
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
  /** Execute a rendered profile against an endpoint. Absent until the harness is implemented. */
  run?(ctx: HarnessRunContext): Promise<HarnessRunOutcome>;
}
