/**
 * Loading vega and vega-lite cheaply. Their ESM entry points pull in ~50 vega-* modules, and
 * through tsx's loader hooks that costs ~0.9 s of CPU per run (0.25 s without tsx); the packages'
 * own single-file UMD bundles (`build/vega.min.js`, `build/vega-lite.min.js`, same version, same
 * code) load in ~0.14 s. The bundles sit in `"type": "module"` packages, so `require` would treat
 * them as ESM: we evaluate each once in a CommonJS-style wrapper (vm, this context), and hand
 * vega-lite's `require("vega")` the vega bundle we just loaded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';

export type Vega = typeof import('vega');
export type VegaLite = typeof import('vega-lite');

let loaded: { vega: Vega; vl: VegaLite } | undefined;

/** Evaluate a UMD bundle as CommonJS with the given dependencies. */
function umd<T>(file: string, deps: Record<string, unknown>): T {
  const fn = runInThisContext(`(function (exports, module, require) {${readFileSync(file, 'utf8')}\n})`, { filename: file }) as (e: object, m: { exports: object }, r: (id: string) => unknown) => void;
  const mod = { exports: {} as object };
  fn(mod.exports, mod, (id) => {
    if (id in deps) return deps[id];
    throw new Error(`${file} requires ${id}, which is not bundled`);
  });
  return mod.exports as T;
}

export function loadVega(): { vega: Vega; vl: VegaLite } {
  if (loaded) return loaded;
  const req = createRequire(import.meta.url);
  const vega = umd<Vega>(join(dirname(req.resolve('vega')), 'vega.min.js'), {});
  const vl = umd<VegaLite>(join(dirname(req.resolve('vega-lite')), 'vega-lite.min.js'), { vega });
  return (loaded = { vega, vl });
}
