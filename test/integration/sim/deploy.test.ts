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

  it('every document is a Kubernetes object with its required fields', () => {
    assert.deepEqual([...byKind.keys()].sort(), ['ConfigMap', 'Deployment', 'Service']);
    const apiVersion: Record<string, string> = { ConfigMap: 'v1', Service: 'v1', Deployment: 'apps/v1' };
    const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    for (const d of docs) {
      assert.equal(d['apiVersion'], apiVersion[d['kind']], d['kind']);
      assert.match(String(d['metadata']?.['name']), dns1123, `${d['kind']} metadata.name`);
      for (const [k, v] of Object.entries(d['metadata']?.['labels'] ?? {})) assert.equal(typeof v, 'string', `label ${k} must be a string`);
    }
    const spec = byKind.get('Deployment')?.['spec'];
    const tpl = spec['template'];
    for (const [k, v] of Object.entries(spec['selector']['matchLabels'] as Record<string, string>)) {
      assert.equal(tpl['metadata']['labels'][k], v, `template labels carry selector ${k}`);
    }
    const pod = tpl['spec'];
    const volumes = new Set((pod['volumes'] as { name: string }[]).map((v) => v.name));
    for (const c of pod['containers'] as Record<string, any>[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.match(String(c['name']), dns1123);
      assert.ok(typeof c['image'] === 'string' && c['image'].length > 0, 'container image');
      const portNames = new Set((c['ports'] as { name: string; containerPort: number }[]).map((p) => p.name));
      for (const probe of ['readinessProbe', 'livenessProbe']) assert.ok(portNames.has(c[probe]['httpGet']['port']), `${probe} port is a named container port`);
      for (const m of c['volumeMounts'] as { name: string; mountPath: string }[]) assert.ok(volumes.has(m.name), `volumeMount ${m.name} has a volume`);
      for (const e of c['env'] as { name: string; value?: string; valueFrom?: object }[]) assert.ok(e.value !== undefined || e.valueFrom !== undefined, `env ${e.name}`);
    }
    const cmName = byKind.get('ConfigMap')?.['metadata']['name'];
    assert.ok((pod['volumes'] as { configMap?: { name: string } }[]).some((v) => v.configMap?.name === cmName), 'a volume mounts the ConfigMap');
    for (const p of byKind.get('Service')?.['spec']['ports'] as { port: number }[]) assert.ok(Number.isInteger(p.port) && p.port > 0 && p.port < 65536);
  });

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
    assert.equal(svc?.['spec']['ports'][0]['port'], 80);
    assert.equal(svc?.['spec']['ports'][0]['targetPort'], c['ports'][0]['name'], 'Service targets the named container port');
    const dockerfile = readFileSync(join(repo, 'deploy', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /ENTRYPOINT \["node", "\/app\/bin\/llmdbench\.js", "sim", "--host", "0\.0\.0\.0"\]/);
  });
});
