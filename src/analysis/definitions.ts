/**
 * Which metric-definition set summarises a result directory: the producing harness's own
 * (`HarnessPlugin.definitions`), else inference-perf's. The one hook between a harness kind
 * and the analysis step; it loads that harness's plugin (registry.ts loads plugins on demand).
 */
import { harnesses } from '../harness/registry.ts';
import { inferencePerfDefinitions, type MetricDefinitionSet } from '../metrics/definition-set.ts';

export async function definitionsFor(kind: string | undefined): Promise<MetricDefinitionSet> {
  if (kind === undefined || !harnesses.has(kind)) return inferencePerfDefinitions;
  return (await harnesses.load(kind)).definitions ?? inferencePerfDefinitions;
}
