/**
 * `--dataset-name` → one of the engine's data sources, with vLLM's rules:
 *   random            → vllm_random (uniform lengths ±random-range-ratio, shared random-prefix-len)
 *   sharegpt          → sharegpt from --dataset-path (shuffled with the seed; prompt ≥ 4 and ≤ 1024
 *                       tokens, output ≥ 4 unless --sharegpt-output-len, prompt + output ≤ 2048)
 *   sonnet            → sonnet (--dataset-path when it exists, else the shipped poem lines, with a warning)
 *   custom            → dataset from --dataset-path (JSONL `prompt`, optional `output_tokens`;
 *                       --custom-output-len, −1 = from the data), shuffled unless --disable-shuffle
 *   prefix_repetition → prefix_repetition
 * Sources are built for the completions API; the harness turns each prompt into one user
 * message for openai-chat (as vLLM's chat request function does).
 */
import { existsSync } from 'node:fs';
import { dataSources, type RequestSource } from '../../engine/datagen/index.ts';
import type { Tokenizer } from '../../engine/tokenizer/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';
import type { ProfileIssue } from '../types.ts';
import type { VllmArgs } from './config-map.ts';

type Obj = Record<string, unknown>;

export interface MappedData {
  kind: string;
  cfg: Obj;
  at: string[];
}

function needPath(a: VllmArgs): string {
  if (!a.dataset_path || a.dataset_path.endsWith('/NONE') || !existsSync(a.dataset_path)) {
    throw new LlmdbenchError('E_DATASET_MISSING', `dataset-name ${a.dataset_name}: dataset-path ${a.dataset_path ?? '(unset)'} does not exist`, {
      kind: 'environment',
      location: { keyPath: 'dataset-path' },
      hint: 'put the dataset file in LLMDBENCH_RUN_DATASET_DIR and name it with LLMDBENCH_RUN_DATASET_FILE (or fetch it once with -x <URL>)',
    });
  }
  return a.dataset_path;
}

export function mapVllmData(a: VllmArgs, log?: Logger): MappedData {
  switch (a.dataset_name) {
    case 'random':
      return { kind: 'vllm_random', cfg: { input_len: a.random_input_len, output_len: a.random_output_len, range_ratio: a.random_range_ratio, prefix_len: a.random_prefix_len }, at: ['random-input-len'] };
    case 'sharegpt': {
      const cfg: Obj = { path: needPath(a), shuffle: true, max_total_tokens: 2048, input_distribution: { min: 4, max: 1024 } };
      if (a.sharegpt_output_len !== null) cfg.fixed_output_len = a.sharegpt_output_len;
      else cfg.output_distribution = { min: 4 };
      return { kind: 'sharegpt', cfg, at: ['dataset-path'] };
    }
    case 'sonnet': {
      const cfg: Obj = { input_len: a.sonnet_input_len, output_len: a.sonnet_output_len, prefix_len: a.sonnet_prefix_len };
      if (a.dataset_path && existsSync(a.dataset_path)) cfg.path = a.dataset_path;
      else log?.warn(`dataset-path ${a.dataset_path ?? '(unset)'} does not exist here: using the shipped public-domain poem lines for the sonnet dataset`);
      return { kind: 'sonnet', cfg, at: ['sonnet-input-len'] };
    }
    case 'custom': {
      const cfg: Obj = { path: needPath(a), shuffle: true };
      if (a.custom_output_len > 0) cfg.fixed_output_len = a.custom_output_len;
      return { kind: 'dataset', cfg, at: ['dataset-path'] };
    }
    case 'prefix_repetition':
      return {
        kind: 'prefix_repetition',
        cfg: { prefix_len: a.prefix_repetition_prefix_len, suffix_len: a.prefix_repetition_suffix_len, num_prefixes: a.prefix_repetition_num_prefixes, output_len: a.prefix_repetition_output_len },
        at: ['prefix-repetition-prefix-len'],
      };
    default:
      throw new LlmdbenchError('E_VLLM_UNSUPPORTED', `dataset-name ${a.dataset_name} is not supported by llmdbench`, { location: { keyPath: 'dataset-name' } });
  }
}

const fmt = (i: ProfileIssue): string => `${i.path.join('.')}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;

/** Validate the mapped section (all problems at once). */
export function checkVllmData(m: MappedData, profileName: string): void {
  const errors = dataSources.get(m.kind).validate(m.cfg, m.at).filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new LlmdbenchError('E_VLLM_DATA', `${profileName}: the dataset options cannot be used`, { details: errors.map(fmt) });
}

export async function openVllmData(m: MappedData, a: VllmArgs, opts: { tokenizer: Tokenizer; seed: number; log: Logger; count: number; signal?: AbortSignal }): Promise<RequestSource> {
  return dataSources.get(m.kind).create(m.cfg, {
    tokenizer: opts.tokenizer,
    seed: opts.seed,
    api: 'completion',
    stream: !a.no_stream,
    ...(a.ignore_eos ? { ignoreEos: true } : {}),
    log: opts.log,
    ...(opts.signal ? { signal: opts.signal } : {}),
    totalCount: opts.count,
  });
}
