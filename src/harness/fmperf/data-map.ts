/**
 * Where fmperf's requests come from: LMBenchmark's multi-round QA turns (datagen
 * `multi_round_qa` with the schedule's planned turns), the engine warm-up's "WARMUP" prompts,
 * and, for the sharegpt scenario, ShareGPT prompts from a local file (LMBenchmark replays a
 * prepared set of 252; we take up to 252 usable entries of LLMDBENCH_RUN_DATASET_DIR's
 * ShareGPT file, max_tokens = the recorded answer's length, sent as one user message).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataSources, SHAREGPT_FILE, SHAREGPT_URL, type DataSourceContext, type RequestSource } from '../../engine/datagen/index.ts';
import type { RequestSpec } from '../../engine/types.ts';
import type { EffectiveConfig } from '../../config/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { SHAREGPT_RUN_PROMPTS } from './config-map.ts';
import type { Phase } from './load-map.ts';

/** The local ShareGPT file for the sharegpt scenario; an error before any load when there is none. */
export function sharegptPath(config: EffectiveConfig): string {
  const dir = config.get('LLMDBENCH_RUN_DATASET_DIR');
  const file = config.get('LLMDBENCH_RUN_DATASET_FILE');
  const name = file && file !== 'NONE' ? file : SHAREGPT_FILE;
  if (dir && existsSync(join(dir, name))) return join(dir, name);
  throw new LlmdbenchError('E_DATA_NEEDS_NETWORK', 'fmperf scenario sharegpt replays ShareGPT prompts, and no local ShareGPT file was found; llmdbench runs offline', {
    kind: 'environment',
    location: { keyPath: 'scenarios' },
    hint: `put ${SHAREGPT_FILE} in a directory and set LLMDBENCH_RUN_DATASET_DIR (or fetch it once with -x ${SHAREGPT_URL})`,
  });
}

/** The ShareGPT source and how many of its prompts the replay sends (≤ 252). */
export async function openSharegpt(path: string, ctx: DataSourceContext): Promise<{ source: RequestSource; count: number }> {
  const source = await dataSources.get('sharegpt').create({ path }, { ...ctx, api: 'completion', totalCount: SHAREGPT_RUN_PROMPTS });
  let count = 0;
  while (count < SHAREGPT_RUN_PROMPTS) {
    await source.get(count);
    if (source.size !== undefined && count >= source.size) break;
    count++;
  }
  return { source, count: source.size !== undefined ? Math.min(count, source.size) : count };
}

/** multi-round-qa.py's engine warm-up prompt. */
export function engineWarmupSpec(i: number, chat: boolean, stream: boolean): RequestSpec {
  const text = `WARMUP: Hi, I'm user ${i}. Here are some text: ${'hi '.repeat(100)}.`;
  return chat ? { api: 'chat', stream, messages: [{ role: 'user', content: text }], maxTokens: 100 } : { api: 'completion', stream, prompt: text, maxTokens: 100 };
}

export async function openMrq(p: Phase, ctx: DataSourceContext): Promise<RequestSource> {
  return dataSources.get('multi_round_qa').create({ system_prompt: p.mrq!.systemPrompt, chat_history: p.mrq!.chatHistory, answer_len: p.mrq!.answerLen, turns: p.turns, gap_s: p.mrq!.gapS }, ctx);
}
