/**
 * inference-perf's `data` section → one of our data sources (src/engine/datagen):
 *   random, synthetic, mock           → same kind, the `data` section as config
 *   shared_prefix                     → shared_prefix, `data.shared_prefix`
 *   conversation_replay               → conversation_replay, `data.conversation_replay`
 *   shareGPT                          → sharegpt, from `data.path`, else LLMDBENCH_RUN_DATASET_DIR/_FILE
 *   cnn_dailymail, infinity_instruct,
 *   billsum_conversations             → dataset, from `data.path` only
 * Anything that would need the network (a Hugging Face dataset) is an error before any load.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataSources, SHAREGPT_FILE, SHAREGPT_URL, type RequestSource } from '../../engine/datagen/index.ts';
import type { Tokenizer } from '../../engine/tokenizer/types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { HarnessRunContext, ProfileIssue } from '../types.ts';
import type { IpConfig } from './config-map.ts';
import type { PlannedStage } from './load-map.ts';

type Obj = Record<string, unknown>;

interface Mapped {
  kind: string;
  cfg: Obj;
  at: (string | number)[];
}

function networkError(type: string, what: string, hint: string): LlmdbenchError {
  return new LlmdbenchError('E_DATA_NEEDS_NETWORK', `data.type ${type} would download ${what} from the network; llmdbench runs offline`, {
    kind: 'environment',
    location: { keyPath: 'data' },
    hint,
  });
}

/** Which of our sources serves this `data` section, and with what config. Throws for network-only data. */
export function mapData(cfg: IpConfig, ctx: Pick<HarnessRunContext, 'config'>): Mapped {
  const raw = cfg.data as Obj;
  const type = String(raw.type);
  const sub = (k: string): Obj => (raw[k] && typeof raw[k] === 'object' ? (raw[k] as Obj) : {});
  switch (type) {
    case 'random':
    case 'synthetic':
    case 'mock':
      return { kind: type, cfg: raw, at: ['data'] };
    case 'shared_prefix':
      return { kind: 'shared_prefix', cfg: sub('shared_prefix'), at: ['data', 'shared_prefix'] };
    case 'conversation_replay':
      return { kind: 'conversation_replay', cfg: sub('conversation_replay'), at: ['data', 'conversation_replay'] };
    case 'shareGPT': {
      const dir = ctx.config.get('LLMDBENCH_RUN_DATASET_DIR');
      const file = ctx.config.get('LLMDBENCH_RUN_DATASET_FILE');
      const fileName = file && file !== 'NONE' ? file : SHAREGPT_FILE;
      let path = typeof raw.path === 'string' && raw.path !== '' ? raw.path : undefined;
      if (!path && dir && existsSync(join(dir, fileName))) path = join(dir, fileName);
      if (!path) {
        throw networkError('shareGPT', `the Hugging Face dataset anon8231489123/ShareGPT_Vicuna_unfiltered`,
          `put ${SHAREGPT_FILE} in a directory and set LLMDBENCH_RUN_DATASET_DIR (or data.path), or fetch it once with -x ${SHAREGPT_URL}`);
      }
      const out: Obj = { path };
      for (const k of ['input_distribution', 'output_distribution']) if (raw[k]) out[k] = raw[k];
      return { kind: 'sharegpt', cfg: out, at: ['data'] };
    }
    case 'cnn_dailymail':
    case 'infinity_instruct':
    case 'billsum_conversations': {
      if (typeof raw.path !== 'string' || raw.path === '') {
        throw networkError(type, 'a Hugging Face dataset', 'download the dataset as JSON/JSONL and set data.path to the file');
      }
      const out: Obj = { path: raw.path };
      for (const k of ['input_distribution', 'output_distribution']) if (raw[k]) out[k] = raw[k];
      return { kind: 'dataset', cfg: out, at: ['data'] };
    }
    case 'otel_trace_replay':
    case 'weka_trace_replay': {
      const t = sub(type);
      if (t.hf_dataset_path && !t.trace_directory && !t.trace_files) {
        throw networkError(type, `the Hugging Face dataset ${JSON.stringify(t.hf_dataset_path)}`, `download the traces and set data.${type}.trace_directory`);
      }
      throw new LlmdbenchError('E_IP_UNSUPPORTED', `data.type ${type} (session trace replay) is not supported yet by llmdbench`, { location: { keyPath: 'data.type' } });
    }
    case 'visionarena':
      throw networkError(type, 'the VisionArena dataset', 'use a local data source (random, synthetic, shared_prefix, shareGPT with a local file)');
    default:
      throw new LlmdbenchError('E_IP_UNSUPPORTED', `data.type ${type} is not supported by llmdbench`, {
        location: { keyPath: 'data.type' },
        hint: 'use random, synthetic, shared_prefix, shareGPT, conversation_replay or mock',
      });
  }
}

const fmt = (i: ProfileIssue): string => `${i.path.join('.')}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`;

export async function openDataSource(cfg: IpConfig, ctx: HarnessRunContext, tokenizer: Tokenizer, stages: readonly Pick<PlannedStage, 'planned'>[]): Promise<RequestSource> {
  const m = mapData(cfg, ctx);
  const plugin = dataSources.get(m.kind);
  const issues = plugin.validate(m.cfg, m.at);
  for (const w of issues.filter((i) => i.severity === 'warning')) ctx.log.warn(`${ctx.profileName}: ${fmt(w)}`);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new LlmdbenchError('E_IP_DATA', `${ctx.profileName}: the data section cannot be used`, { details: errors.map(fmt), location: { keyPath: m.at.join('.') } });
  }
  const maxModelLen = Number(ctx.config.get('LLMDBENCH_DEPLOY_CURRENT_MAX_MODEL_LEN'));
  return plugin.create(m.cfg, {
    tokenizer,
    seed: cfg.load.base_seed,
    api: cfg.api.type === 'chat' ? 'chat' : 'completion',
    stream: cfg.api.streaming,
    ignoreEos: cfg.server.ignore_eos,
    log: ctx.log,
    signal: ctx.signal,
    totalCount: Math.max(1, ...stages.map((s) => s.planned)) + 1,
    ...(Number.isFinite(maxModelLen) && maxModelLen > 0 ? { maxModelLen } : {}),
  });
}
