/**
 * What starts a simulator (SimSources) and what a started one is (SimService), apart from run.ts
 * so the sharded primary (cluster.ts), which run.ts loads lazily, can name them without a cycle.
 */
export interface SimSources {
  /** Path of a YAML file with llm-d-inference-sim keys. */
  configFile?: string;
  /** A named preset applied under the file (see presets.ts). */
  preset?: string;
  /** Kebab-case overrides (flags, or the embedded API's `config`). */
  overrides?: Record<string, unknown>;
}

/** A running simulator, one process or sharded (`workers` > 1, cluster.ts). */
export interface SimService {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Processes serving (1: this one). */
  readonly workers: number;
  /** Settles when the simulator stopped by itself (a shard died: the rest are stopped); never for a healthy one. */
  readonly failed: Promise<Error>;
  close(): Promise<void>;
}
