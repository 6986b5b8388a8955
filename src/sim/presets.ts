/**
 * Named latency presets (overrides of the upstream defaults). Documented in
 * docs/simulator.md; `llmdbench run` uses `realistic-small` for the embedded target.
 */
export const PRESETS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  /**
   * Upstream defaults: every latency 0 (instant responses), as llm-d-benchmark's CI runs the sim,
   * but with a realistic context window (128k, a current model's) instead of upstream's 1,024
   * tokens, which would fail every long-prompt profile; a --config file or flag still sets it.
   */
  instant: { 'max-model-len': 131072 },
  /**
   * A small (~1–8B) model on one modern GPU: TTFT = 20 ms + 0.1 ms per uncached
   * prompt token (± 2 ms), ITL 15 ms ± 1.5 ms, 256 slots, up to 1.5× slower
   * with every slot busy, prefix caching on.
   */
  'realistic-small': {
    'latency-calculator': 'per-token',
    'prefill-overhead': '20ms',
    'prefill-time-per-token': '100us',
    'prefill-time-std-dev': '2ms',
    'inter-token-latency': '15ms',
    'inter-token-latency-std-dev': '1500us',
    'time-factor-under-load': 1.5,
    'max-num-seqs': 256,
    'max-waiting-queue-length': 10000,
    'max-model-len': 32768,
    'enable-kvcache': true,
    'kv-cache-size': 65536,
    'block-size': 16,
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
