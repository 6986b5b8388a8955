/** The override contract shared by parse, match and apply. */
import type { Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';

/** One assignment: from `-o`, the overrides variable, or an experiment treatment. */
export interface Override {
  /** The key as written, e.g. `min`, `load.stages[0].rate`, `+load.num_workers`. */
  key: string;
  /** Path segments (numbers come from `[i]`); a single string segment without dots is a bare leaf. */
  segments: (string | number)[];
  /** True for a bare leaf name (matches at any depth). */
  bare: boolean;
  /** True when the key started with `+`: create the leaf if it is missing. */
  add: boolean;
  /** Typed value. Scalars from `-o`; experiment files may also give lists/maps. */
  value: unknown;
  /** Text to write for a scalar when it round-trips (keeps `0.10`, quotes as given). */
  text?: string;
  /** Where it came from: `-o`, `LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES`, `experiment x.yaml, treatment t`. */
  source: string;
}

export interface OverrideChange {
  key: string;
  source: string;
  /** Every place changed, e.g. `data.input_distribution.min`. */
  paths: string[];
  /** True when the key did not exist and was added (`+path`, or a HEAD experiment path). */
  added?: boolean;
}

/** A path inside a document: map keys and list indices. */
export type Path = (string | number)[];
type Parent = YAMLMap | YAMLSeq;

/** One place an override lands: an existing node (possibly null value) or a missing leaf to add. */
export interface Target {
  path: Path;
  parent: Parent;
  /** Map pair or sequence index holding the node. */
  pair?: Pair;
  index?: number;
  /** Existing value node (undefined when the leaf is to be added). */
  node: YamlNode | null | undefined;
  keyName: string | number;
}
