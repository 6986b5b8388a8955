/**
 * Which metric-definition set summarises a result directory: the producing harness's own
 * (`HarnessPlugin.definitions`), else inference-perf's. The one hook between a harness kind
 * and the analysis step.
 */
import { harnesses } from '../harness/registry.ts';
import { inferencePerfDefinitions, type MetricDefinitionSet } from '../metrics/definition-set.ts';

export function definitionsFor(kind: string | undefined): MetricDefinitionSet {
  if (kind === undefined || !harnesses.has(kind)) return inferencePerfDefinitions;
  return harnesses.get(kind).definitions ?? inferencePerfDefinitions;
}
