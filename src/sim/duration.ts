/**
 * Go-style durations (llm-d-inference-sim's key format). A module of its own,
 * without zod or yaml, so `llmdbench sim --help` can print defaults cheaply.
 */
const GO_DURATION = /^([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Go duration string ("100ms", "1.5s", "750us", "1m30s") or a plain number of ms → ms. */
export function parseDuration(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : `must be a non-negative duration, got ${v}`;
  if (typeof v !== 'string') return `must be a duration like "100ms", got ${JSON.stringify(v)}`;
  let s = v.trim();
  if (/^[0-9]*\.?[0-9]+$/.test(s)) return Number(s);
  if (s === '') return 'must be a duration like "100ms", got ""';
  let total = 0;
  while (s.length > 0) {
    const m = GO_DURATION.exec(s);
    if (!m) return `must be a duration like "100ms", "1.5s" or "750us", got "${v}"`;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    s = s.slice(m[0].length);
  }
  return total;
}

/** ms → a Go-style duration string that parseDuration reads back exactly. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Number.isInteger(ms)) return `${ms}ms`;
  const us = ms * 1000;
  return Number.isInteger(Math.round(us * 1000) / 1000) ? `${Math.round(us * 1000) / 1000}us` : `${ms}ms`;
}
