/**
 * `-m auto` on Kubernetes (llm-d-benchmark-run.md §1.5, §2.3): the model is whatever the stack's
 * `/v1/models` answers, asked from inside the cluster; the units planned for `auto` are planned
 * again for that model (profile rendered with it, stack name and result directories recomputed),
 * as upstream adopts the answer and recomputes the stack name. Pure over the plan builder.
 */
import { buildPlan } from '../../plan/build.ts';
import type { RunUnit } from '../../plan/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';

export const AUTO_MODEL = 'auto';

/** `units` with every `auto` unit of `method` replaced by the same unit planned for the served model. */
export function adoptServedModel(units: readonly RunUnit[], served: readonly string[] | undefined, ctx: { method: string; endpointUrl: string; workDir: string; log: Logger }): RunUnit[] {
  const auto = units.filter((u) => u.model === AUTO_MODEL);
  if (auto.length === 0) return [...units];
  const model = served?.[0];
  if (!model) {
    throw new LlmdbenchError('E_MODEL_AUTO', `-m auto: ${ctx.endpointUrl}/v1/models ${served ? 'lists no model' : 'did not answer from inside the cluster'}, so there is no model to adopt`, {
      kind: 'environment',
      hint: 'check that the stack is up, or name the model with -m',
    });
  }
  if (served.length > 1) ctx.log.warn(`-m auto: ${ctx.endpointUrl} serves ${served.join(', ')}; adopting the first, ${model} (name another with -m)`);
  else ctx.log.info(`-m auto: adopting the served model ${model}`);
  const replanned = buildPlan({ config: auto[0]!.config, workDir: ctx.workDir, endpointUrl: ctx.endpointUrl, models: [model], methods: [ctx.method] }).units;
  return [...units.filter((u) => u.model !== AUTO_MODEL), ...replanned];
}
