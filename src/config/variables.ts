import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The catalog of every LLMDBENCH_* variable the run phase uses, with upstream's
 * defaults (llm-d-benchmark `setup/env.sh` at the last shell commit), except the
 * default model, which is `meta-llama/Llama-3.2-1B-Instruct`.
 *
 * A variable's value comes from a `default` (static, or computed from the
 * run's context: package root, cwd, time) or, when it depends on other
 * variables, from `derive`, which runs after every layer is applied (so `-p A`
 * also moves `LLMDBENCH_WVA_NAMESPACE`). Catalog order is the order used by
 * `llmdbench config` and the order in which `derive` runs: a derived variable
 * is listed after what it reads.
 */

/** What the run phase checks about a value (whatever its source). */
export type ValueCheck = 'positive-int' | 'non-negative-int' | 'flag01' | 'bool' | 'http-base-url' | 'path-name' | 'model-list' | 'sim-preset' | 'slo';

export interface DefaultContext {
  /** The llmdbench package root (holds `workload/`, maybe `scenarios/`). */
  packageRoot: string;
  cwd: string;
  /** Epoch seconds at resolve time. */
  nowS: number;
}

export interface VariableSpec {
  name: string;
  /** Built-in default (source `default`). Absent: no default (empty). */
  default?: string | ((ctx: DefaultContext) => string);
  /** Computed from other final values when no flag/scenario/env set it (source `derived`). */
  derive?: (get: (name: string) => string | undefined, ctx: DefaultContext) => string;
  description: string;
  /** How the default reads in docs and help when it is computed (`default` function or `derive`). */
  defaultDoc?: string;
  /** Never printed or written in clear. */
  secret?: boolean;
  /** The run.sh flag that sets it, for help and docs. */
  flag?: string;
  check?: ValueCheck;
}

/** The llmdbench package root (two levels above this file). */
export const packageRoot: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** `<dir>/scenarios` under cwd, then under the package root, those that exist, joined with `:`. */
export function defaultScenariosPath(ctx: DefaultContext): string {
  const dirs = [join(ctx.cwd, 'scenarios'), join(ctx.packageRoot, 'scenarios')];
  return [...new Set(dirs)].filter((d) => existsSync(d) && statSync(d).isDirectory()).join(':');
}

function harnessDirs(dir: string | undefined): string {
  if (!dir || !existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort()
    .join(' ');
}

const v = (spec: VariableSpec): VariableSpec => spec;

export const VARIABLES: readonly VariableSpec[] = [
  // --- what to run against ---------------------------------------------------
  v({ name: 'LLMDBENCH_DEPLOY_SCENARIO', flag: '-c/--scenario', description: 'Scenario file (bash export lines) sourced before flags apply; empty means none' }),
  v({ name: 'LLMDBENCH_SCENARIOS_DIR', defaultDoc: './scenarios, then <package>/scenarios (those that exist)', default: defaultScenariosPath, description: 'Where scenario names are looked up (`:`-separated); default ./scenarios, then <package>/scenarios' }),
  v({ name: 'LLMDBENCH_DEPLOY_MODEL_LIST', default: 'meta-llama/Llama-3.2-1B-Instruct', flag: '-m/--models', check: 'model-list', description: 'Comma-separated models; the run loops over them' }),
  v({ name: 'LLMDBENCH_DEPLOY_METHODS', default: 'modelservice', flag: '-t/--methods', description: 'Comma-separated methods: standalone, modelservice, or a service/pod name pattern' }),
  v({ name: 'LLMDBENCH_CONTROL_ENVIRONMENT_TYPE_STANDALONE_ACTIVE', defaultDoc: 'from LLMDBENCH_DEPLOY_METHODS', derive: (g) => (methodList(g('LLMDBENCH_DEPLOY_METHODS')).includes('standalone') ? '1' : '0'), description: '1 when the methods include standalone' }),
  v({ name: 'LLMDBENCH_CONTROL_ENVIRONMENT_TYPE_MODELSERVICE_ACTIVE', defaultDoc: 'from LLMDBENCH_DEPLOY_METHODS', derive: (g) => (methodList(g('LLMDBENCH_DEPLOY_METHODS')).includes('modelservice') ? '1' : '0'), description: '1 when the methods include modelservice' }),
  v({ name: 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL', flag: '--endpoint', check: 'http-base-url', description: 'Base URL of the stack (scheme://host:port, no path); empty means start the embedded simulator' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_NAMESPACE', default: 'llmdbench', flag: '-p/--namespace (A)', description: 'Namespace where the stack runs' }),
  v({ name: 'LLMDBENCH_HARNESS_NAMESPACE', default: 'llmdbench', flag: '-p/--namespace (B)', description: 'Namespace where the harness pods run' }),
  v({ name: 'LLMDBENCH_WVA_NAMESPACE', defaultDoc: '$LLMDBENCH_VLLM_COMMON_NAMESPACE', derive: (g) => g('LLMDBENCH_VLLM_COMMON_NAMESPACE') ?? '', flag: '-p/--namespace (C)', description: 'Namespace of the workload variant autoscaler; default: the stack namespace' }),
  v({ name: 'LLMDBENCH_WVA_ENABLED', default: '0', flag: '-u/--wva', check: 'flag01', description: 'Workload variant autoscaler enabled (1) or not (0)' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT', default: 'default', flag: '-q/--serviceaccount', description: 'Service account of the harness launcher pods' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN', description: 'Maximum context length (tokens) the stack serves, as scenarios set it; gives LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_FQDN', default: '.svc.cluster.local', description: 'Cluster DNS suffix appended to service hosts' }),
  // --- harness and workload -----------------------------------------------------
  v({ name: 'LLMDBENCH_HARNESS_NAME', default: 'inference-perf', flag: '-l/--harness', description: 'Harness: inference-perf, guidellm, vllm-benchmark, inferencemax, fmperf, nop' }),
  v({ name: 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE', default: 'sanity_random.yaml', flag: '-w/--workload', description: 'Workload profile name (`.yaml` optional) under the harness profile folder' }),
  v({ name: 'LLMDBENCH_HARNESS_PROFILES_DIR', defaultDoc: '<package>/workload/profiles', default: (c) => join(c.packageRoot, 'workload', 'profiles'), description: 'Folder of workload profile templates, one subfolder per harness' }),
  v({ name: 'LLMDBENCH_HARNESS_PROFILE_HARNESS_LIST', defaultDoc: 'folders under the profiles folder', derive: (g) => harnessDirs(g('LLMDBENCH_HARNESS_PROFILES_DIR')), description: 'Harness folders found under the profiles folder (space-separated)' }),
  v({ name: 'LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS', flag: '-e/--experiment', description: 'Experiment file with run treatments (one rendered profile per treatment)' }),
  v({ name: 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES', flag: '-o/--overrides', description: 'Profile overrides, `key=value,key2=value2`' }),
  v({ name: 'LLMDBENCH_HARNESS_OUTPUT', default: 'local', flag: '-r/--output', description: 'Where results go: local, gs://bucket or s3://bucket' }),
  v({ name: 'LLMDBENCH_HARNESS_SKIP_RUN', default: '0', flag: '-z/--skip', check: 'flag01', description: 'Skip the load generation (1); only analysis of existing results runs' }),
  v({ name: 'LLMDBENCH_HARNESS_DEBUG', default: '0', flag: '-d/--debug', check: 'flag01', description: 'Debug mode (1): launcher pods sleep instead of running the harness' }),
  v({ name: 'LLMDBENCH_HARNESS_LOAD_PARALLELISM', default: '1', flag: '-j/--parallelism', check: 'positive-int', description: 'Number of identical harness instances (pods) generating load' }),
  v({ name: 'LLMDBENCH_HARNESS_WAIT_TIMEOUT', default: '3600', flag: '-s/--wait', check: 'non-negative-int', description: 'Seconds to wait for the harness to finish; 0 = start it and do not wait' }),
  v({ name: 'LLMDBENCH_HARNESS_ENVVARS_TO_YAML', default: 'LLMDBENCH_RUN_EXPERIMENT', flag: '-g/--envvarspod', description: 'Names or prefixes of extra variables passed to the harness pod (comma-separated)' }),
  v({ name: 'LLMDBENCH_HARNESS_NOP_VLLM_LOG', flag: '--vllm-log', description: 'nop harness: the vLLM log to analyse: a file, an http(s) URL, or - for stdin; empty: the embedded simulator\'s start-up log (local runs)' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_VLLM_LOAD_FORMAT', default: 'auto', description: 'vLLM --load-format of the stack; nop reports it when the log names none; the embedded simulator logs it' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_ENABLE_SLEEP_MODE', default: 'false', check: 'bool', description: 'vLLM sleep mode; with it nop puts the server to sleep and wakes it, and reports both; the embedded simulator serves /sleep' }),
  v({ name: 'LLMDBENCH_HARNESS_PVC_NAME', default: 'workload-pvc', flag: '-k/--pvc', description: 'PVC holding harness results (/requests in the pod)' }),
  v({ name: 'LLMDBENCH_HARNESS_PVC_SIZE', default: '20Gi', description: 'Size of the harness PVC when created' }),
  v({ name: 'LLMDBENCH_HARNESS_CPU_NR', default: '16', description: 'CPU request = limit of each harness pod' }),
  v({ name: 'LLMDBENCH_HARNESS_CPU_MEM', default: '32Gi', description: 'Memory request = limit of each harness pod' }),
  v({ name: 'LLMDBENCH_HARNESS_EXECUTABLE', default: 'llm-d-benchmark.sh', description: 'Entry point run in the launcher pod' }),
  v({ name: 'LLMDBENCH_HARNESS_POD_LABEL', default: 'llmdbench-harness-launcher', description: 'Value of the `app` label on launcher pods' }),
  v({ name: 'LLMDBENCH_HARNESS_INFERENCE_PERF_RAYON_NUM_THREADS', default: '4', check: 'positive-int', description: 'RAYON_NUM_THREADS given to the inference-perf pod' }),
  v({ name: 'LLMDBENCH_HARNESS_CONDA_ENV_NAME', defaultDoc: '<harness>-env', derive: (g) => `${g('LLMDBENCH_HARNESS_NAME') ?? ''}-env`, description: 'Conda environment for local analysis: <harness>-env' }),
  v({ name: 'LLMDBENCH_HARNESS_SERVICE_ACCOUNT', defaultDoc: '<harness>-runner', derive: (g) => `${g('LLMDBENCH_HARNESS_NAME') ?? ''}-runner`, description: 'Service account named in fmperf profiles: <harness>-runner' }),
  v({ name: 'LLMDBENCH_HARNESS_CONTAINER_IMAGE', default: 'lmcache/lmcache-benchmark:main', description: 'Image named in fmperf profiles' }),
  // --- monitoring -------------------------------------------------------------
  v({ name: 'LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED', default: 'false', flag: '-f/--monitoring', check: 'bool', description: 'Scrape stack metrics and capture pod logs during the run' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL', default: '15', check: 'positive-int', description: "Seconds between two scrapes of the stack's Prometheus metrics under -f (upstream's METRICS_COLLECTION_INTERVAL in the harness pod, default 15)" }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_METRICS_PORT', check: 'positive-int', description: "Under -f on Kubernetes: the serving pods' metrics port (default: the pod's port named metrics/http, else LLMDBENCH_VLLM_COMMON_INFERENCE_PORT)" }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_INFERENCE_PORT', default: '8000', check: 'positive-int', description: "The serving pods' inference port (metrics fallback under -f on Kubernetes)" }),
  v({ name: 'LLMDBENCH_METRICS_POD_PATTERN', default: 'decode', description: 'Under -f on Kubernetes, when neither the endpoint nor labels find the serving pods: a substring of their names' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_METRICS_TARGETS', description: 'Set by the Kubernetes executor for the launcher pod under -f: <pod>=http://<podIP>:<port><path>,… to scrape' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_ATTEMPT', check: 'positive-int', description: 'Set by the Kubernetes executor for the launcher pod: which attempt of this result directory it runs (--retries)' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_ATTEMPTS_ALLOWED', check: 'positive-int', description: 'Set by the Kubernetes executor for the launcher pod: attempts allowed in all (--retries + 1)' }),
  v({ name: 'LLMDBENCH_VLLM_MONITORING_METRICS_PATH', default: '/metrics', description: 'Path of the Prometheus metrics on each scraped server (-f)' }),
  v({ name: 'LLMDBENCH_VLLM_MODELSERVICE_GAIE_EPP_VERBOSITY', default: '4', description: 'Endpoint picker log verbosity (log capture with -f)' }),
  v({ name: 'LLMDBENCH_VLLM_MODELSERVICE_GAIE_PLUGINS_CONFIGFILE', default: 'default-plugins.yaml', description: 'GAIE plugins preset file passed to the pod' }),
  // --- run / experiment ---------------------------------------------------------
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_ID', check: 'path-name', defaultDoc: 'epoch seconds at start', derive: (_g, c) => String(c.nowS), description: 'Experiment ID (default: epoch seconds at start); treatments append -<treatment>' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR_PREFIX', default: '/requests', description: 'Results folder prefix inside harness pods' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_HARNESS_MAX_TRIES', default: '3', check: 'positive-int', description: 'In the launcher pod: attempts of the harness and of the analyzer, as upstream' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_RETRY_SLEEP_S', default: '30', check: 'non-negative-int', description: 'In the launcher pod: seconds slept after a failed attempt' }),
  v({ name: 'LLMDBENCH_RUN_EXPERIMENT_ANALYZE_LOCALLY', default: '0', check: 'flag01', description: 'Run the analysis on this machine after collection (1)' }),
  v({ name: 'LLMDBENCH_WORKSPACE_DIR', description: 'Upstream alias read into LLMDBENCH_RUN_WORKSPACE_DIR' }),
  v({ name: 'LLMDBENCH_RUN_WORKSPACE_DIR', defaultDoc: '$LLMDBENCH_WORKSPACE_DIR, else /workspace', derive: (g) => g('LLMDBENCH_WORKSPACE_DIR') ?? '/workspace', description: 'Workspace folder in the harness (profiles under <dir>/profiles/<harness>)' }),
  v({ name: 'LLMDBENCH_RUN_DATASET_URL', flag: '-x/--dataset', description: 'URL of a dataset the harness downloads' }),
  v({ name: 'LLMDBENCH_RUN_DATASET_FILE', defaultDoc: 'basename of the dataset URL, else NONE', derive: (g) => datasetFile(g('LLMDBENCH_RUN_DATASET_URL')), description: 'Basename of the dataset URL, NONE without one' }),
  v({ name: 'LLMDBENCH_RUN_DATASET_DIR', defaultDoc: '$LLMDBENCH_RUN_WORKSPACE_DIR', derive: (g) => g('LLMDBENCH_RUN_WORKSPACE_DIR') ?? '', description: 'Folder holding the dataset (default: the workspace folder)' }),
  // --- control ------------------------------------------------------------------
  v({ name: 'LLMDBENCH_CONTROL_WORK_DIR', flag: '--workdir', description: 'Work folder for rendered profiles, results and logs; empty: a new one is made at run time' }),
  v({ name: 'LLMDBENCH_CONTROL_DRY_RUN', default: '0', flag: '-n/--dry-run', check: 'flag01', description: 'Print the plan and commands, contact nothing (1)' }),
  v({ name: 'LLMDBENCH_CONTROL_EXECUTOR', flag: '--executor', description: 'Where the run executes: local (this process) or kubernetes; empty: kubernetes when a namespace (-p) or method (-t) was named by flag, scenario or environment, else local' }),
  v({ name: 'LLMDBENCH_HARNESS_SLO', flag: '--slo', check: 'slo', description: 'SLOs for goodput in the end-of-run analysis, e.g. ttft=200ms,tpot=50ms (metrics ttft, tpot, itl, ntpot, e2el; units ms, s, us); merged over the profile\'s own goodput keys, this wins' }),
  v({ name: 'LLMDBENCH_HARNESS_RETRIES', default: '0', flag: '--retries', check: 'non-negative-int', description: 'Rerun a failed result directory (harness error, or no request succeeded) up to N more times; each failed attempt is kept under <workdir>/attempts/' }),
  v({ name: 'LLMDBENCH_CONTROL_VERBOSE', default: '0', flag: '-v/--verbose', check: 'flag01', description: 'Verbose output (1)' }),
  v({ name: 'LLMDBENCH_RUN_MAX_REQUESTS', default: '10000000', check: 'positive-int', description: 'Plan-time ceiling: most requests one result directory may plan (a bigger plan is refused, -n included)' }),
  v({ name: 'LLMDBENCH_RUN_MAX_RATE', default: '20000', check: 'positive-int', description: 'Plan-time ceiling: highest open-loop rate (req/s) a stage may ask for (past it the host cannot open connections fast enough)' }),
  v({ name: 'LLMDBENCH_SIM_PRESET', default: 'realistic-small', check: 'sim-preset', description: 'Latency preset of the embedded simulator (local runs without --endpoint): instant (no latency) or realistic-small' }),
  v({ name: 'LLMDBENCH_SIM_WORKERS', default: '1', check: 'positive-int', description: 'Processes of the embedded simulator (its --workers: slots and KV cache split across them); ignored for nop, which reads the start-up log of one process' }),
  v({ name: 'LLMDBENCH_CONTROL_WAIT_TIMEOUT', default: '900', check: 'non-negative-int', description: 'Seconds to wait for harness pods to become Ready' }),
  v({ name: 'LLMDBENCH_CLUSTER_URL', default: 'auto', description: 'Cluster API URL; auto = current kube context' }),
  v({ name: 'LLMDBENCH_KUBECONFIG', secret: false, description: 'Kubeconfig file of the Kubernetes executor (a path, not its contents); empty: $KUBECONFIG, ~/.kube/config, else in-cluster' }),
  v({ name: 'LLMDBENCH_KUBECONTEXT', description: 'Kubeconfig context of the Kubernetes executor; empty: the current context' }),
  v({ name: 'LLMDBENCH_HARNESS_NO_CLEANUP', default: '0', flag: '--no-cleanup', check: 'flag01', description: 'Keep launcher pods after collecting their results (1)' }),
  v({ name: 'LLMDBENCH_HARNESS_START_BARRIER_S', default: '3', check: 'non-negative-int', description: 'With -j N on Kubernetes: seconds between the last pod running and the common start time' }),
  v({ name: 'LLMDBENCH_BASE64_CONTEXT_CONTENTS', secret: true, description: 'Path of the minified kubeconfig passed (base64) to the pod; set at run time' }),
  // --- credentials and cluster objects ------------------------------------------
  v({ name: 'LLMDBENCH_HF_TOKEN', secret: true, description: 'Hugging Face token (read from the cluster secret when empty)' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_HF_TOKEN_NAME', default: 'llm-d-hf-token', secret: false, description: 'Name of the Kubernetes Secret holding the HF token (a name, not a secret)' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_HF_TOKEN_KEY', default: 'HF_TOKEN', secret: false, description: 'Key inside that Secret (a name, not a secret)' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_PVC_STORAGE_CLASS', default: 'default', description: 'StorageClass of the harness PVC; default = the cluster default' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_PVC_ACCESS_MODE', default: 'ReadWriteMany', description: 'Access mode of the harness PVC' }),
  v({ name: 'LLMDBENCH_VLLM_COMMON_PRIORITY_CLASS_NAME', default: 'none', description: 'priorityClassName of harness pods; none = unset' }),
  v({ name: 'LLMDBENCH_IMAGE_REGISTRY', default: 'ghcr.io', description: 'Launcher image registry' }),
  v({ name: 'LLMDBENCH_IMAGE_REPO', default: 'llm-d', description: 'Launcher image repository' }),
  v({ name: 'LLMDBENCH_IMAGE_NAME', default: 'llm-d-benchmark', description: 'Launcher image name' }),
  v({ name: 'LLMDBENCH_IMAGE_TAG', default: 'auto', description: 'Launcher image tag; auto = newest tag of the registry' }),
  // --- per model (set by configForModel) ---------------------------------------
  v({ name: 'LLMDBENCH_DEPLOY_CURRENT_MODEL', description: 'The model of the current run unit (set per model)' }),
  v({ name: 'LLMDBENCH_DEPLOY_CURRENT_MODELID', description: 'Model id: part after `:`, `/` and `.` as `-`, lowercased (set per model)' }),
  v({ name: 'LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN', description: 'Maximum context length of the current model (set per model from LLMDBENCH_VLLM_COMMON_MAX_MODEL_LEN unless set)' }),
  v({ name: 'LLMDBENCH_DEPLOY_CURRENT_TOKENIZER', secret: false, description: 'Tokenizer of the current model (set per model)' }),
  v({ name: 'LLMDBENCH_HARNESS_STACK_NAME', check: 'path-name', description: 'Stack name <method>-<parameters>-<type>, e.g. llm-d-1b-instruct (set per model)' }),
  v({ name: 'LLMDBENCH_HARNESS_STACK_TYPE', description: 'llm-d (modelservice) or vllm-prod (standalone/other) (set per method)' }),
  v({ name: 'LLMDBENCH_CONTROL_ENV_VAR_LIST_TO_POD', description: 'Regex of variables passed to the harness pod (set per method)' }),
];

const byName = new Map(VARIABLES.map((s) => [s.name, s]));

export function variableSpec(name: string): VariableSpec | undefined {
  return byName.get(name);
}

export function isKnownVariable(name: string): boolean {
  return byName.has(name);
}

/** Comma-separated list (upstream turns commas into spaces and loops over words, so spaces separate too). */
export function splitList(s: string | undefined): string[] {
  return (s ?? '').split(/[,\s]+/).filter((x) => x.length > 0);
}

export function methodList(s: string | undefined): string[] {
  return splitList(s);
}

/** Basename of the dataset URL (query and fragment ignored), `NONE` when empty. */
export function datasetFile(url: string | undefined): string {
  if (!url) return 'NONE';
  const noQuery = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const base = noQuery.slice(noQuery.lastIndexOf('/') + 1);
  return base || 'NONE';
}
