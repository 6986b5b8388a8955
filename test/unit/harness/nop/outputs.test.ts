/** The text outputs on the 0.10 fixture: categories.log blocks, result.txt totals, summary. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitLog } from '../../../../src/harness/nop/log-lines.ts';
import { parseLog } from '../../../../src/harness/nop/parse.ts';
import { categorize } from '../../../../src/harness/nop/categories.ts';
import { categoriesLog } from '../../../../src/harness/nop/outputs/categories-log.ts';
import { resultYaml } from '../../../../src/harness/nop/outputs/result-yaml.ts';
import { reportV01 } from '../../../../src/harness/nop/outputs/report-v01.ts';
import { analysisText } from '../../../../src/harness/nop/outputs/analysis-txt.ts';
import { summaryText } from '../../../../src/harness/nop/outputs/summary.ts';
import type { NopRunResult } from '../../../../src/harness/nop/outputs/model.ts';

const file = fileURLToPath(new URL('../../../fixtures/vllm-logs/v1-0.10-debug-ms-compile.log', import.meta.url));
const text = readFileSync(file, 'utf8');
const lines = splitLog(text);
const parsed = parseLog(lines);
const categorized = categorize(lines, 'Qwen/Qwen3-0.6B');
const run: NopRunResult = {
  model: 'Qwen/Qwen3-0.6B',
  loadFormat: parsed.loadFormat,
  sleepMode: false,
  gpus: parsed.gpus,
  engines: [{ name: 'vLLM Standalone', engine: { name: 'vllm', version: '0.10.1.1', args: parsed.args ?? {} }, parsed, categorized, log: Buffer.from(text), source: 'fixture', sleepWakeSent: false }],
  startS: 1000,
  stopS: 1002.5,
  notes: [],
};

test('categories.log: upstream layout, Uncategorized included, children indented', () => {
  const log = categoriesLog(categorized.categories);
  assert.ok(log.includes(`
Log category   : 'Model Loading'
  Process      : 'EngineCore_0 pid=312'
  Start date   : '08-25 14:02:29.120'
  End date     : '08-25 14:02:31.245'
  Elapsed      : 2.125
  Start pattern: 'Starting to load model|Loading model from scratch'
  End pattern  : 'Model loading took'
  Start line   : 21 '${lines[20]!.text}'
  End line     : 25 '${lines[24]!.text}'
`));
  assert.ok(log.includes(`
Log category   : 'Uncategorized'
  Process      : 'APIServer pid=1, EngineCore_0 pid=312'
  Start date   : '08-25 14:02:21.670'
  End date     : '08-25 14:02:27.402'
  Elapsed      : 5.732
`));
  assert.ok(log.includes("\n  Log category   : 'Dynamo'\n    Process      : 'EngineCore_0 pid=312'\n"));
  assert.equal(log.match(/Log category/g)?.length, 14, '8 phases + 2 children + 4 gaps');
});

test('analysis/result.txt: load-time block and the phase table with a total per level', () => {
  const txt = analysisText(reportV01(resultYaml(run)));
  assert.match(txt, /Model Load\n {6}Elapsed\(secs\) {17}: {3}1\.812\n {6}Rate\(GiB\/secs\) {16}: {3}0\.618\n/);
  assert.match(txt, /Compiled Graph\n {6}Compile\(secs\) {17}: {2}16\.310\n/);
  assert.match(txt, /\n {4}Pytorch Compilation {3}EngineCore_0 +27\.360\n {6}Dynamo {14}EngineCore_0 +5\.241\n {6}Inductor {12}EngineCore_0 +22\.119\n {6}Total +27\.360\n/);
  assert.match(txt, /\n {4}Total +57\.872\n$/);
  assert.match(txt, /Elapsed\(secs\) {21}: {3}2\.500/);
  assert.doesNotMatch(txt, /Uncategorized/);
});

test('console summary: numbers, phases, gaps', () => {
  const s = summaryText(run);
  assert.match(s, /model load +1\.812 s +size 1\.12 GiB +rate 0\.62 GiB\/s/);
  assert.match(s, /graph compile +16\.310 s/);
  assert.match(s, /Uncategorized +5\.732/);
  assert.match(s, /missing or unreadable \(1\):\n {4}- phase "LLM Imports" starts in process ""/);
});
