import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module of the launcher (no types)
import { contentHash, distEntry, distIsFresh, quickStamp, STAMP_FILE } from '../../../bin/dist-stamp.js';

type Stamp = (root: string) => { count: number; size: number; mtimeMs: number };

/** A tree with sources, tsconfig files and a "built" dist/ stamped as scripts/build.mjs stamps it. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'llmdbench-stamp-'));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli', 'index.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src', 'data.txt'), 'poem\n');
  writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'dist', 'cli', 'index.js'), 'export const a = 1;\n');
  writeFileSync(join(root, STAMP_FILE as string), JSON.stringify({ stampedAtMs: Date.now(), ...(quickStamp as Stamp)(root), hash: (contentHash as (r: string) => string)(root) }));
  return root;
}

/** Each case on its own fresh tree: `change` it, then `check(root)` must equal the case's answer. */
function eachCase<T>(cases: Array<[string, (root: string) => void, T]>, check: (root: string) => T): void {
  for (const [name, change, want] of cases) {
    const root = tree();
    try {
      change(root);
      assert.equal(check(root), want, name);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

test('dist-stamp: a build of exactly these sources is used; any change to the sources makes it stale', () => {
  const fresh = distIsFresh as (root: string) => boolean;
  const cases: Array<[string, (root: string) => void, boolean]> = [
    ['untouched', () => {}, true],
    // Sources written and stamped within one file-system tick: the cheap numbers cannot tell an edit of
    // the same size (the race this test once lost in CI), so the content hash decides.
    ['edited, same size, same tick as the build', (r) => writeFileSync(join(r, 'src', 'cli', 'index.ts'), 'export const b = 1;\n'), false],
    ['same bytes, new mtime (checkout, npm-packed tree): content hash decides', (r) => utimesSync(join(r, 'src', 'cli', 'index.ts'), new Date(), new Date(Date.now() + 5000)), true],
    ['edited, same size', (r) => writeFileSync(join(r, 'src', 'cli', 'index.ts'), 'export const a = 2;\n'), false],
    ['edited, other size', (r) => writeFileSync(join(r, 'src', 'cli', 'index.ts'), 'export const a = 10;\n'), false],
    ['a file added', (r) => writeFileSync(join(r, 'src', 'new.ts'), ''), false],
    ['a file removed', (r) => rmSync(join(r, 'src', 'data.txt')), false],
    ['tsconfig changed', (r) => writeFileSync(join(r, 'tsconfig.build.json'), '{ }\n'), false],
    ['no stamp (build failed or still running)', (r) => rmSync(join(r, STAMP_FILE as string)), false],
    ['stamp but no compiled entry', (r) => rmSync(join(r, 'dist', 'cli', 'index.js')), false],
  ];
  eachCase(cases, fresh);
});

test('dist-stamp: the stamp names the entry bin/ imports (the bundle, else the unbundled CLI); a missing entry is stale', () => {
  const entryOf = distEntry as (root: string) => string | undefined;
  const withEntry = (root: string, entry: string): void => {
    const stamp = JSON.parse(readFileSync(join(root, STAMP_FILE as string), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, STAMP_FILE as string), JSON.stringify({ ...stamp, entry }));
  };
  const cases: Array<[string, (root: string) => void, string | undefined]> = [
    ['a stamp without an entry (older builds): the unbundled CLI', () => {}, 'cli/index.js'],
    ['bundled', (r) => (mkdirSync(join(r, 'dist', 'bundle')), writeFileSync(join(r, 'dist', 'bundle', 'cli.js'), ''), withEntry(r, 'bundle/cli.js')), 'bundle/cli.js'],
    ['bundle named but missing', (r) => withEntry(r, 'bundle/cli.js'), undefined],
    ['not bundled (the build could not): the unbundled CLI', (r) => withEntry(r, 'cli/index.js'), 'cli/index.js'],
    ['bundled, then a source edited', (r) => (mkdirSync(join(r, 'dist', 'bundle')), writeFileSync(join(r, 'dist', 'bundle', 'cli.js'), ''), withEntry(r, 'bundle/cli.js'), writeFileSync(join(r, 'src', 'cli', 'index.ts'), 'export const a = 2;\n')), undefined],
  ];
  eachCase(cases, entryOf);
});
