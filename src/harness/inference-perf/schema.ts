/**
 * inference-perf config (v0.6.1 fields plus the v0.7 additions llm-d profiles
 * use). Types, enums and required fields here; cross-field rules in
 * schema-rules.ts. Unknown keys are warnings: v0.6.1 ignores them.
 */
import { z } from 'zod';
import { nonNegInt, nonNegNum, posInt, posNum } from '../schema-common.ts';

export const LOAD_TYPES = ['constant', 'poisson', 'concurrent', 'trace_replay', 'trace_session_replay'] as const;
export const DATA_TYPES = [
  'mock', 'shareGPT', 'synthetic', 'random', 'shared_prefix', 'cnn_dailymail', 'infinity_instruct',
  'billsum_conversations', 'otel_trace_replay', 'weka_trace_replay', 'conversation_replay', 'visionarena',
] as const;
export const DISTRIBUTION_TYPES = ['normal', 'skew_normal', 'lognormal', 'uniform', 'poisson', 'fixed'] as const;

export const distributionSchema = z.strictObject({
  type: z.enum(DISTRIBUTION_TYPES).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  std_dev: nonNegNum.optional(),
  variance: nonNegNum.nullable().optional(),
  skew: z.number().optional(),
  total_count: posInt.nullable().optional(),
});

const lenOrDist = z.union([nonNegInt, distributionSchema]);

const mediaSchema = z.strictObject({
  count: distributionSchema.optional(),
  insertion_point: z.number().min(0).max(1).optional(),
  resolutions: z.array(z.strictObject({ resolution: z.string(), weight: nonNegNum.optional() })).optional(),
  frames: distributionSchema.optional(),
  duration: distributionSchema.optional(),
  representation: z.string().optional(),
});
const multimodalSchema = z.strictObject({
  image: mediaSchema.nullable().optional(),
  video: mediaSchema.nullable().optional(),
  audio: mediaSchema.nullable().optional(),
});

const sharedPrefixSchema = z.strictObject({
  num_groups: posInt.optional(),
  num_unique_system_prompts: posInt.optional(),
  num_prompts_per_group: posInt.optional(),
  num_users_per_system_prompt: posInt.optional(),
  system_prompt_len: lenOrDist.optional(),
  question_len: lenOrDist.optional(),
  output_len: lenOrDist.optional(),
  question_distribution: distributionSchema.nullable().optional(),
  output_distribution: distributionSchema.nullable().optional(),
  seed: z.number().int().nullable().optional(),
  enable_multi_turn_chat: z.boolean().optional(),
  multimodal: multimodalSchema.nullable().optional(),
});

const conversationReplaySchema = z.strictObject({
  seed: z.number().int().optional(),
  max_model_len: posInt.optional(),
  num_conversations: posInt.optional(),
  shared_system_prompt_len: nonNegInt.optional(),
  dynamic_system_prompt_len: distributionSchema.optional(),
  turns_per_conversation: distributionSchema.optional(),
  input_tokens_per_turn: distributionSchema.optional(),
  output_tokens_per_turn: distributionSchema.optional(),
  tool_call_latency_sec: distributionSchema.optional(),
});

const otelShape = {
  trace_directory: z.string().optional(),
  trace_files: z.array(z.string()).optional(),
  hf_dataset_path: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  filter: z.string().optional(),
  use_static_model: z.boolean().optional(),
  static_model_name: z.string().optional(),
  model_mapping: z.record(z.string(), z.string()).optional(),
  default_max_tokens: posInt.optional(),
  override_tool_call_max_tokens: z.union([z.boolean(), posInt]).optional(),
  inject_random_session_id: z.boolean().optional(),
  duplicate_sessions_target: posInt.optional(),
  max_wait_ms: nonNegNum.optional(),
  predecessor_wait_timeout_sec: posNum.optional(),
  include_errors: z.boolean().optional(),
  skip_invalid_files: z.boolean().optional(),
  disable_output_substitution: z.boolean().optional(),
  attribute_to_header_map: z.record(z.string(), z.string()).optional(),
  attribute_to_label_map: z.record(z.string(), z.string()).optional(),
  bad_tool_call_handling: z.enum(['none', 'use_recorded']).optional(),
};
const otelSchema = z.strictObject(otelShape);
const wekaSchema = z.strictObject({
  ...otelShape,
  trace_idle_gap_cap_seconds: nonNegNum.optional(),
  ignore_trace_delays: z.boolean().optional(),
  use_think_time_only: z.boolean().optional(),
  default_block_size: posInt.optional(),
  num_dataset_entries: posInt.optional(),
});

/** Stage fields of every load type; which apply depends on load.type (schema-rules.ts). */
export const stageSchema = z.strictObject({
  rate: posNum.nullable().optional(),
  duration: posInt.nullable().optional(),
  num_requests: posInt.nullable().optional(),
  concurrency_level: posInt.nullable().optional(),
  concurrent_sessions: nonNegInt.nullable().optional(),
  num_sessions: posInt.nullable().optional(),
  session_rate: posNum.nullable().optional(),
  timeout: posNum.nullable().optional(),
});

const summaryFlags = { summary: z.boolean().optional(), per_stage: z.boolean().optional() };

export const inferencePerfSchema = z.strictObject({
  api: z
    .strictObject({
      type: z.enum(['completion', 'chat', 'anthropic_messages']).optional(),
      streaming: z.boolean().optional(),
      headers: z.record(z.string(), z.union([z.string(), z.number()])).nullable().optional(),
      slo_unit: z.enum(['s', 'ms', 'us']).nullable().optional(),
      slo_ttft_header: z.string().nullable().optional(),
      slo_tpot_header: z.string().nullable().optional(),
      response_format: z
        .strictObject({ type: z.enum(['json_schema', 'json_object']), name: z.string().optional(), json_schema: z.unknown().optional() })
        .nullable()
        .optional(),
      session_id_header_key: z.string().nullable().optional(),
      session_token_header_key: z.string().nullable().optional(),
    })
    .optional(),
  server: z.strictObject({
    type: z.enum(['vllm', 'sglang', 'tgi', 'mock']).optional(),
    model_name: z.string().nullable().optional(),
    base_url: z.string().min(1),
    ignore_eos: z.boolean().optional(),
    api_key: z.string().nullable().optional(),
    cert_path: z.string().nullable().optional(),
    key_path: z.string().nullable().optional(),
  }),
  tokenizer: z
    .strictObject({
      pretrained_model_name_or_path: z.string().nullable().optional(),
      trust_remote_code: z.boolean().nullable().optional(),
      token: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  load: z
    .strictObject({
      type: z.enum(LOAD_TYPES).optional(),
      interval: nonNegNum.optional(),
      stages: z.array(stageSchema).optional(),
      sweep: z
        .strictObject({
          type: z.enum(['linear', 'geometric']),
          num_requests: posInt.optional(),
          timeout: posNum.optional(),
          num_stages: posInt.optional(),
          stage_duration: posInt.optional(),
          saturation_percentile: z.number().gt(0).max(100).optional(),
        })
        .nullable()
        .optional(),
      num_workers: nonNegInt.optional(),
      worker_max_concurrency: posInt.optional(),
      worker_max_tcp_connections: posInt.optional(),
      request_timeout: posNum.nullable().optional(),
      lora_traffic_split: z.array(z.strictObject({ name: z.string().min(1), split: z.number().min(0).max(1) })).nullable().optional(),
      base_seed: z.number().int().optional(),
    })
    .optional(),
  data: z
    .strictObject({
      type: z.enum(DATA_TYPES).optional(),
      path: z.string().nullable().optional(),
      corpus_file_path: z.string().nullable().optional(),
      input_distribution: distributionSchema.nullable().optional(),
      output_distribution: distributionSchema.nullable().optional(),
      shared_prefix: sharedPrefixSchema.nullable().optional(),
      multimodal: multimodalSchema.nullable().optional(),
      use_chat_template: z.boolean().optional(),
      trace: z.strictObject({ file: z.string(), format: z.string().optional() }).nullable().optional(),
      conversation_replay: conversationReplaySchema.nullable().optional(),
      otel_trace_replay: otelSchema.nullable().optional(),
      weka_trace_replay: wekaSchema.nullable().optional(),
      visionarena: z.record(z.string(), z.unknown()).nullable().optional(),
    })
    .optional(),
  metrics: z
    .strictObject({
      type: z.enum(['prometheus', 'default']),
      prometheus: z
        .strictObject({
          url: z.string().optional(),
          google_managed: z.boolean().optional(),
          scrape_interval: posInt.optional(),
          filters: z.array(z.string()).optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  report: z
    .strictObject({
      request_lifecycle: z
        .strictObject({
          ...summaryFlags,
          per_request: z.boolean().optional(),
          per_adapter: z.boolean().optional(),
          per_adapter_stage: z.boolean().optional(),
          percentiles: z.array(z.number().gt(0).lt(100)).optional(),
          use_server_output_tokens: z.boolean().optional(),
          max_error_messages: nonNegInt.optional(),
        })
        .optional(),
      prometheus: z.strictObject(summaryFlags).optional(),
      session_lifecycle: z.strictObject({ ...summaryFlags, per_session: z.boolean().optional() }).optional(),
      goodput: z
        .strictObject({
          constraints: z.strictObject({
            ttft: posNum.optional(),
            tpot: posNum.optional(),
            itl: posNum.optional(),
            ntpot: posNum.optional(),
            request_latency: posNum.optional(),
          }),
        })
        .nullable()
        .optional(),
    })
    .optional(),
  storage: z
    .strictObject({
      local_storage: z.strictObject({ path: z.string().min(1).optional(), report_file_prefix: z.string().nullable().optional() }).nullable().optional(),
      google_cloud_storage: z
        .strictObject({ bucket_name: z.string().min(1), path: z.string().optional(), report_file_prefix: z.string().nullable().optional() })
        .nullable()
        .optional(),
      simple_storage_service: z
        .strictObject({
          bucket_name: z.string().min(1),
          path: z.string().optional(),
          report_file_prefix: z.string().nullable().optional(),
          endpoint_url: z.string().nullable().optional(),
          region_name: z.string().nullable().optional(),
          addressing_style: z.enum(['auto', 'virtual', 'path']).optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

export type InferencePerfConfig = z.infer<typeof inferencePerfSchema>;
