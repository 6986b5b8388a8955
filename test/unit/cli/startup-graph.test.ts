/**
 * Start-up (issue 13 item 6): `llmdbench run` and the library load only the plugins they use.
 * The harness and platform registries hold descriptors whose `load()` imports the
 * implementation, so no static import chain may lead from the run action into a harness's
 * folder or a platform's implementation. Read from the sources'
 * static value imports (`import type` and dynamic `import()` are not followed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));
const STATIC = /^(?:import|export)\s+(?!type\b)[^'"]*?from\s*['"](\.[^'"]+)['"]|^import\s+['"](\.[^'"]+)['"]/gm;

/** src-relative file → the chain of static imports that reaches it from `entry`. */
function staticClosure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    const text = readFileSync(join(src, f), 'utf8');
    for (const m of text.matchAll(STATIC)) {
      const target = relative(src, resolve(dirname(join(src, f)), m[1] ?? m[2]!));
      if (target.startsWith('..') || seen.has(target) || !existsSync(join(src, target))) continue;
      seen.set(target, [...seen.get(f)!, target]);
      todo.push(target);
    }
  }
  return seen;
}

const pluginFolders = [
  ...readdirSync(join(src, 'harness'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'common')
    .map((d) => `harness/${d.name}/`),
  'platform/local/',
  'platform/kubernetes/',
];

test('the run action: no static import reaches a harness plugin or a platform implementation', () => {
  const closure = staticClosure('cli/commands/run-action.ts');
  // Sanity: the graph read is the run's (both registries on it).
  assert.ok(closure.has('harness/registry.ts') && closure.has('platform/registry.ts') && closure.size > 50, `${closure.size} files`);
  const leaks = [...closure].filter(([f]) => pluginFolders.some((p) => f.startsWith(p))).map(([, chain]) => chain.join(' -> '));
  assert.deepEqual(leaks, []);
});

test('every harness folder is a registered plugin that the registry loads by import()', () => {
  const registry = readFileSync(join(src, 'harness/registry.ts'), 'utf8');
  for (const p of pluginFolders.filter((f) => f.startsWith('harness/'))) {
    assert.match(registry, new RegExp(`import\\('\\./${p.slice('harness/'.length)}index\\.ts'\\)`), p);
  }
});
