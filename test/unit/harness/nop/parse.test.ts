/** Wording variants, number extraction, timestamps and the Python-literal reader, line by line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elapsedS, processOf, splitLog, stampToMs } from '../../../../src/harness/nop/log-lines.ts';
import { parseLog } from '../../../../src/harness/nop/parse.ts';
import { parsePythonDict } from '../../../../src/harness/nop/py-literal.ts';

const one = (line: string) => parseLog(splitLog(line));

test('model loading: each generation\'s wording gives size and time; an unknown order gives nothing', () => {
  assert.deepEqual(one('INFO 05-01 10:00:00 x] Model loading took 15.2209 GB and 12.221976 seconds').metrics.load, { sizeGiB: 15.2209, timeS: 12.221976 });
  assert.deepEqual(one('INFO 05-01 10:00:00 x] Model loading took 14.9889 GiB and 8.43 seconds').metrics.load, { sizeGiB: 14.9889, timeS: 8.43 });
  assert.deepEqual(one('INFO 05-01 10:00:00 x] Model loading took 14.9889 GiB memory and 8.43 seconds').metrics.load, { sizeGiB: 14.9889, timeS: 8.43 });
  const old = one('INFO 05-01 10:00:00 x] Loading model weights took 14.9888 GB');
  assert.deepEqual(old.metrics.load, { sizeGiB: 14.9888 });
  assert.equal(old.matched['load'], 'weights-gb-no-time');
  assert.ok(old.warnings.some((w) => w.includes('prints no model loading time')));
  const bad = one('INFO 05-01 10:00:00 x] Model loading took 8.43 s, 14.99 GiB');
  assert.equal(bad.metrics.load, undefined);
  assert.equal(bad.matched['load'], 'unrecognised');
});

test('the number after the key is the time, never the shape (upstream takes the first float)', () => {
  assert.equal(one('Compiling a graph for shape 8 takes 2.10 s').metrics.compileGraphS, 2.1);
  assert.equal(one('Directly load the compiled graph(s) for shape 512 from the cache, took 0.734 s').metrics.loadCachedCompiledGraphS, 0.734);
  assert.equal(one('torch.compile takes 17.88 s in total').matched['torch_compile'], 'takes');
  assert.equal(one('torch.compile took 17.88 s in total').metrics.torchCompileS, 17.88);
  assert.equal(one('torch.compile took 17.88 seconds overall').metrics.torchCompileS, undefined);
});

test('memory profiling time: 0.7+ and 0.6 wordings', () => {
  assert.equal(one('Memory profiling takes 6.42 seconds').metrics.memoryProfiling?.timeS, 6.42);
  const v06 = one('INFO 12-05 10:00:00 worker.py:262] Memory profiling results: duration=5.34 seconds, total_gpu_memory=79.22GiB, initial_memory_usage=15.54GiB');
  assert.equal(v06.metrics.memoryProfiling?.timeS, 5.34);
  assert.equal(v06.matched['memory_profiling.time'], 'results-duration');
});

test('the newest line wins (scan from the end), and only the newest', () => {
  const p = parseLog(splitLog('Model loading took 1.0 GiB and 2.0 seconds\nModel loading took 3.0 GiB and 4.0 seconds\n'));
  assert.deepEqual(p.metrics.load, { sizeGiB: 3, timeS: 4 });
  // An unknown newest wording is not replaced by an older (e.g. serialization-run) number.
  const q = parseLog(splitLog('Model loading took 1.0 GiB and 2.0 seconds\nModel loading took lots\n'));
  assert.equal(q.metrics.load, undefined);
});

test('timestamps: with and without ms, 02-29 accepted, 02-30 refused, a year change read forwards', () => {
  assert.equal(stampToMs('02-29 00:00:00'), Date.UTC(2000, 1, 29));
  assert.equal(stampToMs('02-30 00:00:00'), undefined);
  assert.equal(stampToMs('13-01 00:00:00'), undefined);
  const [a, b] = splitLog('INFO 12-31 23:59:59.900 x\nINFO 01-01 00:00:00.150 y\n');
  assert.equal(a!.hasMs, true);
  assert.ok(Math.abs(elapsedS(a!, b!)! - 0.25) < 1e-9);
  const [c] = splitLog('INFO 05-01 10:00:00 x');
  assert.equal(c!.hasMs, false);
});

test('process tags: the last group with pid=', () => {
  assert.deepEqual(processOf('(APIServer pid=1) (EngineCore_0 pid=312) INFO 05-01 x (not this)'), { name: 'EngineCore_0', pid: 312 });
  assert.deepEqual(processOf('(VllmWorker rank=1 pid=77) INFO'), { name: 'VllmWorker rank=1', pid: 77 });
  assert.equal(processOf('INFO 05-01 10:00:00 (no pid here)'), undefined);
});

test('Python literal dicts as vLLM prints non-default args', () => {
  assert.deepEqual(parsePythonDict("{'a': 'x', 'b': 1.5, 'c': True, 'd': None, 'e': [1, 'two'], 'f': {'g': (1, 2)}, 'h': -3e2}"), { a: 'x', b: 1.5, c: true, d: null, e: [1, 'two'], f: { g: [1, 2] }, h: -300 });
  assert.deepEqual(parsePythonDict("{'cc': CompilationConfig(level=3, x=(1)), \"q\": 'it\\'s'}"), { cc: { CompilationConfig: 'level=3, x=(1)' }, q: "it's" });
  assert.equal(parsePythonDict("{'a': [1, 2"), undefined);
  assert.equal(parsePythonDict("{'a': 1} trailing"), undefined);
});
