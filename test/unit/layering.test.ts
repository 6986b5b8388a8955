/**
 * The layer rules of docs/architecture.md, read from the import graph of src/ (static and
 * dynamic imports, type imports included):
 *   cli > api > platform > run > plan > analysis > harness > metrics/engine/sim/profiles/experiments/config > util
 * nothing imports upward; engine imports nothing above util; metrics imports no harness;
 * harness imports no platform; no import cycle between files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

const TIERS: Record<string, number> = {
  cli: 0,
  api: 1,
  platform: 2,
  run: 3,
  plan: 4,
  analysis: 5,
  harness: 6,
  metrics: 7,
  engine: 7,
  sim: 7,
  profiles: 7,
  experiments: 7,
  config: 7,
  util: 8,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js)$/.test(n) ? [p] : [];
  });
}

/** file (relative to src/) → the src files it imports (relative). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  const re = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm;
  for (const f of files(src)) {
    const text = readFileSync(f, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(re)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec) continue;
      const target = resolve(dirname(f), spec);
      if (target.startsWith(src)) deps.push(relative(src, target));
    }
    g.set(relative(src, f), deps);
  }
  return g;
}

const top = (rel: string): string => rel.split('/')[0]!;
const g = graph();

test('the import graph is read (sanity: it has edges into every layer)', () => {
  assert.ok(g.size > 100);
  const targets = new Set([...g.values()].flat().map(top));
  for (const t of ['util', 'engine', 'harness', 'plan', 'analysis', 'run', 'platform', 'metrics', 'config']) assert.ok(targets.has(t), t);
});

test('every folder of src/ has a layer', () => {
  const folders = new Set([...g.keys()].filter((f) => f.includes('/')).map(top));
  for (const f of folders) assert.ok(f in TIERS, `src/${f}/ has no layer in this test and docs/architecture.md`);
});

test('nothing imports upward (cli > api > platform > run > plan > analysis > harness > metrics/engine/sim/profiles/experiments/config > util)', () => {
  const bad: string[] = [];
  for (const [f, deps] of g) {
    const from = TIERS[top(f)];
    if (from === undefined) continue;
    for (const d of deps) {
      const to = TIERS[top(d)];
      if (to !== undefined && to < from) bad.push(`${f} -> ${d}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('engine/ imports nothing but engine/ and util/; metrics/ no harness; harness/ no platform', () => {
  const bad: string[] = [];
  for (const [f, deps] of g) {
    for (const d of deps) {
      if (top(f) === 'engine' && !['engine', 'util'].includes(top(d))) bad.push(`${f} -> ${d}`);
      if (top(f) === 'metrics' && top(d) === 'harness') bad.push(`${f} -> ${d}`);
      if (top(f) === 'harness' && top(d) === 'platform') bad.push(`${f} -> ${d}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('no import cycle between files', () => {
  const state = new Map<string, 1 | 2>();
  const cycles: string[] = [];
  const visit = (f: string, stack: string[]): void => {
    state.set(f, 1);
    for (const d of g.get(f) ?? []) {
      if (!g.has(d)) continue;
      if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
      else if (!state.has(d)) visit(d, [...stack, d]);
    }
    state.set(f, 2);
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f, [f]);
  assert.deepEqual(cycles, []);
});

test('process.exitCode is set only in src/cli/index.ts', () => {
  const bad = files(src).filter((f) => /process\.exitCode\s*=[^=]/.test(readFileSync(f, 'utf8'))).map((f) => relative(src, f));
  assert.deepEqual(bad, ['cli/index.ts']);
});

test('the environment is read in src/config/ (and handed over by the entry points, src/cli/ and the library src/api/library.ts) only', () => {
  // Known exceptions, each its own process or a documented default: the simulator (`llmdbench sim`
  // and the child `run` starts read their own environment) and the HF cache location (HF_HOME /
  // HF_HUB_CACHE, a default parameter of hubCacheDir).
  const allowed = new Set(['api/library.ts', 'engine/tokenizer/hf-cache.ts', 'sim/child.ts', 'sim/config.ts', 'sim/embedded.ts', 'sim/engine.ts']);
  const bad = files(src)
    .map((f) => relative(src, f))
    .filter((f) => !['config', 'cli'].includes(top(f)) && !allowed.has(f) && /process\.env\b/.test(readFileSync(join(src, f), 'utf8')));
  assert.deepEqual(bad, []);
});
