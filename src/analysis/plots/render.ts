/**
 * Vega-Lite spec -> SVG (vega's headless renderer: no DOM, no browser) -> PNG (resvg), with one
 * theme for every plot: large fonts (legible on a slide), light grid. vega, vega-lite (libs.ts)
 * and resvg are loaded on first use so commands that draw nothing do not pay for loading them.
 */
import { findFont, fontFilesFor } from './fonts.ts';
import { loadVega, type VegaLite } from './libs.ts';

/** A Vega-Lite spec (kept loose: vega-lite's own types are very wide). */
export type VlSpec = Record<string, unknown>;

/** The common look: slide-legible sizes. */
export const THEME = {
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  title: { fontSize: 22, anchor: 'start', offset: 12, subtitleFontSize: 15, subtitleColor: '#555' },
  axis: { labelFontSize: 15, titleFontSize: 16, titlePadding: 10, gridColor: '#e4e4e4' },
  legend: { labelFontSize: 15, titleFontSize: 15, symbolSize: 160, labelLimit: 600, orient: 'bottom', direction: 'horizontal' },
  header: { labelFontSize: 16, titleFontSize: 16 },
  view: { stroke: '#ccc' },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'] },
  background: 'white',
  padding: 16,
};

type Resvg = typeof import('@resvg/resvg-js');
let resvgLib: Promise<Resvg> | undefined;

/** The spec as SVG text. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const { vega, vl } = loadVega();
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config: { ...THEME, ...((spec.config as object | undefined) ?? {}) } };
  const compiled = vl.compile(full as unknown as Parameters<VegaLite['compile']>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG text -> PNG bytes (scale 1.5: crisp on a slide, small on disk), drawn on a libuv worker thread. */
export async function svgToPng(svg: string, scale = 1.5): Promise<Uint8Array> {
  const resvg = await (resvgLib ??= import('@resvg/resvg-js'));
  const font = findFont();
  const img = await resvg.renderAsync(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: font.files.length ? { loadSystemFonts: false, fontFiles: fontFilesFor(font.files, svg), ...(font.family ? { defaultFontFamily: font.family } : {}) } : { loadSystemFonts: true },
  });
  return img.asPng();
}
