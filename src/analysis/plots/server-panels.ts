/**
 * Which server metrics the `server-metrics` plot draws, grouped into panels with units: the gauges
 * the monitoring summary and the v0.2 observability section pick (KV cache in both vLLM
 * spellings, running / waiting / swapped requests, GPU utilization, memory, power) and counters
 * as rates (completions, tokens, preemptions, the prefix-cache hit rate as Δhits / Δqueries).
 * Add a metric: a source in a panel here.
 */
export interface Source {
  label: string;
  /** First present name wins (vLLM renamed some). */
  names: string[];
  type: 'gauge' | 'counter' | 'ratio';
  scale?: number;
  /** ratio: the denominator counter. */
  per?: string;
}
export interface PanelDef {
  id: string;
  title: string;
  axis: string;
  /** gauge: values at each scrape (lines through points); rate: constant over each scrape interval (steps). */
  kind: 'gauge' | 'rate';
  sources: Source[];
  /** Left out when every value is 0 (e.g. no preemption happened). */
  hideZero?: boolean;
}

/** The panels, in drawing order (the gauges the summary and the v0.2 observability section pick, and the counters' rates). */
export const SERVER_PANELS: readonly PanelDef[] = [
  { id: 'request-rate', title: 'requests completed by the server (req/s)', axis: 'requests/s', kind: 'rate', sources: [{ label: 'completed (server)', names: ['vllm:request_success_total'], type: 'counter' }] },
  {
    id: 'kv-cache',
    title: 'KV-cache usage (%)',
    axis: 'cache used (%)',
    kind: 'gauge',
    sources: [
      { label: 'KV cache (GPU)', names: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'], type: 'gauge', scale: 100 },
      { label: 'CPU cache', names: ['vllm:cpu_cache_usage_perc'], type: 'gauge', scale: 100 },
    ],
  },
  {
    id: 'queue',
    title: 'requests on the server',
    axis: 'requests',
    kind: 'gauge',
    sources: ['running', 'waiting', 'swapped'].map((k) => ({ label: k, names: [`vllm:num_requests_${k}`], type: 'gauge' as const })),
  },
  {
    id: 'tokens',
    title: 'server token throughput (tokens/s)',
    axis: 'tokens/s',
    kind: 'rate',
    sources: [
      { label: 'generated', names: ['vllm:generation_tokens_total'], type: 'counter' },
      { label: 'prompt', names: ['vllm:prompt_tokens_total'], type: 'counter' },
    ],
  },
  {
    id: 'prefix-cache',
    title: 'prefix-cache hit rate (%)',
    axis: 'hits / queries (%)',
    kind: 'rate',
    sources: [
      { label: 'prefix cache', names: ['vllm:prefix_cache_hits_total'], per: 'vllm:prefix_cache_queries_total', type: 'ratio', scale: 100 },
      { label: 'GPU prefix cache', names: ['vllm:gpu_prefix_cache_hit_rate'], type: 'gauge', scale: 100 },
    ],
  },
  { id: 'preemptions', title: 'preemptions (per s)', axis: 'preemptions/s', kind: 'rate', hideZero: true, sources: [{ label: 'preemptions', names: ['vllm:num_preemptions_total', 'vllm:num_preemptions'], type: 'counter' }] },
  { id: 'gpu-util', title: 'GPU utilization (%)', axis: 'utilization (%)', kind: 'gauge', sources: [{ label: 'GPU', names: ['DCGM_FI_DEV_GPU_UTIL'], type: 'gauge' }] },
  {
    id: 'memory',
    title: 'memory used (GiB)',
    axis: 'memory (GiB)',
    kind: 'gauge',
    sources: [
      { label: 'GPU (vLLM)', names: ['vllm:gpu_memory_usage_bytes'], type: 'gauge', scale: 1 / 2 ** 30 },
      { label: 'GPU (DCGM)', names: ['DCGM_FI_DEV_FB_USED'], type: 'gauge', scale: 1 / 1024 },
      { label: 'CPU', names: ['vllm:cpu_memory_usage_bytes', 'container_memory_usage_bytes'], type: 'gauge', scale: 1 / 2 ** 30 },
    ],
  },
  { id: 'power', title: 'GPU power (W)', axis: 'power (W)', kind: 'gauge', sources: [{ label: 'GPU', names: ['DCGM_FI_DEV_POWER_USAGE'], type: 'gauge' }] },
];
