import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration, formatDuration, readConfigFile, resolveConfig, applyAdminPatch } from '../../../src/sim/config.ts';
import { KEYS } from '../../../src/sim/keys.ts';
import { buildSimConfig } from '../../../src/sim/run.ts';
import { throwsCode } from '../../helpers/throws-code.ts';

function yamlFile(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'sim-cfg-')), 'sim.yaml');
  writeFileSync(f, text);
  return f;
}

describe('sim config', () => {
  it('parses Go durations and plain ms, and formats them back', () => {
    assert.equal(parseDuration('100ms'), 100);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('750us'), 0.75);
    assert.equal(parseDuration('1m30s'), 90000);
    assert.equal(parseDuration(20), 20);
    assert.equal(parseDuration('20'), 20);
    assert.equal(typeof parseDuration('soon'), 'string');
    assert.equal(typeof parseDuration(-1), 'string');
    for (const ms of [0, 100, 0.75, 1500, 0.001]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });

  it('has the upstream defaults', () => {
    const c = resolveConfig({ overrides: { model: 'm' }, env: {} });
    assert.equal(c.port, 8000);
    assert.equal(c.maxNumSeqs, 5);
    assert.equal(c.maxWaitingQueueLength, 1000);
    assert.equal(c.maxModelLen, 1024);
    assert.equal(c.mode, 'random');
    assert.equal(c.blockSize, 16);
    assert.equal(c.kvCacheSize, 1024);
    assert.equal(c.timeFactorUnderLoad, 1);
    assert.equal(c.ttftMs, 0);
    assert.deepEqual(c.servedModelNames, ['m']);
    assert.equal(c.failureTypes.length, 6);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(KEYS.length, new Set(KEYS.map((k) => k.key)).size, 'no duplicate keys');
  });

  it('precedence: overrides > SIM_MODEL > file', () => {
    assert.equal(resolveConfig({ file: { model: 'a' }, env: { SIM_MODEL: 'b' } }).model, 'b');
    assert.equal(resolveConfig({ file: { model: 'a' }, overrides: { model: 'c' }, env: { SIM_MODEL: 'b' } }).model, 'c');
    assert.equal(resolveConfig({ file: { model: 'a', 'max-num-seqs': 7 }, overrides: { 'max-num-seqs': '9' }, env: {} }).maxNumSeqs, 9);
  });

  it('reads a YAML file with upstream keys', () => {
    const f = yamlFile('model: facebook/opt-125m\nserved-model-name: [a, b]\ntime-to-first-token: 100ms\ninter-token-latency: 20ms\nmax-num-seqs: 16\nenable-kvcache: true\nfailure-types: [rate_limit]\n');
    const c = resolveConfig({ file: readConfigFile(f), env: {} });
    assert.deepEqual(c.servedModelNames, ['a', 'b']);
    assert.equal(c.ttftMs, 100);
    assert.equal(c.itlMs, 20);
    assert.equal(c.maxNumSeqs, 16);
    assert.equal(c.enableKvCache, true);
    assert.deepEqual(c.failureTypes, ['rate_limit']);
  });

  it('reports an unknown key with file:line and the closest valid key', () => {
    const f = yamlFile('model: m\n\nmax-num-seq: 4\n');
    const e = throwsCode(() => readConfigFile(f), 'E_SIM_CONFIG');
    assert.equal(e.code, 'E_SIM_CONFIG');
    assert.equal(e.location?.file, f);
    assert.equal(e.location?.line, 3);
    assert.equal(e.location?.keyPath, 'max-num-seq');
    assert.match(e.message, /unknown key "max-num-seq"; did you mean "max-num-seqs"\?/);
  });

  it('reports every bad value with its key and line', () => {
    const f = yamlFile('model: m\nmax-num-seqs: 0\ntime-to-first-token: soon\nmode: fast\nblock-size: 12\nfailure-injection-rate: 150\nenable-kvcache: maybe\n');
    const e = throwsCode(() => readConfigFile(f), 'E_SIM_CONFIG');
    assert.equal(e.details.length, 6, e.details.join('\n'));
    const all = e.details.join('\n');
    assert.match(all, new RegExp(`${f}:2: max-num-seqs: must be >= 1, got 0`));
    assert.match(all, new RegExp(`${f}:3: time-to-first-token: must be a duration`));
    assert.match(all, new RegExp(`${f}:4: mode: must be one of "random", "echo"`));
    assert.match(all, new RegExp(`${f}:5: block-size: must be one of 8, 16, 32, 64, 128, got 12`));
    assert.match(all, new RegExp(`${f}:6: failure-injection-rate: must be <= 100, got 150`));
    assert.match(all, new RegExp(`${f}:7: enable-kvcache: must be true or false`));
  });

  it('reports YAML syntax errors with a line', () => {
    const e = throwsCode(() => readConfigFile(yamlFile('model: m\nmax-num-seqs: [1,\n')), 'E_SIM_CONFIG_YAML');
    assert.equal(e.code, 'E_SIM_CONFIG_YAML');
    assert.ok(e.location?.line !== undefined);
  });

  it('enforces the 30 % std-dev rule and requires a model', () => {
    const e = throwsCode(() => resolveConfig({ overrides: { model: 'm', 'time-to-first-token': '100ms', 'time-to-first-token-std-dev': '31ms' }, env: {} }), 'E_SIM_CONFIG');
    assert.match(e.message, /time-to-first-token-std-dev must be at most 30% of time-to-first-token/);
    resolveConfig({ overrides: { model: 'm', 'time-to-first-token': '100ms', 'time-to-first-token-std-dev': '30ms' }, env: {} });
    assert.match(throwsCode(() => resolveConfig({ env: {} }), 'E_SIM_CONFIG').message, /model is required/);
  });

  it('a cross-key error from the file points at its file:line; a flag that fixes it wins', () => {
    const f = yamlFile('model: m\ntime-to-first-token: 10ms\ntime-to-first-token-std-dev: 9ms\n');
    const e = throwsCode(() => buildSimConfig({ configFile: f }), 'E_SIM_CONFIG');
    assert.equal(e.location?.file, f);
    assert.equal(e.location?.line, 3);
    assert.equal(e.location?.keyPath, 'time-to-first-token-std-dev');
    assert.equal(buildSimConfig({ configFile: f, overrides: { 'time-to-first-token-std-dev': '3ms' } }).ttftStdDevMs, 3);
  });

  it('admin patches accept only run-time keys and keep the rest', () => {
    const c = resolveConfig({ overrides: { model: 'm' }, env: {} });
    const ok = applyAdminPatch(c, { 'inter-token-latency': '20ms', 'time-factor-under-load': 2 });
    assert.equal(ok.config?.itlMs, 20);
    assert.equal(ok.config?.timeFactorUnderLoad, 2);
    assert.equal(ok.config?.model, 'm');
    assert.match(applyAdminPatch(c, { port: 1 }).error ?? '', /port \(cannot be changed at run time\)/);
    assert.match(applyAdminPatch(c, { 'time-factor-under-load': 0.5 }).error ?? '', /must be >= 1/);
  });
});
