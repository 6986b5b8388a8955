/**
 * Per run: what happened over time, three panels on one time axis: mean TTFT and E2E latency of
 * the requests sent in each bin; requests in flight (time-averaged); requests sent and completed
 * per second (the achieved request rate). A bin in which no request was sent has no latency: its
 * value is null, which breaks the line (a gap), never a segment drawn across the idle time.
 */
import type { PlotData } from './collect.ts';
import { WIDE } from './labels.ts';
import type { VlSpec } from './render.ts';

const X = { field: 't', type: 'quantitative', title: 'time since the first request (s)' };
const size = { width: WIDE.width, height: 200 };

export function timelinePlot(d: PlotData): VlSpec | undefined {
  if (!d.timeline.length) return undefined;
  const w = d.timeline[0]!.widthS;
  // Null where a bin has no value (kept, so the line breaks there); a series with no value at all is left out.
  const hasTtft = d.timeline.some((b) => b.ttftMeanMs !== undefined);
  const lat = d.timeline.flatMap((b) => [
    ...(hasTtft ? [{ t: b.tS, v: b.ttftMeanMs ?? null, s: 'TTFT (mean)' }] : []),
    { t: b.tS, v: b.e2eMeanMs ?? null, s: 'E2E latency (mean)' },
  ]);
  const rates = d.timeline.flatMap((b) => [
    { t: b.tS, v: b.requestsPerS, s: 'sent' },
    { t: b.tS, v: b.completionsPerS, s: 'completed' },
    ...(b.failuresPerS > 0 ? [{ t: b.tS, v: b.failuresPerS, s: 'failed' }] : []),
  ]);
  // Step series end where the last bin ends, not where it starts.
  const last = d.timeline[d.timeline.length - 1]!;
  const end = last.tS + last.widthS;
  rates.push({ t: end, v: last.requestsPerS, s: 'sent' }, { t: end, v: last.completionsPerS, s: 'completed' });
  const inFlight = [...d.timeline.map((b) => ({ t: b.tS, v: b.inFlight })), { t: end, v: last.inFlight }];
  const line = { type: 'line', strokeWidth: 2.5, point: d.timeline.length <= 60 };
  return {
    title: { text: 'Latency, requests in flight and request rate over time', subtitle: [d.name, `${w < 1 ? `${Math.round(w * 1000)} ms` : `${w} s`} bins; latency by the time a request was sent`] },
    vconcat: [
      {
        ...size,
        title: 'latency of requests sent in each bin (ms)',
        data: { values: lat },
        // Null latencies break the path (a gap) and are not drawn as points.
        mark: { ...line, invalid: 'break-paths-show-domains' },
        encoding: { x: X, y: { field: 'v', type: 'quantitative', title: 'latency (ms)' }, color: { field: 's', type: 'nominal', title: null } },
      },
      {
        ...size,
        title: 'requests in flight',
        data: { values: inFlight },
        mark: { type: 'area', interpolate: 'step-after', color: '#72b7b2', opacity: 0.8 },
        encoding: { x: X, y: { field: 'v', type: 'quantitative', title: 'in flight (requests)' } },
      },
      {
        ...size,
        title: 'request rate (req/s)',
        data: { values: rates },
        mark: { ...line, interpolate: 'step-after', point: false },
        encoding: { x: X, y: { field: 'v', type: 'quantitative', title: 'requests/s' }, color: { field: 's', type: 'nominal', title: null, scale: { domain: ['sent', 'completed', 'failed'], range: ['#4c78a8', '#54a24b', '#e45756'] } } },
      },
    ],
    resolve: { scale: { color: 'independent', x: 'shared' } },
  };
}
