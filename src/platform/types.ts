import type { ResultSummary } from '../metrics/seed-summary.ts';
import type { EffectiveConfig } from '../config/types.ts';
import type { RunPlan } from '../plan/types.ts';
import type { AttemptOptions } from '../run/attempts.ts';
import type { UnitOutcome } from '../run/unit.ts';
import type { Logger } from '../util/logger.ts';

export type { UnitOutcome } from '../run/unit.ts';

/** What a platform's execute is given besides the plan (signals, progress, our command line, env, retries, resume). */
export type ExecuteOptions = AttemptOptions;

export interface RunOutcome {
  workDir: string;
  endpointUrl: string;
  units: UnitOutcome[];
  /** `-j N`: one merged summary per unit run by more than one load generator (run/merged.ts). */
  merged?: ResultSummary[];
  /** True when a signal stopped the run. */
  interrupted: boolean;
}

/**
 * Where a run executes (this process, Kubernetes pods). Registered in src/platform/registry.ts
 * as a descriptor (kind, description, `load()` importing this object); chosen and loaded by
 * selectPlatform (src/platform/select.ts) from the config; the CLI names none.
 */
export interface Platform {
  readonly kind: 'local' | 'kubernetes';
  /**
   * Everything that can be found wrong before anything starts (no network, nothing written):
   * runnable harnesses, harness preflight, platform settings (and whether it can `--resume`). Throws an LlmdbenchError.
   */
  check(plan: RunPlan, config: EffectiveConfig, log: Logger, opts?: { resume?: boolean }): void;
  /**
   * Carry out the plan (built once, endpoint bound per target with plan/bind.ts bindEndpoint):
   * write the work directory, run every unit × parallel index (src/run/unit.ts runUnit where
   * the harness runs in this process), return every outcome. A signal stops after what runs
   * has written what finished.
   */
  execute(plan: RunPlan, opts: ExecuteOptions): Promise<RunOutcome>;
  /** True when the cluster flags (-k -s -q -d -g -f -r -u) mean something here (else run warns they are ignored). */
  readonly clusterFlags?: boolean;
  /** `run -n`: what this platform would create, printed after the plan (nothing contacted). Optional. */
  dryRun?(plan: RunPlan): string;
  /**
   * `run -z`: fetch results this platform already produced elsewhere (e.g. on a PVC) into the
   * work directory, before the re-analysis. Optional: without it -z analyses what is local.
   */
  collectOnly?(plan: RunPlan, opts: ExecuteOptions): Promise<RunOutcome>;
}
