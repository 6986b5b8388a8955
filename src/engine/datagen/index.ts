/** Data sources: what to send. See README.md. */
export type { DataSourceContext, DataSourcePlugin, RequestSource, ResponseInfo, KeyPath } from './types.ts';
export { dataSources } from './registry.ts';
export {
  checkDistribution,
  resolveDistribution,
  sampleLength,
  sampleLengths,
  LengthSequence,
  roundHalfEven,
  type Distribution,
  type DistributionConfig,
  type SamplingPath,
} from './distribution.ts';
export { PromptBuilder, promptBuilder } from './prompt.ts';
export { fetchDatasetOnce, datasetFileName } from './fetch.ts';
export { resolveDatasetFile, entryTurns, SHAREGPT_FILE, SHAREGPT_URL } from './dataset.ts';
export { SYNTHETIC_INSTRUCTION, DEFAULT_CORPUS } from './synthetic.ts';
export { SessionGate } from './common.ts';
