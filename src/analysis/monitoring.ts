/**
 * The analysis side of monitoring (`-f`): summarise the raw Prometheus snapshots a run left in
 * `<results>/metrics/raw/` (one file at a time: memory holds the summary, never all texts), write
 * `metrics/processed/monitoring_summary.json` (ours: every metric, with its series) and
 * `metrics/processed/metrics_summary.json` (upstream's process_metrics.py shape:
 * `{<pod>: {metadata: {namespace, files}, metrics: {<metric>: {mean, stddev, min, p25, …, max, count, unit}}}}`),
 * and hand the v0.2 `observability` section to the report writers (`observabilityOf`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonitoringAccumulator, valueStats, type MonitoringSummary } from '../metrics/monitoring.ts';
import { observabilitySection } from '../metrics/observability.ts';

export const METRICS_DIR = 'metrics';
const RAW_RE = /^(.+)_(\d+)_metrics\.txt$/;

/** Short form kept in summary.json and printed in summary.txt (one definition, in the summary's types). */
export type { MonitoringBrief } from '../metrics/seed-summary.ts';
import type { MonitoringBrief } from '../metrics/seed-summary.ts';

/** Raw snapshot files of a results directory, grouped per target in time order. */
function rawFiles(resultsDir: string): { target: string; tsMs: number; file: string }[] {
  const raw = join(resultsDir, METRICS_DIR, 'raw');
  if (!existsSync(raw)) return [];
  const out: { target: string; tsMs: number; file: string }[] = [];
  for (const f of readdirSync(raw)) {
    const m = RAW_RE.exec(f);
    if (m) out.push({ target: m[1]!, tsMs: Number(m[2]), file: join(raw, f) });
  }
  // Upstream writes epoch seconds, we write epoch ms: both sort; seconds are scaled to ms.
  for (const o of out) if (o.tsMs < 1e11) o.tsMs *= 1000;
  return out.sort((a, b) => (a.target === b.target ? a.tsMs - b.tsMs : a.target < b.target ? -1 : 1));
}

/** Summarise `<results>/metrics/raw` and write the processed files; undefined when nothing was scraped. */
export function summarizeMetricsDir(resultsDir: string, extraWarnings: readonly string[] = [], write = true): MonitoringSummary | undefined {
  const files = rawFiles(resultsDir);
  if (files.length === 0 && extraWarnings.length === 0) return undefined;
  const acc = new MonitoringAccumulator();
  for (const f of files) acc.add({ target: f.target, tsMs: f.tsMs, text: readFileSync(f.file, 'utf8') });
  const summary = acc.result();
  summary.warnings.push(...extraWarnings);
  if (!write) return summary;
  const processed = join(resultsDir, METRICS_DIR, 'processed');
  mkdirSync(processed, { recursive: true });
  writeFileSync(join(processed, 'monitoring_summary.json'), `${JSON.stringify(summary)}\n`);
  writeFileSync(join(processed, 'metrics_summary.json'), `${JSON.stringify(upstreamShape(summary, files), null, 2)}\n`);
  return summary;
}

/** process_metrics.py's metrics_summary.json (gauges and counters; histograms are not in it upstream). */
function upstreamShape(s: MonitoringSummary, files: { target: string; file: string }[]): Record<string, unknown> {
  if (s.targets.length === 0) return { _info: { status: 'no_data', warnings: s.warnings } };
  const out: Record<string, unknown> = {};
  for (const t of s.targets) {
    const metrics: Record<string, unknown> = {};
    for (const [name, m] of Object.entries(t.metrics)) {
      if (m.type === 'histogram') continue;
      const st = valueStats(m.series.map((p) => p[1]));
      metrics[name] = { mean: st.mean, stddev: st.stddev, min: st.min, p25: st.p25, p50: st.p50, p75: st.p75, p90: st.p90, p95: st.p95, p99: st.p99, max: st.max, count: st.count, unit: /_perc$/.test(name) ? 'ratio' : /bytes/.test(name) ? 'bytes' : m.type === 'counter' ? 'total' : 'count' };
    }
    out[t.target] = { metadata: { namespace: '', files: files.filter((f) => f.target === t.target).map((f) => `raw/${f.file.split(/[\\/]/).pop()}`) }, metrics };
  }
  return out;
}

/** The headline numbers for summary.json / summary.txt. */
export function monitoringBrief(s: MonitoringSummary): MonitoringBrief {
  const b: MonitoringBrief = { targets: s.targets.length, snapshots: s.targets.reduce((n, t) => n + t.snapshots, 0), warnings: s.warnings };
  const add = (names: string[], k: number, mean: keyof MonitoringBrief, max: keyof MonitoringBrief): void => {
    let m = 0;
    let x = 0;
    let seen = false;
    for (const t of s.targets) {
      const g = names.map((n) => t.metrics[n]).find((v) => v?.type === 'gauge');
      if (g?.type !== 'gauge') continue;
      seen = true;
      m += g.stats.mean * k;
      x = Math.max(x, g.stats.max * k);
    }
    if (seen) Object.assign(b, { [mean]: m, [max]: x });
  };
  add(['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'], 100, 'kv_cache_usage_pct_mean', 'kv_cache_usage_pct_max');
  add(['vllm:num_requests_running'], 1, 'running_requests_mean', 'running_requests_max');
  add(['vllm:num_requests_waiting'], 1, 'waiting_requests_mean', 'waiting_requests_max');
  return b;
}

/** A results directory's monitoring summary: metrics/processed/monitoring_summary.json, else from the raw snapshots (read-only). */
export function readMonitoringSummary(resultsDir: string): MonitoringSummary | undefined {
  const processed = join(resultsDir, METRICS_DIR, 'processed', 'monitoring_summary.json');
  return existsSync(processed) ? (JSON.parse(readFileSync(processed, 'utf8')) as MonitoringSummary) : summarizeMetricsDir(resultsDir, [], false);
}

/**
 * The v0.2 report's `results.observability` for a results directory (for the report writers):
 * from metrics/processed/monitoring_summary.json when present, else from the raw snapshots
 * (read-only: a directory the Python tools wrote is never written to).
 */
export function observabilityOf(resultsDir: string): Record<string, unknown> | undefined {
  const s = readMonitoringSummary(resultsDir);
  if (!s || s.targets.length === 0) return undefined;
  return observabilitySection(s, { rawDataPath: (t) => `${METRICS_DIR}/raw/${t}_*_metrics.txt` });
}
