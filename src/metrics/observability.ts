/**
 * The llm-d benchmark report v0.2 `results.observability` section from a monitoring summary
 * (src/metrics/monitoring.ts). Two shapes, both in the section:
 *  - `components[]` as the v0.2 JSON schema types it (ComponentObservability: `aggregate` =
 *    ResourceMetrics of Statistics, `time_series` = TimeSeriesResourceMetrics), one per scraped
 *    target; fractions reported as `percent` (×100), bytes as GiB;
 *  - llm-d-benchmark HEAD's per-metric entries (`metrics_processor.py` GRAPHED_METRICS:
 *    `vllm_kv_cache_usage_perc: {components: [{component_id, pod, role, statistics}]}`), which
 *    the schema allows as additional properties and upstream's dashboards read.
 * vLLM's two spellings (`vllm:gpu_cache_usage_perc` before v0.10, `vllm:kv_cache_usage_perc`
 * after) fill both `kv_cache_usage` and `gpu_cache_usage`.
 */
import { valueStats, type MetricSummary, type MonitoringSummary, type TargetMonitoring } from './monitoring.ts';

type Units = 'percent' | 'count' | 'GiB' | 'Watts';
interface Stat {
  units: Units;
  mean: number;
  stddev?: number;
  min?: number;
  p25?: number;
  p50?: number;
  p75?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

/** Report field ← Prometheus names (first present wins), with the scale into the report's units. */
const GAUGES: [field: string, names: string[], units: Units, scale: number][] = [
  ['kv_cache_usage', ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'], 'percent', 100],
  ['gpu_cache_usage', ['vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc'], 'percent', 100],
  ['cpu_cache_usage', ['vllm:cpu_cache_usage_perc'], 'percent', 100],
  ['cache_hit_rate', ['vllm:gpu_prefix_cache_hit_rate'], 'percent', 100],
  ['gpu_memory_usage', ['vllm:gpu_memory_usage_bytes'], 'GiB', 1 / 2 ** 30],
  ['gpu_memory_usage', ['DCGM_FI_DEV_FB_USED'], 'GiB', 1 / 1024],
  ['cpu_memory_usage', ['vllm:cpu_memory_usage_bytes', 'container_memory_usage_bytes'], 'GiB', 1 / 2 ** 30],
  ['gpu_utilization', ['DCGM_FI_DEV_GPU_UTIL'], 'percent', 1],
  ['power_consumption', ['DCGM_FI_DEV_POWER_USAGE'], 'Watts', 1],
  ['running_requests', ['vllm:num_requests_running'], 'count', 1],
  ['waiting_requests', ['vllm:num_requests_waiting'], 'count', 1],
  ['swapped_requests', ['vllm:num_requests_swapped'], 'count', 1],
];

/** llm-d-benchmark's GRAPHED_METRICS subset we can fill: Prometheus name → report key, units. */
const UPSTREAM_KEYS: [prom: string, key: string, units: string][] = [
  ['vllm:kv_cache_usage_perc', 'vllm_kv_cache_usage_perc', 'percent'],
  ['vllm:num_requests_running', 'vllm_num_requests_running', 'count'],
  ['vllm:num_requests_waiting', 'vllm_num_requests_waiting', 'count'],
  ['vllm:num_preemptions_total', 'vllm_num_preemptions_total', 'count'],
  ['vllm:prefix_cache_hits_total', 'vllm_prefix_cache_hits_total', 'tokens'],
  ['vllm:prefix_cache_queries_total', 'vllm_prefix_cache_queries_total', 'tokens'],
];

const fin = (v: number): number | undefined => (Number.isFinite(v) ? v : undefined);

function gaugeStat(m: MetricSummary | undefined, units: Units, k: number): Stat | undefined {
  if (m?.type !== 'gauge' || m.stats.count === 0) return undefined;
  const s = m.stats;
  const out: Stat = { units, mean: s.mean * k };
  for (const key of ['stddev', 'min', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'max'] as const) {
    const v = fin(s[key] * k);
    if (v !== undefined) out[key] = key === 'stddev' ? Math.abs(v) : v;
  }
  return out;
}

function gaugeSeries(m: MetricSummary | undefined, units: Units, k: number): { units: Units; series: { ts: string; value: number }[] } | undefined {
  if (m?.type !== 'gauge') return undefined;
  return { units, series: m.series.map(([t, v]) => ({ ts: new Date(t).toISOString(), value: v * k })) };
}

/** Prefix-cache hit rate over the run from the two counters (hits / queries increase), percent. */
function hitRate(t: TargetMonitoring): Stat | undefined {
  const h = t.metrics['vllm:prefix_cache_hits_total'];
  const q = t.metrics['vllm:prefix_cache_queries_total'];
  if (h?.type !== 'counter' || q?.type !== 'counter' || !(q.increase > 0)) return undefined;
  return { units: 'percent', mean: (100 * h.increase) / q.increase };
}

/** One target's ComponentObservability (schema shape). */
export function componentObservability(t: TargetMonitoring, componentLabel: string, rawDataPath?: string): Record<string, unknown> {
  const aggregate: Record<string, Stat> = {};
  const timeSeries: Record<string, unknown> = {};
  for (const [field, names, units, k] of GAUGES) {
    if (aggregate[field]) continue;
    const name = names.find((n) => t.metrics[n]?.type === 'gauge');
    if (!name) continue;
    const st = gaugeStat(t.metrics[name], units, k);
    if (st) aggregate[field] = st;
    const ts = gaugeSeries(t.metrics[name], units, k);
    if (ts && field !== 'cache_hit_rate' && field !== 'running_requests' && field !== 'waiting_requests' && field !== 'swapped_requests') timeSeries[field] = ts;
  }
  aggregate.cache_hit_rate ??= hitRate(t)!;
  if (aggregate.cache_hit_rate === undefined) delete aggregate.cache_hit_rate;
  const pre = t.metrics['vllm:num_preemptions_total'] ?? t.metrics['vllm:num_preemptions'];
  if (pre?.type === 'counter') aggregate.preemptions = { units: 'count', mean: pre.increase };
  return {
    component_label: componentLabel,
    replica_id: t.target,
    aggregate: Object.keys(aggregate).length ? aggregate : null,
    time_series: Object.keys(timeSeries).length ? timeSeries : null,
    raw_data_path: rawDataPath ?? null,
  };
}

/** llm-d-benchmark HEAD's per-metric entries (additional properties of Observability). */
function upstreamEntries(summary: MonitoringSummary): Record<string, unknown> {
  const out: Record<string, { components: unknown[] }> = {};
  for (const t of summary.targets) {
    const role = /prefill/i.test(t.target) ? 'prefill' : /decode/i.test(t.target) ? 'decode' : 'replica';
    for (const [prom, key, units] of UPSTREAM_KEYS) {
      const m = t.metrics[prom] ?? (prom === 'vllm:kv_cache_usage_perc' ? t.metrics['vllm:gpu_cache_usage_perc'] : undefined);
      if (!m || m.type === 'histogram') continue;
      const s = valueStats(m.series.map((p) => p[1]));
      (out[key] ??= { components: [] }).components.push({
        component_id: role === 'replica' ? 'inference-engine' : `${role}-engine`,
        pod: t.target,
        role,
        statistics: { mean: fin(s.mean) ?? 0, p50: fin(s.p50) ?? 0, p99: fin(s.p99) ?? 0, stddev: fin(s.stddev) ?? 0, units },
      });
    }
  }
  return out;
}

/**
 * `results.observability` of a v0.2 report: `components[]` (schema) plus upstream's per-metric
 * entries. `rawDataPath(target)` names the raw snapshot files of a target (relative to the
 * results directory). Undefined when nothing was scraped.
 */
export function observabilitySection(summary: MonitoringSummary, opts: { componentLabel?: string; rawDataPath?: (target: string) => string } = {}): Record<string, unknown> | undefined {
  if (summary.targets.length === 0) return undefined;
  const label = opts.componentLabel ?? 'vllm-service';
  return {
    components: summary.targets.map((t) => componentObservability(t, label, opts.rawDataPath?.(t.target))),
    ...upstreamEntries(summary),
  };
}
