/**
 * The log wordings of each scalar metric, across vLLM generations. A metric's `keys` find
 * its line (as upstream: a substring); its `variants` read the numbers. A line that has a
 * key but matches no variant is an unknown wording: the metric stays absent with a warning,
 * never a number taken from the wrong place (upstream takes the first float after the key,
 * which for "Compiling a graph for shape 8 takes 2.1 s" is 8).
 */

export interface Variant {
  /** Recorded in result files: which wording matched. */
  id: string;
  re: RegExp;
}

export interface MetricPattern {
  /** Stable key, also the name in `matched` and in warnings. */
  metric: string;
  /** Substrings that mark the metric's line (any). */
  keys: readonly string[];
  variants: readonly Variant[];
  /** Also required for the line to count (e.g. " It took "). */
  also?: string;
  /** Only needed when sleep mode is on. */
  sleepOnly?: boolean;
}

const NUM = '([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)';
const r = (s: string): RegExp => new RegExp(s.replace(/#/g, NUM));

export const METRIC_PATTERNS: readonly MetricPattern[] = [
  {
    metric: 'load',
    keys: ['Model loading took', 'Loading model weights took'],
    variants: [
      // V1, vLLM >= 0.11: "Model loading took 14.9889 GiB memory and 8.430215 seconds"
      { id: 'gib-memory-and-seconds', re: r('Model loading took # GiB memory and # seconds') },
      // V1, vLLM 0.8-0.10: "Model loading took 14.9889 GiB and 8.430215 seconds"
      { id: 'gib-and-seconds', re: r('Model loading took # GiB and # seconds') },
      // V0, vLLM 0.7: "Model loading took 15.2209 GB and 12.221976 seconds"
      { id: 'gb-and-seconds', re: r('Model loading took # GB and # seconds') },
      // V0, vLLM <= 0.6: "Loading model weights took 14.9888 GB" (no time)
      { id: 'weights-gb-no-time', re: r('Loading model weights took # GB$') },
    ],
  },
  {
    metric: 'dynamo_bytecode_transform',
    keys: ['Dynamo bytecode transform time'],
    variants: [{ id: 'time-s', re: r('Dynamo bytecode transform time: # s') }],
  },
  {
    metric: 'load_cached_compiled_graph',
    keys: ['Directly load the compiled graph(s) for '],
    variants: [{ id: 'from-cache-took', re: r('Directly load the compiled graph\\(s\\) for .*? from the cache, took # s') }],
  },
  {
    metric: 'compile_graph',
    keys: ['Compiling a graph for '],
    variants: [{ id: 'takes', re: r('Compiling a graph for .*? takes # s') }],
  },
  {
    metric: 'torch_compile',
    keys: ['torch.compile takes', 'torch.compile took'],
    variants: [
      { id: 'takes', re: r('torch\\.compile takes # s in total') },
      { id: 'took', re: r('torch\\.compile took # s in total') },
    ],
  },
  {
    metric: 'memory_profiling.initial_free',
    keys: ['Initial free memory'],
    variants: [{ id: 'gib', re: r('Initial free memory:? # ?GiB') }],
  },
  {
    metric: 'memory_profiling.after_free',
    keys: ['Free memory after profiling'],
    variants: [{ id: 'gib', re: r('Free memory after profiling:? # ?GiB') }],
  },
  {
    metric: 'memory_profiling.time',
    keys: ['Memory profiling takes', 'Memory profiling results:'],
    variants: [
      // vLLM 0.7-0.10: "Memory profiling takes 6.42 seconds"
      { id: 'seconds', re: r('Memory profiling takes # seconds') },
      // vLLM 0.6.4-0.6.6: "Memory profiling results: duration=5.34 seconds, total_gpu_memory=79.22GiB, ..."
      { id: 'results-duration', re: r('Memory profiling results: duration=# seconds') },
    ],
  },
  {
    metric: 'memory_profiling.available_kv_cache',
    keys: ['Available KV cache memory:'],
    variants: [{ id: 'gib', re: r('Available KV cache memory: # ?GiB') }],
  },
  {
    metric: 'sleep.time',
    keys: [' seconds to fall asleep'],
    also: 'took ',
    sleepOnly: true,
    variants: [{ id: 'it-took', re: r('took # seconds to fall asleep') }],
  },
  {
    metric: 'sleep.gpu',
    keys: ['Sleep mode freed'],
    sleepOnly: true,
    variants: [{ id: 'freed-in-use', re: r('Sleep mode freed # GiB memory, # GiB memory is still in use') }],
  },
  {
    metric: 'wake',
    keys: [' seconds to wake up'],
    also: 'took ',
    sleepOnly: true,
    variants: [{ id: 'it-took', re: r('took # seconds to wake up') }],
  },
];
