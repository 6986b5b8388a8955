import { Registry } from '../../util/registry.ts';
import { conversationReplaySource } from './conversation-replay.ts';
import { sharegptSource, datasetPlugin } from './dataset.ts';
import { multiRoundQaSource } from './fmperf.ts';
import { syntheticTextSource } from './guidellm.ts';
import { mockSource } from './mock.ts';
import { randomSource } from './random.ts';
import { sharedPrefixSource } from './shared-prefix.ts';
import { syntheticSource } from './synthetic.ts';
import type { DataSourcePlugin } from './types.ts';
import { prefixRepetitionSource, sonnetSource, vllmRandomSource } from './vllm.ts';

/** Every data source, keyed by kind. Harness mappings look sources up here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const dataSources = new Registry<string, DataSourcePlugin<any>>('data source');

dataSources
  .register(randomSource)
  .register(syntheticSource)
  .register(sharedPrefixSource)
  .register(sharegptSource)
  .register(datasetPlugin('dataset', 'JSON/JSONL dataset (sharegpt conversations, messages or prompt entries) from a local file or directory'))
  .register(conversationReplaySource)
  .register(mockSource)
  // other harnesses' generators
  .register(vllmRandomSource)
  .register(prefixRepetitionSource)
  .register(sonnetSource)
  .register(syntheticTextSource)
  .register(multiRoundQaSource);
