/** Per run: output tokens received per second over time (each streamed chunk at its arrival). */
import type { PlotData } from './collect.ts';
import { WIDE } from './labels.ts';
import type { VlSpec } from './render.ts';

export function tokenRatePlot(d: PlotData): VlSpec | undefined {
  if (!d.timeline.length) return undefined;
  const w = d.timeline[0]!.widthS;
  return {
    title: { text: 'Output token rate over time', subtitle: [d.name, `${w < 1 ? `${Math.round(w * 1000)} ms` : `${w} s`} bins; tokens counted when their chunk arrived`] },
    ...WIDE,
    // The last step ends where its bin ends.
    data: { values: [...d.timeline.map((b) => ({ t: b.tS, v: b.outputTokensPerS })), { t: d.timeline.at(-1)!.tS + w, v: d.timeline.at(-1)!.outputTokensPerS }] },
    mark: { type: 'area', interpolate: 'step-after', color: '#4c78a8', opacity: 0.85, line: { color: '#2d4f73' } },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time since the first request (s)' },
      y: { field: 'v', type: 'quantitative', title: 'output tokens/s' },
    },
  };
}
