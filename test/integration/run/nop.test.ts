/**
 * `llmdbench run -l nop` end to end on the embedded default: the simulator writes its
 * start-up log, the nop harness reads it, and the phase times it reports match the
 * simulator's configured (default) durations within 10 ms; exit 0. Also: a user endpoint
 * without --vllm-log is refused before anything starts; --vllm-log names a fixture file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { STARTUP_PHASES } from '../../../src/sim/keys.ts';
import { onlyDir, runCli, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const flatten = (cats: J[]): J[] => cats.flatMap((c) => [c, ...flatten(c.categories ?? [])]);

test('run -l nop on the embedded default reports the configured phase durations within 10 ms', async () => {
  const wd = tmp('run-nop');
  const r = await runCli(['run', '-l', 'nop', '--workdir', wd]);
  assert.equal(r.code, 0, r.stderr);
  const res = onlyDir(wd, 'results');
  const result: J = parse(readFileSync(join(res, 'result.yaml'), 'utf8'));
  const cats = new Map(flatten(result.metrics[0].categories).map((c) => [c.title, c.elapsed as number]));
  for (const p of STARTUP_PHASES) {
    const got = cats.get(p.title);
    assert.ok(got !== undefined && Math.abs(got - p.defMs / 1000) <= 0.01, `${p.title}: ${got} s vs ${p.defMs} ms configured`);
  }
  assert.equal(result.metrics[0].load.time, STARTUP_PHASES.find((p) => p.key === 'log-phase-model-loading')!.defMs / 1000);
  assert.deepEqual(result.metrics[0].llmdbench.warnings, []);
  assert.match(r.stderr, /Model Loading +0\.600/);
  const md: J = parse(readFileSync(join(res, 'run_metadata.yaml'), 'utf8'));
  assert.equal(md.harness_name, 'nop');
  assert.equal(md.harness_workload, 'nop.yaml');
});

test('run -l nop: a user endpoint needs --vllm-log (refused before anything starts); --vllm-log reads a fixture', async () => {
  const wd = tmp('run-nop-ep');
  const refused = await runCli(['run', '-l', 'nop', '--endpoint', 'http://127.0.0.1:9', '--workdir', wd]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /E_NOP_LOG/);
  const missing = await runCli(['run', '-l', 'nop', '--vllm-log', join(wd, 'no-such.log'), '--workdir', wd]);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /E_NOP_LOG.*not found/);
  assert.doesNotMatch(missing.stderr, /embedded simulator serving/);
  const fixture = fileURLToPath(new URL('../../fixtures/vllm-logs/v0-0.7-debug-no-ms.log', import.meta.url));
  const wd2 = tmp('run-nop-file');
  const r = await runCli(['run', '-l', 'nop', '--vllm-log', fixture, '--workdir', wd2]);
  assert.equal(r.code, 0, r.stderr);
  const result: J = parse(readFileSync(join(onlyDir(wd2, 'results'), 'result.yaml'), 'utf8'));
  assert.equal(result.metrics[0].load.time, 9.004112);
  assert.match(r.stderr, /timestamps have no milliseconds/);
});
