import type { RunPlan, RunUnit } from '../plan/types.ts';
import type { Logger } from '../util/logger.ts';
import type { HarnessProgress } from '../harness/types.ts';
import type { ResultSummary } from './local/analysis.ts';

/** What happened to one result directory (one unit × parallelism index). */
export interface UnitOutcome {
  unit: RunUnit;
  resultsDir: string;
  analysisDir: string;
  /** False when interrupted or when the harness could not finish. */
  complete: boolean;
  /** Harness return code as written to run_metadata.yaml (0 = ran to the end). */
  rc: number;
  /** The ten-metric summary, undefined when the harness produced no records. */
  summary?: ResultSummary;
  error?: string;
}

export interface ExecuteOptions {
  log: Logger;
  /** Aborted by Ctrl-C / SIGTERM (the CLI owns the signal handlers). */
  signal: AbortSignal;
  /** Aborted by a second Ctrl-C / SIGTERM: cancel in-flight requests now. */
  cancel?: AbortSignal;
  /** Live progress sink; absent with --quiet / --json. `label` names the unit running. */
  progress?: (label: string, p: HarnessProgress) => void;
  /** Argument string recorded in run_metadata.yaml as harness_args. */
  args: string;
  version: string;
  /**
   * Re-plan with the real endpoint once the embedded simulator is up (profiles were
   * rendered with a placeholder URL). Absent: the plan's units are used as they are.
   */
  replan?: (endpointUrl: string) => RunPlan;
}

export interface RunOutcome {
  workDir: string;
  endpointUrl: string;
  units: UnitOutcome[];
  /** True when a signal stopped the run. */
  interrupted: boolean;
}

/** Where a run executes (local process, Kubernetes pods). Registered in src/platform/registry.ts. */
export interface Platform {
  readonly kind: 'local' | 'kubernetes';
  execute(plan: RunPlan, opts: ExecuteOptions): Promise<RunOutcome>;
}
