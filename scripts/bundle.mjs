// Part of the build (scripts/build.mjs, after tsc): bundles the compiled CLI and the embedded
// simulator's child into dist/bundle/ with esbuild (ESM, platform node, code splitting), so starting
// `llmdbench run` loads a handful of files instead of ~300 ES modules (issue 13 item 6: module
// loading was ~300–350 ms of the run's ~700 ms of CPU before its plan was ready). Every dynamic
// `import()` of the lazy registries (commands, harnesses, platforms, analysis) stays lazy: it becomes a
// chunk of its own, loaded when the run needs it.
//
// What is bundled: our code (dist/, the tsc output) and the pure-JavaScript packages that every run
// loads (BUNDLED below: zod, yaml, commander, …). Everything else stays an import of node_modules
// resolved at run time: packages with native binaries or files they read beside their code
// (@resvg/resvg-js, @kubernetes/client-node, the tokenizers), large ones loaded only on some paths
// (vega, undici), tsx.
//
// Paths next to a module (`new URL('./child-bootstrap.js', import.meta.url)`, the workload profiles,
// the tokenizer cache, package.json): in a chunk, `import.meta.url` would name dist/bundle/<chunk>.js.
// Each of our modules therefore gets its own original URL back: `import.meta.url` in dist/<dir>/<m>.js
// is rewritten to `new URL('../<dir>/<m>.js', import.meta.url).href`, i.e. the URL that module had in
// the unbundled dist/ (which stays complete: worker threads, the library API and the assets live there).
// From the TypeScript sources (tests, tsx) nothing changes.
//
// CommonJS packages (yaml, commander) require Node built-ins: each chunk gets a module-scoped
// `require` (createRequire of the chunk's own URL) for them.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Packages bundled into the CLI (pure JavaScript, no files read beside their code). */
export const BUNDLED = new Set(['zod', 'yaml', 'commander', '@commander-js/extra-typings', 'eventsource-parser', '@huggingface/jinja']);

/** Entry points, relative to dist/: the CLI and the embedded simulator's child (sim/child-bootstrap.js prefers it). */
export const ENTRIES = { cli: 'cli/index.js', 'sim-child': 'sim/child.js' };

/** Where the bundle goes, relative to dist/. */
export const BUNDLE_DIR = 'bundle';

const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * Bundles `<root>/dist` into `<root>/dist/bundle`; returns the CLI entry relative to dist/.
 * Throws on any esbuild error (the caller removes dist/bundle and keeps the unbundled dist/).
 */
export async function bundle(root) {
  const { build } = await import('esbuild');
  const dist = join(root, 'dist');
  const outdir = join(dist, BUNDLE_DIR);
  rmSync(outdir, { recursive: true, force: true });
  const ours = dist + sep;
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, rel]) => [name, join(dist, rel)])),
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
    banner: { js: "import { createRequire as __llmdbenchCreateRequire } from 'node:module';\nconst require = __llmdbenchCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'llmdbench-externals',
        setup(b) {
          // Bare specifiers: bundled only when listed; built-ins and every other package stay imports.
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:') || !BUNDLED.has(packageName(args.path))) return { path: args.path, external: true };
            return undefined;
          });
        },
      },
      {
        name: 'llmdbench-module-urls',
        setup(b) {
          b.onLoad({ filter: /\.js$/ }, (args) => {
            if (!args.path.startsWith(ours) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
            const text = readFileSync(args.path, 'utf8');
            if (!text.includes('import.meta.url')) return undefined;
            const rel = relative(outdir, args.path).split(sep).join('/');
            return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'js', resolveDir: dirname(args.path) };
          });
        },
      },
    ],
  });
  if (result.errors.length > 0) throw new Error(`esbuild: ${result.errors.map((e) => e.text).join('; ')}`);
  return `${BUNDLE_DIR}/${Object.keys(ENTRIES)[0]}.js`;
}
