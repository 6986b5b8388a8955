import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deltaString, isoSeconds, scrubArgs, writeRunMetadata } from '../../../src/analysis/metadata.ts';
import { installInterrupts } from '../../../src/run/signals.ts';
import { normalizeEndpoint } from '../../../src/config/checks.ts';
import { createLogger } from '../../../src/util/logger.ts';

test('run_metadata.yaml carries upstream keys and no secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'md-'));
  writeRunMetadata(dir, {
    harness_start: isoSeconds(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
    harness_stop: isoSeconds(Date.UTC(2026, 0, 2, 3, 4, 35)),
    harness_delta: deltaString(29.6),
    harness_args: 'run -o api_key=abc123 --token hf_abcdefghijkl -w sanity_random',
    harness_version: 'llmdbench 0.1.0',
    harness_name: 'inference-perf',
    harness_workload: 'sanity_random.yaml',
    harness_rc: 0,
    experiment_id: '1700000000',
    model: 'meta-llama/Llama-3.2-1B-Instruct',
    endpoint_url: 'http://127.0.0.1:8000',
    namespace: 'llmdbench',
    description_text: '',
    description_keywords: '',
    stack_name: 'llm-d-1b-instruct',
    method: 'modelservice',
    treatment: null,
    complete: true,
    duration_seconds: 29.6,
  });
  const m = parse(readFileSync(join(dir, 'run_metadata.yaml'), 'utf8'));
  assert.equal(m.harness_start, '2026-01-02T03:04:05Z');
  assert.equal(m.harness_delta, 'PT30S');
  for (const k of ['harness_stop', 'harness_args', 'harness_version', 'harness_name', 'harness_workload', 'harness_rc', 'experiment_id', 'model', 'endpoint_url']) assert.ok(k in m, k);
  assert.ok(!m.harness_args.includes('abc123'));
  assert.ok(!m.harness_args.includes('hf_abcdefghijkl'));
  assert.equal(scrubArgs('-w x'), '-w x');
});

test('endpoint normalisation: scheme added, /v1 dropped, other paths rejected', () => {
  assert.equal(normalizeEndpoint('127.0.0.1:8000'), 'http://127.0.0.1:8000');
  assert.equal(normalizeEndpoint('http://h:1/v1/'), 'http://h:1');
  assert.throws(() => normalizeEndpoint('http://h:1/v1/completions'), /has a path/);
});

test('first signal stops, second cancels, handlers removed on dispose', () => {
  const proc = new EventEmitter() as unknown as NodeJS.Process;
  const lines: string[] = [];
  const exits: number[] = [];
  const it = installInterrupts(createLogger('info', (s) => lines.push(s)), proc, (c) => exits.push(c));
  assert.equal(it.stop.aborted, false);
  proc.emit('SIGTERM', 'SIGTERM');
  assert.equal(it.stop.aborted, true);
  assert.equal(it.cancel.aborted, false);
  assert.equal(it.received, 'SIGTERM');
  proc.emit('SIGINT', 'SIGINT');
  assert.equal(it.cancel.aborted, true);
  assert.deepEqual(exits, []);
  proc.emit('SIGINT', 'SIGINT');
  assert.deepEqual(exits, [130], 'a third signal quits at once');
  it.dispose();
  assert.equal((proc as unknown as EventEmitter).listenerCount('SIGINT'), 0);
  assert.equal(lines.length, 3);
});
