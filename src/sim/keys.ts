/**
 * Every configuration key of llm-d-inference-sim (same kebab-case names and
 * defaults, spec A.3) plus a few llmdbench extensions. One table drives the
 * YAML/zod validation, the CLI flags and `llmdbench sim --help`.
 */
export type KeyType = 'int' | 'float' | 'duration' | 'bool' | 'string' | 'strings' | 'enum';

/** implemented: has an effect here; ignored: accepted for compatibility, no effect; extension: ours only. */
export type KeyEffect = 'implemented' | 'ignored' | 'extension';

export interface KeySpec {
  key: string;
  type: KeyType;
  /** Default in the config's own unit (durations in ms). undefined = unset. */
  def: unknown;
  help: string;
  effect: KeyEffect;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** May be changed at run time through POST /admin/config (upstream's list). */
  admin?: boolean;
  /** Upstream also has the flag `--no-<key>` (sets false). */
  negatable?: boolean;
}

export const FAILURE_TYPES = [
  'rate_limit',
  'invalid_api_key',
  'context_length',
  'server_error',
  'invalid_request',
  'model_not_found',
] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

/** vLLM --load-format values (upstream nop's LoadFormat enum without `unknown`). */
export const SIM_LOAD_FORMATS = ['auto', 'pt', 'safetensors', 'npcache', 'dummy', 'tensorizer', 'sharded_state', 'gguf', 'bitsandbytes', 'mistral', 'runai_streamer', 'runai_streamer_sharded', 'fastsafetensors'] as const;

/** The start-up phases of startup-log, in order, with their keys and default durations (ms). */
export const STARTUP_PHASES = [
  { key: 'log-phase-detect-platform', title: 'Detect Platform', defMs: 50 },
  { key: 'log-phase-imports', title: 'LLM Imports', defMs: 300 },
  { key: 'log-phase-model-info', title: 'Get Model Info', defMs: 120 },
  { key: 'log-phase-worker-init', title: 'Worker Initialization', defMs: 200 },
  { key: 'log-phase-model-loading', title: 'Model Loading', defMs: 600 },
  { key: 'log-phase-dynamo', title: 'Dynamo', defMs: 250 },
  { key: 'log-phase-inductor', title: 'Inductor', defMs: 350 },
  { key: 'log-phase-cuda-graphs', title: 'CUDA Graph Capture', defMs: 300 },
  { key: 'log-phase-api-server', title: 'API Server Starts', defMs: 30 },
] as const;

const I = 'implemented' as const;
const X = 'ignored' as const;
const E = 'extension' as const;

export const KEYS: readonly KeySpec[] = [
  // General / serving
  { key: 'model', type: 'string', def: undefined, effect: I, help: 'model name served (required; env SIM_MODEL)' },
  { key: 'served-model-name', type: 'strings', def: undefined, effect: I, help: 'aliases accepted in requests; the first is shown in responses and metric labels (default: [model])' },
  { key: 'port', type: 'int', def: 8000, min: 0, max: 65535, effect: I, help: 'TCP port (0 = any free port; the chosen URL is printed)' },
  { key: 'max-request-body-size-mb', type: 'int', def: 4, min: 1, max: 512, effect: I, help: 'largest accepted request body, MiB' },
  { key: 'max-model-len', type: 'int', def: 1024, min: 1, effect: I, help: 'context window: prompt + requested output tokens must fit' },
  { key: 'max-num-seqs', type: 'int', def: 5, min: 1, effect: I, help: 'concurrent running requests (worker slots)' },
  { key: 'max-waiting-queue-length', type: 'int', def: 1000, min: 0, effect: I, help: 'FIFO queue behind the slots; full queue answers 429' },
  { key: 'mode', type: 'enum', def: 'random', values: ['random', 'echo'], effect: I, help: 'random: synthetic text; echo: return the prompt' },
  { key: 'seed', type: 'int', def: undefined, effect: I, help: 'seed of the one PRNG (latencies, lengths, failures, ids); default: current time' },
  { key: 'startup-duration', type: 'duration', def: 0, effect: I, help: '/health/ready answers 503 until this long after start' },
  { key: 'enable-request-id-headers', type: 'bool', def: false, effect: I, help: 'honour and echo X-Request-Id' },
  { key: 'log-http', type: 'bool', def: false, effect: X, help: 'log every request (accepted, no effect)' },
  { key: 'enable-sleep-mode', type: 'bool', def: false, negatable: true, effect: I, help: 'serve POST /sleep, POST /wake_up, GET /is_sleeping (generation answers 503 while asleep); logged in startup-log' },
  { key: 'data-parallel-size', type: 'int', def: 1, min: 1, max: 8, effect: X, help: 'data-parallel ranks (accepted; only 1 is simulated)' },
  { key: 'data-parallel-rank', type: 'int', def: -1, min: -1, max: 7, effect: X, help: 'run one rank (accepted, no effect)' },
  { key: 'ssl-certfile', type: 'string', def: undefined, effect: X, help: 'TLS certificate (accepted, no effect: plain HTTP only)' },
  { key: 'ssl-keyfile', type: 'string', def: undefined, effect: X, help: 'TLS key (accepted, no effect)' },
  { key: 'self-signed-certs', type: 'bool', def: false, effect: X, help: 'TLS with generated certs (accepted, no effect)' },
  { key: 'default-embedding-dimensions', type: 'int', def: 384, effect: X, help: '/v1/embeddings size (not served)' },
  { key: 'mm-encoder-only', type: 'bool', def: false, negatable: true, effect: X, help: 'multimodal encoder-only mode (accepted, no effect)' },
  { key: 'omni', type: 'bool', def: false, negatable: true, effect: X, help: 'synthetic images in chat (accepted, no effect)' },
  { key: 'image-emission-rate', type: 'float', def: 0, effect: X, admin: true, help: 'omni image rate (accepted, no effect)' },
  { key: 'time-to-generate-image', type: 'duration', def: 0, effect: X, help: 'omni (accepted, no effect)' },
  { key: 'time-to-generate-image-std-dev', type: 'duration', def: 0, effect: X, help: 'omni (accepted, no effect)' },
  // LoRA
  { key: 'lora-modules', type: 'strings', def: [], effect: X, help: 'LoRA adapters (accepted, no effect)' },
  { key: 'max-loras', type: 'int', def: 1, min: 1, effect: X, help: 'LoRA concurrency (accepted, no effect)' },
  { key: 'max-cpu-loras', type: 'int', def: undefined, effect: X, help: 'LoRA CPU slots (accepted, no effect)' },
  // Latency
  { key: 'latency-calculator', type: 'enum', def: '', values: ['', 'constant', 'per-token'], effect: I, admin: true, help: 'constant | per-token | "" (legacy: per-token when time-to-first-token and its std-dev are 0)' },
  { key: 'time-to-first-token', type: 'duration', def: 0, effect: I, admin: true, help: 'constant TTFT (e.g. 100ms)' },
  { key: 'time-to-first-token-std-dev', type: 'duration', def: 0, effect: I, admin: true, help: 'TTFT std-dev, at most 30% of TTFT' },
  { key: 'inter-token-latency', type: 'duration', def: 0, effect: I, admin: true, help: 'delay before every token after the first' },
  { key: 'inter-token-latency-std-dev', type: 'duration', def: 0, effect: I, admin: true, help: 'ITL std-dev, at most 30% of ITL' },
  { key: 'prefill-overhead', type: 'duration', def: 0, effect: I, admin: true, help: 'per-token calculator: fixed prefill time' },
  { key: 'prefill-time-per-token', type: 'duration', def: 0, effect: I, admin: true, help: 'per-token calculator: time per uncached prompt token' },
  { key: 'prefill-time-std-dev', type: 'duration', def: 0, effect: I, admin: true, help: 'std-dev of the whole prefill time' },
  { key: 'kv-cache-transfer-latency', type: 'duration', def: 0, effect: I, admin: true, help: 'TTFT of a P/D request (kv_transfer_params.do_remote_prefill)' },
  { key: 'kv-cache-transfer-latency-std-dev', type: 'duration', def: 0, effect: I, admin: true, help: 'its std-dev (at most 30%)' },
  { key: 'kv-cache-transfer-time-per-token', type: 'duration', def: 0, effect: I, admin: true, help: 'P/D per-prompt-token transfer time' },
  { key: 'kv-cache-transfer-time-std-dev', type: 'duration', def: 0, effect: I, admin: true, help: 'its std-dev' },
  { key: 'time-factor-under-load', type: 'float', def: 1.0, min: 1, effect: I, admin: true, help: 'delays multiplied by up to this factor when all slots are busy (>= 1)' },
  // Content / datasets / tokenizer
  { key: 'dataset-path', type: 'string', def: undefined, effect: X, help: 'SQLite dataset (accepted, no effect)' },
  { key: 'dataset-url', type: 'string', def: undefined, effect: X, help: 'dataset download (accepted, no effect; never downloaded)' },
  { key: 'dataset-in-memory', type: 'bool', def: false, effect: X, help: '(accepted, no effect)' },
  { key: 'dataset-table-name', type: 'string', def: 'llmd', effect: X, help: '(accepted, no effect)' },
  { key: 'render-url', type: 'string', def: 'http://localhost:8082', effect: X, help: 'vLLM render service (never called)' },
  { key: 'render-timeout', type: 'duration', def: 30000, effect: X, help: '(accepted, no effect)' },
  { key: 'mm-render-timeout', type: 'duration', def: 60000, effect: X, help: '(accepted, no effect)' },
  { key: 'force-dummy-tokenizer', type: 'bool', def: false, effect: I, help: 'always count tokens with the built-in regex tokenizer' },
  { key: 'max-tool-call-integer-param', type: 'int', def: 100, effect: X, help: 'tool calls (accepted, no effect)' },
  { key: 'min-tool-call-integer-param', type: 'int', def: 0, effect: X, help: '(accepted, no effect)' },
  { key: 'max-tool-call-number-param', type: 'float', def: 100, effect: X, help: '(accepted, no effect)' },
  { key: 'min-tool-call-number-param', type: 'float', def: 0, effect: X, help: '(accepted, no effect)' },
  { key: 'max-tool-call-array-param-length', type: 'int', def: 5, effect: X, help: '(accepted, no effect)' },
  { key: 'min-tool-call-array-param-length', type: 'int', def: 1, effect: X, help: '(accepted, no effect)' },
  { key: 'tool-call-not-required-param-probability', type: 'int', def: 50, effect: X, help: '(accepted, no effect)' },
  { key: 'object-tool-call-not-required-field-probability', type: 'int', def: 50, effect: X, help: '(accepted, no effect)' },
  { key: 'tool-call-extra-call-probability', type: 'int', def: 45, effect: X, help: '(accepted, no effect)' },
  { key: 'skip-tool-validation', type: 'bool', def: false, effect: X, help: '(accepted, no effect)' },
  // KV cache
  { key: 'enable-kvcache', type: 'bool', def: false, effect: I, help: 'simulate the KV/prefix cache: cached prompt blocks shorten per-token prefill' },
  { key: 'kv-cache-size', type: 'int', def: 1024, min: 1, effect: I, help: 'KV cache capacity in blocks' },
  { key: 'block-size', type: 'int', def: 16, effect: I, values: ['8', '16', '32', '64', '128'], help: 'tokens per KV block (8|16|32|64|128)' },
  { key: 'global-cache-hit-threshold', type: 'float', def: 0, min: 0, max: 1, effect: I, help: 'hit rate below this ends a request at once with finish_reason cache_threshold (0 = off)' },
  { key: 'hash-seed', type: 'string', def: '', effect: X, help: '(accepted, no effect)' },
  { key: 'zmq-endpoint', type: 'string', def: 'tcp://127.0.0.1:5557', effect: X, help: 'KV events (never published)' },
  { key: 'event-batch-size', type: 'int', def: 16, effect: X, help: '(accepted, no effect)' },
  { key: 'use-vllm-map-event-format', type: 'bool', def: false, effect: X, help: '(accepted, no effect)' },
  { key: 'kv-events-replay-endpoint', type: 'string', def: '', effect: X, help: '(accepted, no effect)' },
  { key: 'kv-events-replay-queue-size', type: 'int', def: 1024, effect: X, help: '(accepted, no effect)' },
  // Failure injection
  { key: 'failure-injection-rate', type: 'int', def: 0, min: 0, max: 100, effect: I, admin: true, help: 'percent of requests answered at once with an injected error' },
  { key: 'failure-types', type: 'strings', def: [], values: FAILURE_TYPES, effect: I, admin: true, help: `injected error types (default: all of ${FAILURE_TYPES.join(', ')})` },
  // Fake metrics
  { key: 'fake-metrics', type: 'string', def: undefined, effect: X, admin: true, help: 'fake metric values (accepted, no effect: real metrics are always served)' },
  { key: 'fake-metrics-refresh-interval', type: 'duration', def: 100, effect: X, help: '(accepted, no effect)' },
  // vLLM compatibility
  { key: 'tensor-parallel-size', type: 'int', def: 1, effect: X, help: 'vLLM flag (accepted, no effect)' },
  { key: 'enable-prefix-caching', type: 'bool', def: true, negatable: true, effect: X, help: 'vLLM flag (accepted, no effect)' },
  { key: 'enforce-eager', type: 'bool', def: false, negatable: true, effect: X, help: 'vLLM flag (accepted, no effect)' },
  { key: 'mm-processor-kwargs', type: 'string', def: undefined, effect: X, help: 'vLLM flag (accepted, no effect)' },
  { key: 'ec-transfer-config', type: 'string', def: undefined, effect: X, help: 'vLLM flag (accepted, no effect)' },
  // llmdbench extensions
  { key: 'host', type: 'string', def: '127.0.0.1', effect: E, help: 'address to bind (upstream binds all IPv4 interfaces)' },
  { key: 'whole-ms-delays', type: 'bool', def: false, effect: E, admin: true, help: 'truncate means, std-devs and samples to whole ms exactly like upstream (default: sub-ms precise)' },
  { key: 'tokenizer', type: 'string', def: undefined, effect: E, help: "tokenizer (HF id or tokenizer.json path) for token counts; default: the model's own when found locally, else the built-in regex tokenizer" },
  { key: 'trace-capacity', type: 'int', def: 10000, min: 0, effect: E, help: 'requests whose chunk send times are kept for GET /admin/trace (0 = off)' },
  { key: 'startup-log', type: 'string', def: undefined, effect: E, help: 'write a vLLM-style start-up log (DEBUG, ms timestamps, process tags) to this file while starting; /health/ready answers 503 until the logged start-up ends' },
  { key: 'load-format', type: 'enum', def: 'auto', values: SIM_LOAD_FORMATS, effect: E, help: 'vLLM --load-format named in startup-log' },
  { key: 'model-size-gib', type: 'float', def: 2.3, min: 0, effect: E, help: 'model weights size printed in startup-log ("Model loading took X GiB") and freed by /sleep' },
  { key: 'compile-cache', type: 'bool', def: false, effect: E, help: 'startup-log: compiled graphs loaded from the cache (else compiled)' },
  ...STARTUP_PHASES.map((p) => ({ key: p.key, type: 'duration' as const, def: p.defMs, effect: E, help: `startup-log: duration of the "${p.title}" phase` })),
  { key: 'workers', type: 'int', def: 1, min: 1, max: 64, effect: E, help: 'shard the simulator over this many processes (node:cluster, connections round-robin), each with its own clock loop; max-num-seqs, max-waiting-queue-length and kv-cache-size are split between them (docs/simulator.md)' },
  { key: 'trace-file', type: 'string', def: undefined, effect: E, help: 'append one JSON line per finished request with its chunk send times (CLOCK_MONOTONIC ms)' },
];

export const KEY_NAMES: readonly string[] = KEYS.map((k) => k.key);
export const KEY_BY_NAME: ReadonlyMap<string, KeySpec> = new Map(KEYS.map((k) => [k.key, k]));
