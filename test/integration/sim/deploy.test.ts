import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readConfigFile, resolveConfig } from '../../../src/sim/config.ts';
import { PRESETS } from '../../../src/sim/presets.ts';

const repo = resolve(import.meta.dirname, '..', '..', '..');

describe('deploy/ manifests for the simulator', () => {
  const docs = parseAllDocuments(readFileSync(join(repo, 'deploy', 'kubernetes', 'simulator.yaml'), 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, String(d.errors[0]));
    return d.toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  const byKind = new Map(docs.map((d) => [d['kind'] as string, d]));

  it('has a ConfigMap whose config.yaml is valid simulator config with the realistic-small numbers', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-deploy-')), 'config.yaml');
    writeFileSync(file, byKind.get('ConfigMap')?.['data']['config.yaml']);
    const cfg = resolveConfig({ file: readConfigFile(file), env: {} });
    const preset = resolveConfig({ file: { ...PRESETS['realistic-small'] }, overrides: { model: 'x' }, env: {} });
    for (const k of ['ttftMs', 'itlMs', 'itlStdDevMs', 'prefillOverheadMs', 'prefillTimePerTokenMs', 'maxNumSeqs', 'timeFactorUnderLoad', 'enableKvCache', 'kvCacheSize'] as const) {
      assert.equal(cfg[k], preset[k], k);
    }
    assert.equal(cfg.port, 8000);
  });

  it('wires the Deployment to the ConfigMap, probes and Service port', () => {
    const dep = byKind.get('Deployment');
    const svc = byKind.get('Service');
    const c = dep?.['spec']['template']['spec']['containers'][0];
    assert.deepEqual(c['args'], ['--config', '/etc/llmdbench-sim/config.yaml']);
    assert.equal(c['readinessProbe']['httpGet']['path'], '/health/ready');
    assert.equal(c['livenessProbe']['httpGet']['path'], '/health');
    assert.equal(c['ports'][0]['containerPort'], 8000);
    assert.deepEqual(svc?.['spec']['selector'], dep?.['spec']['selector']['matchLabels']);
    assert.equal(svc?.['spec']['ports'][0]['port'], 8000);
    const dockerfile = readFileSync(join(repo, 'deploy', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /ENTRYPOINT \["node", "\/app\/bin\/llmdbench\.js", "sim", "--host", "0\.0\.0\.0"\]/);
  });
});
