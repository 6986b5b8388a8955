/**
 * Merged report sections the records cannot give, from the generators' own reports of a stage:
 * v0.2.1 `requests.multimodal` and the media rates (the media counts, pixels, sizes a harness's
 * native file summarises; our engine sends text only), and `session_performance` (inference-perf
 * session lifecycle files). Only summaries exist, so (docs/metrics.md §10):
 * - counts add up; a distribution's mean is the count-weighted mean, min/max the extremes, the
 *   stddev pooled (population: Σ n·(σ² + (μ − M)²) / N);
 * - percentiles cannot be derived from parts and are left out — unless every part is the same
 *   constant (min = max = one value), where the merged distribution is that constant exactly;
 * - a rate is Σ of the parts' totals over the stage's merged window (else Σ of the rates).
 */
import type { CommonReport, Stats } from '../report/types.ts';

const PERCENTILES = ['p0p1', 'p1', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99p9', 'mode'] as const;

export interface StatsPart {
  stats: Stats | undefined;
  /** The values the part summarises (weight). */
  n: number;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One distribution from parts' summaries (see the header); undefined when no part has one or their units differ. */
export function combineStats(parts: readonly StatsPart[]): Stats | undefined {
  const ps = parts.filter((p): p is { stats: Stats; n: number } => p.stats !== undefined);
  if (!ps.length || ps.some((p) => p.stats.units !== ps[0]!.stats.units)) return undefined;
  const total = ps.reduce((a, p) => a + p.n, 0);
  const w = (p: StatsPart): number => (total > 0 ? p.n / total : 1 / ps.length);
  const mean = ps.reduce((a, p) => a + w(p) * p.stats.mean, 0);
  const out: Stats = { units: ps[0]!.stats.units, mean };
  if (ps.every((p) => isNum(p.stats.min))) out.min = Math.min(...ps.map((p) => p.stats.min!));
  if (ps.every((p) => isNum(p.stats.max))) out.max = Math.max(...ps.map((p) => p.stats.max!));
  if (ps.every((p) => isNum(p.stats.stddev))) out.stddev = Math.sqrt(ps.reduce((a, p) => a + w(p) * (p.stats.stddev! ** 2 + (p.stats.mean - mean) ** 2), 0));
  const constant = out.min !== undefined && out.min === out.max;
  if (constant) {
    for (const k of PERCENTILES) if (ps.every((p) => p.stats[k] === out.min)) out[k] = out.min;
    out.stddev = 0;
  }
  return out;
}

/** Successful requests of a generator's report (the population its request summaries cover). */
const successes = (c: CommonReport): number => Math.max(0, c.requests.total - (c.requests.failures ?? 0) - (c.requests.incomplete ?? 0));

const MEDIA_RATE: Record<string, string> = { image: 'image_rate', video: 'video_rate', audio: 'audio_rate' };
const MEDIA_UNITS: Record<string, string> = { image_rate: 'images/s', video_rate: 'videos/s', audio_rate: 'audios/s' };

/** v0.2.1 `requests.multimodal` and `throughput.*_rate` of one stage from the generators' reports of it. */
export function mergeMultimodal(parts: readonly CommonReport[], windowS: number): Pick<CommonReport, 'mediaRates'> & { multimodal?: Record<string, Record<string, Stats>> } {
  const withMedia = parts.filter((c) => c.requests.multimodal);
  if (!withMedia.length) return {};
  const multimodal: Record<string, Record<string, Stats>> = {};
  const mediaRates: Record<string, Stats> = {};
  const media = [...new Set(withMedia.flatMap((c) => Object.keys(c.requests.multimodal!)))];
  for (const m of media) {
    const fields = [...new Set(withMedia.flatMap((c) => Object.keys(c.requests.multimodal![m] ?? {})))];
    const out: Record<string, Stats> = {};
    for (const f of fields) {
      const s = combineStats(parts.map((c) => ({ stats: c.requests.multimodal?.[m]?.[f], n: successes(c) })));
      if (s) out[f] = s;
    }
    if (Object.keys(out).length) multimodal[m] = out;
    // Items sent = Σ mean items per success × successes, over the merged window.
    const rate = MEDIA_RATE[m];
    if (rate && windowS > 0 && parts.every((c) => c.requests.multimodal?.[m]?.['count'])) {
      const items = parts.reduce((a, c) => a + c.requests.multimodal![m]!['count']!.mean * successes(c), 0);
      mediaRates[rate] = { units: parts.find((c) => c.mediaRates?.[rate])?.mediaRates?.[rate]?.units ?? MEDIA_UNITS[rate]!, mean: items / windowS };
    }
  }
  return { ...(Object.keys(multimodal).length ? { multimodal } : {}), ...(Object.keys(mediaRates).length ? { mediaRates } : {}) };
}

type Sessions = Record<string, unknown>;
const COUNTS = ['total', 'succeeded', 'failed', 'total_events', 'total_events_completed', 'total_events_cancelled'] as const;
const DISTS = ['session_duration', 'events_per_session', 'events_cancelled_per_session', 'input_tokens_per_session', 'output_tokens_per_session'] as const;

/**
 * One stage's merged session report from the generators' session reports of it (inference-perf's
 * session lifecycle files): the first as the template, counts summed, per-session distributions
 * combined (weight: sessions), the session rate over the merged window (else Σ of the rates).
 */
export function mergeSessionReports(parts: readonly CommonReport[], windowS: number): CommonReport | undefined {
  const ps = parts.filter((c) => c.sessions);
  if (!ps.length) return undefined;
  const ss = ps.map((c) => c.sessions as Sessions);
  const n = (s: Sessions, k: string): number | undefined => (isNum(s[k]) ? (s[k] as number) : undefined);
  const sessions: Sessions = {};
  for (const k of COUNTS) if (ss.some((s) => n(s, k) !== undefined)) sessions[k] = ss.reduce((a, s) => a + (n(s, k) ?? 0), 0);
  const total = (sessions['total'] as number | undefined) ?? 0;
  const rates = ss.map((s) => s['session_rate'] as Stats | undefined);
  if (rates.some((r) => r)) {
    const units = rates.find((r) => r)!.units;
    sessions['session_rate'] = { units, mean: windowS > 0 ? total / windowS : rates.reduce((a, r) => a + (r?.mean ?? 0), 0) };
  }
  for (const k of DISTS) {
    const s = combineStats(ss.map((x) => ({ stats: x[k] as Stats | undefined, n: n(x, 'total') ?? 0 })));
    if (s) sessions[k] = s;
  }
  const first = ps[0]!;
  const events = (sessions['total_events'] as number | undefined) ?? 0;
  const meta = first.v01Extra?.metrics?.['metadata'];
  return {
    ...first,
    requests: { ...first.requests, total: events, failures: events - ((sessions['total_events_completed'] as number | undefined) ?? 0) },
    sessions,
    ...(meta
      ? {
          v01Extra: {
            ...first.v01Extra,
            metrics: {
              ...first.v01Extra!.metrics,
              metadata: {
                num_sessions: sessions['total'],
                num_sessions_succeeded: sessions['succeeded'],
                num_sessions_failed: sessions['failed'],
                total_events: sessions['total_events'],
                total_events_completed: sessions['total_events_completed'],
                total_events_cancelled: sessions['total_events_cancelled'],
                sessions_per_second: (sessions['session_rate'] as Stats | undefined)?.mean,
                session_duration: sessions['session_duration'],
                num_events: sessions['events_per_session'],
                num_events_cancelled: sessions['events_cancelled_per_session'],
                total_input_tokens: sessions['input_tokens_per_session'],
                total_output_tokens: sessions['output_tokens_per_session'],
              },
            },
          },
        }
      : {}),
  };
}
