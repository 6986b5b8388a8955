/**
 * The use-case catalog: the seed's table (levels) → token numbers by the rules
 * in docs/workloads.md, checked against the rendered profiles of both harnesses
 * and against the table in the doc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { findTemplate, BUILTIN_PROFILES_DIR } from '../../../src/profiles/catalog.ts';
import { renderTemplate } from '../../../src/profiles/render.ts';
import { testLookup } from './lookup.ts';

type Level = 'Short' | 'Medium' | 'Long';
type Var = 'Low' | 'Medium' | 'High';
const ISL: Record<Level, number> = { Short: 128, Medium: 1024, Long: 4096 };
const OSL: Record<Level, number> = { Short: 32, Medium: 512, Long: 2048 };
const CV: Record<Var, number> = { Low: 0.1, Medium: 0.3, High: 0.6 };

// The seed's table. ISV of text classification is blank in the seed: Medium is used.
const TABLE: Array<[string, Level, Var, Level, Var, 'Per token' | 'Request']> = [
  ['interactive_chat', 'Medium', 'High', 'Medium', 'Medium', 'Per token'],
  ['classification_text', 'Medium', 'Medium', 'Short', 'Low', 'Request'],
  ['classification_images', 'Long', 'Low', 'Short', 'Low', 'Request'],
  ['summarization_rag', 'Long', 'High', 'Short', 'Medium', 'Per token'],
  ['text_generation', 'Short', 'High', 'Long', 'Medium', 'Per token'],
  ['translation', 'Medium', 'High', 'Medium', 'Medium', 'Per token'],
  ['code_completion', 'Long', 'High', 'Short', 'Medium', 'Request'],
  ['code_generation', 'Long', 'High', 'Medium', 'High', 'Request'],
];

function dist(mean: number, v: Var, floor: number): { min: number; max: number; mean: number; std_dev: number } {
  const sd = Math.round(mean * CV[v]);
  return { min: Math.max(floor, mean - 2 * sd), max: mean + 2 * sd, mean, std_dev: sd };
}

function rendered(harness: string, name: string): Record<string, unknown> {
  const t = findTemplate(harness, name, { dir: BUILTIN_PROFILES_DIR });
  return parse(renderTemplate(readFileSync(t.path, 'utf8'), { file: t.path, lookup: testLookup })) as Record<string, unknown>;
}

const docs = readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'workloads.md'),
  'utf8',
);

for (const [name, isl, isv, osl, osv, latency] of TABLE) {
  const i = dist(ISL[isl], isv, 10);
  const o = dist(OSL[osl], osv, 4);
  const streaming = latency === 'Per token';

  test(`use case ${name}: inference-perf profile has the documented numbers`, () => {
    const p = rendered('inference-perf', name) as {
      api: { streaming: boolean };
      data: { type: string; input_distribution: Record<string, number>; output_distribution: Record<string, number> };
      load: { type: string; stages: Array<{ rate: number; duration: number }> };
    };
    assert.equal(p.api.streaming, streaming);
    assert.equal(p.data.type, 'random');
    assert.deepEqual(p.data.input_distribution, { ...i, total_count: 1000 });
    assert.deepEqual(p.data.output_distribution, { ...o, total_count: 1000 });
    assert.deepEqual(p.load, { type: 'constant', stages: [1, 2, 4, 8].map((rate) => ({ rate, duration: 120 })) });
  });

  test(`use case ${name}: GuideLLM scenario has the same numbers`, () => {
    const g = rendered('guidellm', name) as { spec: { data: Array<Record<string, unknown>>; profile: unknown } };
    const d = g.spec.data[0] ?? {};
    assert.deepEqual(
      [d.prompt_tokens, d.prompt_tokens_stdev, d.prompt_tokens_min, d.prompt_tokens_max],
      [i.mean, i.std_dev, i.min, i.max],
    );
    assert.deepEqual(
      [d.output_tokens, d.output_tokens_stdev, d.output_tokens_min, d.output_tokens_max],
      [o.mean, o.std_dev, o.min, o.max],
    );
    assert.deepEqual(g.spec.profile, { kind: 'constant', rate: [1, 2, 4, 8] });
  });

  test(`use case ${name}: docs/workloads.md shows the same numbers`, () => {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    assert.ok(row, `no row for ${name} in docs/workloads.md`);
    assert.ok(row.includes(`| ${i.mean} / ${i.std_dev} / ${i.min}–${i.max} |`), row);
    assert.ok(row.includes(`| ${o.mean} / ${o.std_dev} / ${o.min}–${o.max} |`), row);
    assert.ok(row.endsWith(`| ${String(streaming)} |`), row);
    assert.ok(row.includes(`| ${latency} |`), row);
  });
}
