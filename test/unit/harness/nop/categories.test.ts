/** The category walk's edge rules: restarts after "Uvicorn running"/tensorizer, lines without a time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLog } from '../../../../src/harness/nop/log-lines.ts';
import { categorize, categoryElapsedS } from '../../../../src/harness/nop/categories.ts';

const dp = (text: string, model = '') => {
  const r = categorize(splitLog(text), model);
  return { s: categoryElapsedS(r.categories[0]!), from: r.fromLine, warnings: r.warnings };
};

test('a first server run ending with "Uvicorn running" is skipped only when a new start follows', () => {
  const first = 'DEBUG 05-01 10:00:00.000 x] No plugins for group a found.\nINFO 05-01 10:00:01.000 x] Automatically detected platform cuda.\nINFO:     Uvicorn running on socket (0.0.0.0, 8000)\n';
  const again = 'DEBUG 05-01 10:01:00.000 x] No plugins for group a found.\nINFO 05-01 10:01:00.500 x] Automatically detected platform cuda.\n';
  const restarted = dp(first + again);
  assert.equal(restarted.s, 0.5);
  assert.equal(restarted.from, 4);
  assert.ok(restarted.warnings.some((w) => w.startsWith('line 3 ends a tensorizer serialization or a first server run')));
  const single = dp(first);
  assert.equal(single.s, 1);
  assert.equal(single.from, 1);
});

test('a tensorizer serialization of the model is skipped', () => {
  const text = 'DEBUG 05-01 10:00:00.000 x] No plugins for group a found.\nINFO 05-01 10:00:09.000 x] Automatically detected platform cuda.\nINFO 05-01 10:00:30.000 x] End model m/x serialization\nDEBUG 05-01 10:01:00.000 x] No plugins for group a found.\nINFO 05-01 10:01:00.250 x] Automatically detected platform cuda.\n';
  assert.equal(dp(text, 'm/x').s, 0.25);
  assert.equal(dp(text, 'other').s, 9);
});

test('a start or end matched on a line without a time moves to the next timed line of that process', () => {
  const text = [
    'No plugins for group a found. (no time on this line)',
    'DEBUG 05-01 10:00:00.100 x] next line, timed',
    '(EngineCore_0 pid=5) INFO 05-01 10:00:00.300 x] other process, timed',
    'detected platform, but no time',
    'INFO 05-01 10:00:00.900 x] first timed line after the end',
  ].join('\n');
  const r = categorize(splitLog(text));
  const c = r.categories[0]!;
  assert.equal(c.start?.number, 2);
  assert.equal(c.end?.number, 5, 'the EngineCore line belongs to another process');
  assert.equal(categoryElapsedS(c), 0.8);
});

test('which wording opened and closed each phase is recorded (shell-era vs late vLLM lines)', async () => {
  const { readFileSync } = await import('node:fs');
  const { phaseMatches } = await import('../../../../src/harness/nop/categories.ts');
  const read = (f: string) => categorize(splitLog(readFileSync(new URL(`../../../fixtures/vllm-logs/${f}`, import.meta.url), 'utf8'))).categories;
  const early = phaseMatches(read('v1-0.10-debug-ms-compile.log'));
  const late = phaseMatches(read('v1-late-debug-ms-cache-sleep.log'));
  assert.deepEqual(early['Worker Initialization'], { start: 'Waiting for init message', end: 'Starting to load model' });
  assert.deepEqual(late['Worker Initialization'], { start: 'Initializing a V1 LLM engine', end: 'Loading model from scratch' });
  assert.deepEqual(early['Pytorch Compilation'], { start: 'Start compiling function', end: 'torch.compile takes' });
  assert.deepEqual(late['Pytorch Compilation'], { start: "for vLLM's torch.compile", end: 'torch.compile took' });
  assert.deepEqual(late['API Server Starts'], { start: 'Starting vLLM server', end: 'Route: /metrics' });
  const v0 = phaseMatches(read('v0-0.7-debug-no-ms.log'));
  assert.deepEqual(v0['CUDA Graph Capture'], { end: 'init engine' }, 'an end without a start is still recorded');
});
