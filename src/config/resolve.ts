import { LlmdbenchError } from '../util/errors.ts';
import { ConfigStore } from './store.ts';
import type { ConfigSource, ConfigValue, ResolvedConfig } from './types.ts';
import { resolveScenarioPath, sourceScenario } from './scenario.ts';
import { checkValue, normalizeEndpoint } from './checks.ts';
import { packageRoot as defaultPackageRoot, VARIABLES, type DefaultContext } from './variables.ts';

export interface ResolveOptions {
  /** LLMDBENCH_* values set by command-line flags (see `runShOptionsToFlags`). Empty values are ignored. */
  flags?: Record<string, string>;
  /** The environment; default `process.env`. Empty values count as unset (upstream's `${VAR:-default}`). */
  env?: Record<string, string | undefined>;
  /** Where `./scenarios` is looked for and the scenario is sourced from; default `process.cwd()`. */
  cwd?: string;
  /** Epoch seconds used for LLMDBENCH_RUN_EXPERIMENT_ID; default now. */
  nowS?: number;
  /** Package root (holds workload/profiles); default this package. */
  packageRoot?: string;
  /** Limit for sourcing a scenario, ms (default 30 s). */
  scenarioTimeoutMs?: number;
}

type Values = Map<string, ConfigValue>;

function set(values: Values, name: string, value: string, source: ConfigSource): void {
  values.set(name, ConfigStore.value(name, value, source));
}

/** (Re)computes every derived variable that no flag, scenario or environment value set. */
function derive(values: Values, ctx: DefaultContext): void {
  const get = (n: string): string | undefined => {
    const v = values.get(n)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  for (const spec of VARIABLES) {
    if (!spec.derive) continue;
    const cur = values.get(spec.name);
    if (cur && cur.source !== 'derived' && cur.source !== 'default') continue;
    set(values, spec.name, spec.derive(get, ctx), 'derived');
  }
}

/**
 * Resolves the effective configuration. Precedence, highest first: flag >
 * scenario file > environment > built-in default; derived values are computed
 * last from the result. As upstream, the scenario is sourced by bash with the
 * defaults and the environment in its environment (it may read them), and
 * every LLMDBENCH_* value it sets or changes is imported. Unknown LLMDBENCH_*
 * variables are kept. Values with a check (numbers, 0/1 flags, the endpoint
 * URL) are validated whatever their source; all problems are reported at once.
 */
const CLIOVERRIDE = 'LLMDBENCH_CLIOVERRIDE_';

export async function resolveConfig(opts: ResolveOptions = {}): Promise<ResolvedConfig> {
  const env = opts.env ?? process.env;
  const flags = opts.flags ?? {};
  const ctx: DefaultContext = {
    packageRoot: opts.packageRoot ?? defaultPackageRoot,
    cwd: opts.cwd ?? process.cwd(),
    nowS: opts.nowS ?? Math.floor(Date.now() / 1000),
  };
  const values: Values = new Map();
  for (const spec of VARIABLES) {
    // No default: present but empty, so `config --all` lists it.
    const d = spec.default === undefined ? '' : typeof spec.default === 'function' ? spec.default(ctx) : spec.default;
    set(values, spec.name, d, 'default');
  }
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('LLMDBENCH_') && v !== undefined && v !== '') set(values, k, v, 'env');
  }
  derive(values, ctx);

  let scenarioPath: string | undefined;
  let scenarioOutput = '';
  const scenario = flags.LLMDBENCH_DEPLOY_SCENARIO || values.get('LLMDBENCH_DEPLOY_SCENARIO')?.value || '';
  if (scenario !== '' && scenario !== 'none' && scenario !== 'none.sh') {
    const dirs = (values.get('LLMDBENCH_SCENARIOS_DIR')?.value ?? '').split(':').filter((d) => d !== '');
    scenarioPath = resolveScenarioPath(scenario, dirs, ctx.cwd);
    const bashEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) bashEnv[k] = v;
    // Empty defaults stay unset in bash, as upstream (`${X-y}` must see them unset).
    for (const [k, cv] of values) if (!(cv.source === 'default' && cv.value === '')) bashEnv[k] = cv.value;
    const sourced = await sourceScenario(scenarioPath, bashEnv, { cwd: ctx.cwd, timeoutMs: opts.scenarioTimeoutMs });
    scenarioOutput = sourced.output;
    for (const [k, v] of sourced.after) {
      if (bashEnv[k] !== v || sourced.assigned.has(k)) set(values, k, v, 'scenario');
    }
    // A variable the scenario unset.
    for (const k of Object.keys(bashEnv)) {
      if (k.startsWith('LLMDBENCH_') && !sourced.after.has(k)) set(values, k, '', 'scenario');
    }
  }

  // As upstream's run.sh/env.sh: LLMDBENCH_CLIOVERRIDE_<X> (from the environment or the
  // scenario) acts as the flag that sets LLMDBENCH_<X>; a flag given on our command line wins.
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith(CLIOVERRIDE) && v !== undefined && v !== '') overrides[`LLMDBENCH_${k.slice(CLIOVERRIDE.length)}`] = v;
  for (const [k, cv] of [...values]) {
    if (!k.startsWith(CLIOVERRIDE)) continue;
    values.delete(k);
    if (cv.source === 'scenario' && cv.value !== '') overrides[`LLMDBENCH_${k.slice(CLIOVERRIDE.length)}`] = cv.value;
  }
  for (const [k, v] of Object.entries({ ...overrides, ...flags })) if (v !== '') set(values, k, v, 'flag');
  derive(values, ctx);

  const problems: string[] = [];
  for (const spec of VARIABLES) {
    const cv = values.get(spec.name);
    if (!spec.check || !cv || cv.value === '') continue;
    const p = checkValue(spec.check, cv.value);
    if (p) problems.push(`${spec.name}=${cv.value} (from ${cv.source === 'flag' && spec.flag ? `flag ${spec.flag}` : describeSource(cv.source, scenarioPath)}): ${p}`);
    else if (spec.check === 'http-base-url') set(values, spec.name, normalizeEndpoint(cv.value), cv.source);
  }
  if (problems.length > 0) {
    throw new LlmdbenchError('E_CONFIG_VALUE', `${problems.length} invalid configuration value${problems.length > 1 ? 's' : ''}`, {
      details: problems,
      ...(problems.some((p) => p.includes('from scenario')) && scenarioPath ? { location: { file: scenarioPath } } : {}),
      hint: 'fix the value where it comes from (flag, scenario file or environment); `llmdbench config` shows every value and its source',
    });
  }
  return new ConfigStore(values, scenarioPath, scenarioOutput);
}

function describeSource(source: ConfigSource, scenarioPath: string | undefined): string {
  if (source === 'scenario') return `scenario ${scenarioPath ?? ''}`.trim();
  if (source === 'env') return 'the environment';
  return source;
}
