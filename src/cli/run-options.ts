import { Option, type Command } from '@commander-js/extra-typings';
import { LlmdbenchError } from '../util/errors.ts';
import { closestN } from '../util/suggest.ts';
import { checkValue, endpointProblem, normalizeEndpoint } from '../config/checks.ts';
import { variableSpec } from '../config/variables.ts';
import { normalizeArgv } from './argv.ts';

/**
 * Every run.sh flag (short and long), plus our `--endpoint` and `--workdir`,
 * in one table: what it sets and how its value is checked. `run`, `render`
 * and `config` all take these.
 */
export interface RunShOptionValues {
  scenario?: string;
  models?: string;
  namespace?: string;
  methods?: string;
  harness?: string;
  workload?: string;
  pvc?: string;
  experiment?: string;
  overrides?: string;
  output?: string;
  skip?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  dataset?: string;
  monitoring?: boolean;
  parallelism?: string;
  wait?: string;
  envvarspod?: string;
  debug?: boolean;
  serviceaccount?: string;
  wva?: boolean;
  endpoint?: string;
  endpointUrl?: string;
  workdir?: string;
  vllmLog?: string;
  executor?: string;
  retries?: string;
  noCleanup?: boolean;
  slo?: string;
}

export interface RunShOptionSpec {
  /** Single letter, e.g. `m` for `-m`. */
  short?: string;
  /** e.g. `models` for `--models`. */
  long: string;
  /** Commander's attribute name. */
  key: keyof RunShOptionValues;
  /** Value placeholder; absent for a switch. */
  arg?: string;
  /** Variables set (a switch sets them to its `on` value). */
  variables: readonly string[];
  /** For switches: the value set, `1` unless said. */
  on?: string;
  description: string;
  check?: 'positive-int' | 'non-negative-int' | 'endpoint' | 'executor' | 'slo';
  /** Only the Kubernetes platform uses it: local runs accept and show it (`llmdbench config`) but ignore it. */
  kubernetesOnly?: boolean;
}

export const RUN_SH_OPTIONS: readonly RunShOptionSpec[] = [
  { short: 'c', long: 'scenario', key: 'scenario', arg: 'FILE', variables: ['LLMDBENCH_DEPLOY_SCENARIO'], description: 'scenario file: absolute path, or name under the scenarios folder (.sh optional)' },
  { short: 'm', long: 'models', key: 'models', arg: 'LIST', variables: ['LLMDBENCH_DEPLOY_MODEL_LIST'], description: 'comma-separated models' },
  { short: 'p', long: 'namespace', key: 'namespace', arg: 'A[,B[,C]]', variables: ['LLMDBENCH_VLLM_COMMON_NAMESPACE', 'LLMDBENCH_HARNESS_NAMESPACE', 'LLMDBENCH_WVA_NAMESPACE'], description: 'stack namespace A, harness namespace B, WVA namespace C (B and C default to A)' },
  { short: 't', long: 'methods', key: 'methods', arg: 'LIST', variables: ['LLMDBENCH_DEPLOY_METHODS'], description: 'comma-separated methods: standalone, modelservice, or a service/pod name pattern' },
  { short: 'l', long: 'harness', key: 'harness', arg: 'NAME', variables: ['LLMDBENCH_HARNESS_NAME'], description: 'harness: inference-perf, guidellm, vllm-benchmark, inferencemax, fmperf, nop' },
  { short: 'w', long: 'workload', key: 'workload', arg: 'NAME', variables: ['LLMDBENCH_HARNESS_EXPERIMENT_PROFILE'], description: 'workload profile: a name from `llmdbench profiles` (.yaml optional) or a template file path' },
  { short: 'k', long: 'pvc', key: 'pvc', arg: 'NAME', variables: ['LLMDBENCH_HARNESS_PVC_NAME'], kubernetesOnly: true, description: 'PVC for harness results' },
  { short: 'e', long: 'experiment', key: 'experiment', arg: 'FILE', variables: ['LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS'], description: 'experiment file with run treatments (--experiments also accepted)' },
  { short: 'o', long: 'overrides', key: 'overrides', arg: 'LIST', variables: ['LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES'], description: 'profile overrides: key=value,key2=value2 (or key,value,key2,value2); a bare key sets every key of that name, a dotted path (load.stages.0.rate) one place; a value with a comma: quote it or write \\,' },
  { short: 'r', long: 'output', key: 'output', arg: 'DEST', variables: ['LLMDBENCH_HARNESS_OUTPUT'], kubernetesOnly: true, description: 'results destination: local, gs://bucket or s3://bucket' },
  { short: 'z', long: 'skip', key: 'skip', variables: ['LLMDBENCH_HARNESS_SKIP_RUN'], description: 'skip load generation; only analyse' },
  { short: 'v', long: 'verbose', key: 'verbose', variables: ['LLMDBENCH_CONTROL_VERBOSE'], description: 'verbose output' },
  { short: 'n', long: 'dry-run', key: 'dryRun', variables: ['LLMDBENCH_CONTROL_DRY_RUN'], description: 'print the plan, contact nothing' },
  { short: 'x', long: 'dataset', key: 'dataset', arg: 'URL', variables: ['LLMDBENCH_RUN_DATASET_URL'], description: 'dataset URL (LLMDBENCH_RUN_DATASET_FILE becomes its basename)' },
  { short: 'f', long: 'monitoring', key: 'monitoring', variables: ['LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED'], on: 'true', description: 'scrape the stack\'s Prometheus metrics during the run (locally: the endpoint\'s /metrics) into <results>/metrics/' },
  { short: 'j', long: 'parallelism', key: 'parallelism', arg: 'N', variables: ['LLMDBENCH_HARNESS_LOAD_PARALLELISM'], check: 'positive-int', description: 'number of identical harness instances (positive integer)' },
  { short: 's', long: 'wait', key: 'wait', arg: 'SECONDS', variables: ['LLMDBENCH_HARNESS_WAIT_TIMEOUT'], check: 'non-negative-int', kubernetesOnly: true, description: 'seconds to wait for the harness pods; 0 = do not wait' },
  { short: 'g', long: 'envvarspod', key: 'envvarspod', arg: 'LIST', variables: ['LLMDBENCH_HARNESS_ENVVARS_TO_YAML'], kubernetesOnly: true, description: 'names or prefixes of extra variables passed to the harness pod' },
  { short: 'd', long: 'debug', key: 'debug', variables: ['LLMDBENCH_HARNESS_DEBUG'], kubernetesOnly: true, description: 'debug: harness pods sleep instead of running' },
  { long: 'no-cleanup', key: 'noCleanup', variables: ['LLMDBENCH_HARNESS_NO_CLEANUP'], kubernetesOnly: true, description: 'keep the launcher pods after their results are collected (to look inside; delete them with kubectl later)' },
  { short: 'q', long: 'serviceaccount', key: 'serviceaccount', arg: 'NAME', variables: ['LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT'], kubernetesOnly: true, description: 'service account of the harness pods' },
  { short: 'u', long: 'wva', key: 'wva', variables: ['LLMDBENCH_WVA_ENABLED'], kubernetesOnly: true, description: 'enable the workload variant autoscaler' },
  { long: 'endpoint', key: 'endpoint', arg: 'URL', variables: ['LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'], check: 'endpoint', description: 'stack base URL http(s)://host:port (no path); default: the embedded simulator' },
  { long: 'vllm-log', key: 'vllmLog', arg: 'FILE|URL|-', variables: ['LLMDBENCH_HARNESS_NOP_VLLM_LOG'], description: 'nop harness: the vLLM log to analyse (a file, an http(s) URL, or - for stdin); default: the embedded simulator\'s start-up log' },
  { long: 'endpoint-url', key: 'endpointUrl', arg: 'URL', variables: ['LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'], check: 'endpoint', description: 'alias of --endpoint (upstream\'s Python CLI name)' },
  { long: 'executor', key: 'executor', arg: 'KIND', variables: ['LLMDBENCH_CONTROL_EXECUTOR'], check: 'executor', description: 'where the run executes: local or kubernetes; default: kubernetes when -p or -t was named, else local' },
  { long: 'slo', key: 'slo', arg: 'LIST', variables: ['LLMDBENCH_HARNESS_SLO'], check: 'slo', description: 'SLOs for goodput, e.g. ttft=200ms,tpot=50ms (ttft, tpot, itl, ntpot, e2el; ms, s or us): the end-of-run analysis, summary.json, goodput.json and the final table show the share and rate of requests meeting every one' },
  { long: 'retries', key: 'retries', arg: 'N', variables: ['LLMDBENCH_HARNESS_RETRIES'], check: 'non-negative-int', description: 'rerun a failed result directory up to N more times (each failed attempt kept under <workdir>/attempts/)' },
  { long: 'workdir', key: 'workdir', arg: 'DIR', variables: ['LLMDBENCH_CONTROL_WORK_DIR'], description: 'work folder; default: a new one per run' },
];

/** `-m, --models` style flag strings of every option, plus -h/--help. */
export function runShFlagNames(): string[] {
  const out = ['-h', '--help'];
  for (const o of RUN_SH_OPTIONS) {
    if (o.short) out.push(`-${o.short}`);
    out.push(`--${o.long}`);
  }
  return out;
}

function longFlags(): Set<string> {
  return new Set(RUN_SH_OPTIONS.map((o) => `--${o.long}`));
}

function valueFlags(): Set<string> {
  const s = new Set<string>();
  for (const o of RUN_SH_OPTIONS) {
    if (!o.arg) continue;
    if (o.short) s.add(`-${o.short}`);
    s.add(`--${o.long}`);
  }
  return s;
}

function helpFor(o: RunShOptionSpec): string {
  const sets = o.variables
    .map((name) => {
      const spec = variableSpec(name);
      const d = spec?.default;
      const def = typeof d === 'string' ? (d === '' ? 'empty' : d) : (spec?.defaultDoc ?? 'empty');
      return `${name}${o.arg ? '' : `=${o.on ?? '1'}`} (default: ${def})`;
    })
    .join(', ');
  return `${o.description}${o.kubernetesOnly ? ' [Kubernetes only: local runs ignore it]' : ''}; sets ${sets}`;
}

/** Error for a flag this command does not have, naming the closest valid flag. */
export function unknownFlagError(flag: string, valid: readonly string[] = runShFlagNames()): LlmdbenchError {
  const name = flag.split('=')[0] ?? flag;
  const isLong = name.startsWith('--');
  let near: string[];
  if (isLong) near = closestN(name, valid.filter((f) => f.startsWith('--')), 3);
  // `-models`: a long flag typed with one dash.
  else if (name.length > 2) near = closestN(`-${name}`, valid.filter((f) => f.startsWith('--')), 3);
  // A single letter: only a case slip (`-M` for `-m`) is a meaningful suggestion.
  else near = valid.filter((f) => !f.startsWith('--') && f !== name && f.toLowerCase() === name.toLowerCase());
  const shorts = valid.filter((f) => !f.startsWith('--')).join(' ');
  return new LlmdbenchError('E_UNKNOWN_FLAG', `unknown flag ${name}${near[0] ? ` (did you mean ${near[0]}?)` : ''}`, {
    hint: near[0] ? `use ${near[0]}; see --help for every flag` : `valid short flags: ${shorts}; see --help for every flag`,
  });
}

/**
 * Adds every run.sh flag to `cmd`, accepts the `-x=value` forms (see
 * normalizeArgv) and turns unknown flags into E_UNKNOWN_FLAG errors naming
 * the closest valid flag (instead of commander's own message).
 */
export function addRunShOptions<A extends unknown[], O extends Record<string, unknown>, G extends Record<string, unknown>>(
  cmd: Command<A, O, G>,
): Command<A, O & RunShOptionValues, G> {
  const c = cmd as unknown as Command;
  for (const o of RUN_SH_OPTIONS) {
    const flags = `${o.short ? `-${o.short}, ` : ''}--${o.long}${o.arg ? ` <${o.arg}>` : ''}`;
    const opt = new Option(flags, helpFor(o));
    // `--no-cleanup` is a flag of its own (sets a variable), not Commander's negation of `--cleanup`.
    if (o.long.startsWith('no-')) opt.negate = false;
    // -o may be given more than once: the lists merge in order (a later key wins, as within one list).
    if (o.key === 'overrides') opt.argParser((v: string, prev: string | undefined) => (prev === undefined ? v : `${prev},${v}`));
    c.addOption(opt);
  }
  // Commander's own usage errors (missing value, excess arguments) throw to main()
  // instead of calling process.exit: addCommand() does not inherit the program's
  // exitOverride, only .command() does.
  c.exitOverride();
  const vf = valueFlags();
  const lf = longFlags();
  const parseOptions = c.parseOptions.bind(c);
  c.parseOptions = (argv: string[]) => parseOptions(normalizeArgv(argv, vf, lf));
  const own = (): string[] => [
    '-h',
    '--help',
    ...c.options.flatMap((opt) => [opt.short, opt.long].filter((f): f is string => typeof f === 'string')),
  ];
  (c as unknown as { unknownOption: (flag: string) => never }).unknownOption = (flag: string): never => {
    throw unknownFlagError(flag, own());
  };
  return cmd as unknown as Command<A, O & RunShOptionValues, G>;
}

function badValue(o: RunShOptionSpec, value: string, problem: string): LlmdbenchError {
  const flag = `${o.short ? `-${o.short}/` : ''}--${o.long}`;
  return new LlmdbenchError('E_BAD_FLAG_VALUE', `${flag} ${JSON.stringify(value)}: ${problem}`, {
    hint: `${flag} ${o.arg ?? ''}: ${o.description}`,
  });
}

/**
 * Maps parsed options to the LLMDBENCH_* variables they set (as upstream's
 * CLIOVERRIDE mechanism, without its truncation). `-p A,B,C` sets the three
 * namespaces, B and C defaulting to A. Bad numbers and a bad endpoint throw
 * E_BAD_FLAG_VALUE (all problems at once).
 */
export function runShOptionsToFlags(opts: RunShOptionValues): Record<string, string> {
  const out: Record<string, string> = {};
  const errors: LlmdbenchError[] = [];
  for (const o of RUN_SH_OPTIONS) {
    const raw = opts[o.key];
    if (raw === undefined || raw === false) continue;
    if (raw === true) {
      for (const v of o.variables) out[v] = o.on ?? '1';
      continue;
    }
    let value = raw.trim();
    if (o.check === 'endpoint') {
      const p = endpointProblem(value);
      if (p) {
        errors.push(badValue(o, raw, p));
        continue;
      }
      value = normalizeEndpoint(value);
    } else if (o.check === 'executor') {
      if (value !== 'local' && value !== 'kubernetes') {
        errors.push(badValue(o, raw, 'expected local or kubernetes'));
        continue;
      }
    } else if (o.check) {
      const p = checkValue(o.check, value);
      if (p) {
        errors.push(badValue(o, raw, p));
        continue;
      }
    }
    if (o.key === 'namespace') {
      const parts = value.split(',').map((s) => s.trim());
      const [a = '', b, c] = parts;
      if (a === '' || parts.length > 3) {
        errors.push(badValue(o, raw, a === '' ? 'the first namespace (the stack namespace) is empty' : 'expected at most 3 namespaces A,B,C'));
        continue;
      }
      out.LLMDBENCH_VLLM_COMMON_NAMESPACE = a;
      out.LLMDBENCH_HARNESS_NAMESPACE = b || a;
      out.LLMDBENCH_WVA_NAMESPACE = c || a;
      continue;
    }
    for (const v of o.variables) out[v] = value;
  }
  const [first, ...rest] = errors;
  if (first) {
    if (rest.length === 0) throw first;
    throw new LlmdbenchError('E_BAD_FLAG_VALUE', `${errors.length} flags have bad values`, {
      details: errors.map((e) => e.message),
      hint: 'see --help for what each flag takes',
    });
  }
  return out;
}
