import type { Override } from '../profiles/overrides/index.ts';

/** One run treatment: a name and the assignments applied to the rendered profile. */
export interface RunTreatment {
  /** Sanitised name used in file names and experiment ids, e.g. `run_1_10`, `conc8`, `qlen100_olen100`. */
  name: string;
  /** As written in the file: the list item text (`"1,10"`) or the map key / `name:` value. */
  label: string;
  /** HEAD only: a different workload profile for this treatment (`profile:`). */
  profile?: string;
  /** Constants first, then the treatment's own values (a later assignment wins). */
  assignments: Override[];
  /** 1-based line of the treatment in the experiment file. */
  line?: number;
}

/** A setup (standup) treatment: parsed and reported only, standup is out of scope. */
export interface SetupTreatment {
  name: string;
  assignments: { key: string; value: unknown }[];
  line?: number;
}

export type ExperimentFormat = 'shell' | 'head';

export interface Experiment {
  /** Path of the file read. */
  file: string;
  format: ExperimentFormat;
  /** The file's text (copied to `$WORK/workload/experiments/`). */
  text: string;
  run: RunTreatment[];
  setup: SetupTreatment[];
  /** Problems that do not stop a run (unknown keys, unsupported options), with file:line. */
  warnings: string[];
  /** Information for the user (setup treatments not applicable to run, NA values skipped...). */
  notes: string[];
}
