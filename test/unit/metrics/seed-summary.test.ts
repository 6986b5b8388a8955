/** Layering: the harnesses share result-file names and summary types with the platform through src/metrics, never by importing src/platform. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTH_FILE, RECORDS_FILE } from '../../../src/metrics/seed-summary.ts';
import * as analysis from '../../../src/analysis/summary.ts';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no file under src/harness or src/metrics imports src/platform', () => {
  const offenders: string[] = [];
  for (const f of [...tsFiles(join(src, 'harness')), ...tsFiles(join(src, 'metrics'))]) {
    const text = readFileSync(f, 'utf8');
    if (/(?:from|import)\s*\(?\s*['"][^'"]*\/platform\//.test(text)) offenders.push(f.slice(src.length));
  }
  assert.deepEqual(offenders, []);
});

test('the platform reads the same file names the harnesses write', () => {
  assert.equal(analysis.RECORDS_FILE, RECORDS_FILE);
  assert.equal(analysis.HEALTH_FILE, HEALTH_FILE);
});
