/**
 * The library's options: the run.sh flags under readable names, typed. They become the same
 * LLMDBENCH_* values the CLI's flags set (flag precedence over scenario and environment), so a
 * program and a shell user with the same settings get the same plan. Values are checked where the
 * CLI checks them: by the config layer, whatever their source.
 */
export interface BenchmarkOptions {
  /** -l: inference-perf (default), guidellm, vllm-benchmark, inferencemax, fmperf, nop. */
  harness?: string;
  /** -w: a profile name from the catalog, or a template/profile file path. */
  workload?: string;
  /** -m: model(s). */
  models?: string | readonly string[];
  /** -t: deploy method(s) (standalone, modelservice, or a name pattern). */
  methods?: string | readonly string[];
  /** -p: stack namespace (and harness namespace). */
  namespace?: string;
  /** --endpoint: stack base URL; absent: the embedded simulator. */
  endpoint?: string;
  /** --workdir: absent: a new temporary directory. */
  workDir?: string;
  /** -o: `key=value,...`, or an object whose values are written as YAML scalars / flow (arrays, maps). */
  overrides?: string | Readonly<Record<string, unknown>>;
  /** -e: experiment file (treatments). */
  experiment?: string;
  /** -c: scenario file. */
  scenario?: string;
  /** -x: dataset URL or path. */
  dataset?: string;
  /** -j: harness instances. */
  parallelism?: number;
  /** --retries. */
  retries?: number;
  /** --slo: goodput bounds for the end-of-run analysis, e.g. `ttft=200ms,tpot=50ms`. */
  slo?: string;
  /** --executor: default local unless a namespace or method is named. */
  executor?: 'local' | 'kubernetes';
  /** Any other LLMDBENCH_* value, as a flag would set it. */
  settings?: Readonly<Record<string, string>>;
  /** The environment the settings are resolved in; default: this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Base for relative paths; default process.cwd(). */
  cwd?: string;
}

const list = (v: string | readonly string[]): string => (typeof v === 'string' ? v : v.join(','));

/** A string escapes its commas; arrays and maps are YAML flow (JSON), whose commas the -o splitter keeps inside brackets. */
function overrideValue(v: unknown): string {
  if (typeof v === 'string') return v.replace(/,/g, '\\,');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** `-o` text from the object form (a string is passed as it is). */
export function overridesText(o: BenchmarkOptions['overrides']): string | undefined {
  if (o === undefined) return undefined;
  if (typeof o === 'string') return o;
  return Object.entries(o).map(([k, v]) => `${k}=${overrideValue(v)}`).join(',');
}

/** The LLMDBENCH_* values these options set, as flags would. */
export function optionsToFlags(o: BenchmarkOptions): Record<string, string> {
  const f: Record<string, string> = { ...(o.settings ?? {}) };
  const set = (name: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') f[name] = v;
  };
  set('LLMDBENCH_HARNESS_NAME', o.harness);
  set('LLMDBENCH_HARNESS_EXPERIMENT_PROFILE', o.workload);
  set('LLMDBENCH_DEPLOY_MODEL_LIST', o.models === undefined ? undefined : list(o.models));
  set('LLMDBENCH_DEPLOY_METHODS', o.methods === undefined ? undefined : list(o.methods));
  if (o.namespace) for (const n of ['LLMDBENCH_VLLM_COMMON_NAMESPACE', 'LLMDBENCH_HARNESS_NAMESPACE', 'LLMDBENCH_WVA_NAMESPACE']) set(n, o.namespace);
  set('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL', o.endpoint);
  set('LLMDBENCH_CONTROL_WORK_DIR', o.workDir);
  set('LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES', overridesText(o.overrides));
  set('LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS', o.experiment);
  set('LLMDBENCH_DEPLOY_SCENARIO', o.scenario);
  set('LLMDBENCH_RUN_DATASET_URL', o.dataset);
  set('LLMDBENCH_HARNESS_LOAD_PARALLELISM', o.parallelism === undefined ? undefined : String(o.parallelism));
  set('LLMDBENCH_HARNESS_RETRIES', o.retries === undefined ? undefined : String(o.retries));
  set('LLMDBENCH_HARNESS_SLO', o.slo);
  set('LLMDBENCH_CONTROL_EXECUTOR', o.executor);
  return f;
}
