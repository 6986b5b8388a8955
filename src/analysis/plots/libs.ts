/**
 * Loading vega and vega-lite cheaply. Their ESM entry points pull in ~50 vega-* modules, and
 * through tsx's loader hooks that cost ~0.9 s of CPU per run (0.25 s without tsx); the packages'
 * own single-file UMD bundles (`build/vega.min.js`, `build/vega-lite.min.js`, same version, same
 * code) load in ~0.14 s. vega-lite's bundle does `require("vega")`, which would resolve to vega's
 * ESM entry (not loadable by require): we register the vega bundle under that id in the CommonJS
 * cache first, so vega-lite gets the very same vega. Nothing else in the process requires vega.
 */
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Vega = typeof import('vega');
export type VegaLite = typeof import('vega-lite');

let loaded: { vega: Vega; vl: VegaLite } | undefined;

export function loadVega(): { vega: Vega; vl: VegaLite } {
  if (loaded) return loaded;
  const req = createRequire(import.meta.url);
  const vegaEntry = req.resolve('vega');
  const vega = req(join(dirname(vegaEntry), 'vega.min.js')) as Vega;
  const cache = req.cache as Record<string, Module | undefined>;
  if (!cache[vegaEntry]) {
    const m = new Module(vegaEntry);
    m.exports = vega;
    m.filename = vegaEntry;
    m.loaded = true;
    cache[vegaEntry] = m;
  }
  const vl = req(join(dirname(req.resolve('vega-lite')), 'vega-lite.min.js')) as VegaLite;
  return (loaded = { vega, vl });
}
