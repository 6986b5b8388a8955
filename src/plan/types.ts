import type { EffectiveConfig } from '../config/types.ts';
import type { HarnessKind, ProfileIssue } from '../harness/types.ts';
import type { OverrideChange } from '../profiles/overrides/index.ts';

/**
 * What `llmdbench run` will do, computed before anything is contacted:
 * methods × models × treatments, each with its rendered profile and result
 * directories. `run --dry-run` prints it; the executors carry it out.
 */
export interface RunUnit {
  /** Deploy method (`-t`), e.g. `modelservice`, `standalone`, or a service/pod name pattern. */
  method: string;
  /** Model as given (`-m`), e.g. `meta-llama/Llama-3.2-1B-Instruct`. */
  model: string;
  harness: HarnessKind;
  /** Treatment name (`run_1_10`, or a named treatment), undefined without `-e`. */
  treatment?: string;
  /** `<epoch>` or `<epoch>-<treatment>` as upstream. */
  experimentId: string;
  /** e.g. `llm-d-1b-instruct` (upstream's model_attribute rules). */
  stackName: string;
  /** File name of the rendered profile, e.g. `sanity_random.yaml` or `sanity_random_treatment_run_1_10.yaml`. */
  profileName: string;
  /** Rendered profile (after REPLACE_ENV, overrides and treatment). */
  profileText: string;
  /** Parsed rendered profile. */
  profile: unknown;
  /** Validation warnings (errors abort planning). */
  issues: ProfileIssue[];
  /** `$WORK/workload/profiles/<harness>/<profileName>` */
  renderedPath: string;
  /** `$WORK/results/<harness>_<eid>_<stack>_<i>` for i = 1..parallelism */
  resultsDirs: string[];
  /** `$WORK/analysis/<harness>_<eid>_<stack>_<i>` */
  analysisDirs: string[];
  /** Config for this unit (LLMDBENCH_DEPLOY_CURRENT_MODEL etc. set for its model). */
  config: EffectiveConfig;
  /** Template the profile was rendered from. */
  templatePath?: string;
  /** Places changed by the treatment's assignments and by `-o` (in the order applied). */
  changes?: OverrideChange[];
}

export interface RunPlan {
  /** LLMDBENCH_CONTROL_WORK_DIR */
  workDir: string;
  /** Endpoint URL, or undefined when the embedded simulator will be started. */
  endpointUrl: string | undefined;
  units: RunUnit[];
  /** Notes for the user (e.g. setup treatments not applicable to run). */
  notes: string[];
  /** Warnings for the user (experiment file problems that do not stop a run, name collisions). */
  warnings?: string[];
  /** The experiment file (`-e`) used, copied to `$WORK/workload/experiments/` by writePlan. */
  experimentFile?: string;
  /** The override spec (`-o` / LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES) and where it came from. */
  overrides?: { spec: string; source: string };
}
