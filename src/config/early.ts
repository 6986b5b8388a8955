/**
 * Whether `llmdbench run` may use the embedded simulator, from its flags and the environment alone
 * (before the configuration is resolved): the CLI then starts the simulator's child as its first
 * step (src/sim/standby.ts), in parallel with loading the run and building its plan. A guess that
 * errs one way only: no hint when a flag or variable names an endpoint, a cluster (namespace,
 * method, an executor other than local), a dry run or -z; a scenario file (-c) may still name an
 * endpoint, and then the unused child is stopped. The hint names the model the run most likely
 * serves first (-m, LLMDBENCH_DEPLOY_MODEL_LIST, else the default), so the child can read that
 * model's tokenizer while it waits. Reads the environment it is given (here, in config/).
 */
import { variableSpec } from './variables.ts';

export interface EarlyRunFlags {
  endpoint?: string;
  endpointUrl?: string;
  namespace?: string;
  methods?: string;
  executor?: string;
  models?: string;
  dryRun?: boolean;
  skip?: boolean;
}

const set = (v: string | undefined): boolean => v !== undefined && v !== '';
const on = (v: string | undefined): boolean => set(v) && v !== '0' && v !== 'false';

export function embeddedSimulatorHint(flags: EarlyRunFlags, env: Record<string, string | undefined>): { model: string } | undefined {
  if (set(flags.endpoint) || set(flags.endpointUrl) || set(env['LLMDBENCH_HARNESS_STACK_ENDPOINT_URL'])) return undefined;
  if (set(flags.namespace) || set(flags.methods) || set(env['LLMDBENCH_VLLM_COMMON_NAMESPACE']) || set(env['LLMDBENCH_DEPLOY_METHODS'])) return undefined;
  const executor = flags.executor ?? env['LLMDBENCH_CONTROL_EXECUTOR'];
  if (set(executor) && executor !== 'local') return undefined;
  if (flags.dryRun || flags.skip || on(env['LLMDBENCH_CONTROL_DRY_RUN']) || on(env['LLMDBENCH_HARNESS_SKIP_RUN'])) return undefined;
  const fallback = variableSpec('LLMDBENCH_DEPLOY_MODEL_LIST')?.default;
  const list = flags.models ?? env['LLMDBENCH_DEPLOY_MODEL_LIST'] ?? (typeof fallback === 'string' ? fallback : '');
  return { model: list.split(/[\s,]+/).find((m) => m !== '') ?? '' };
}
