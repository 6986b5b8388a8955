/**
 * What the real API server's validation would refuse (422 Invalid), for the kinds we create:
 * DNS-1123 names, non-empty containers with unique names, volumeMounts naming volumes, string
 * env values, quantity formats, restartPolicy, PVC storage request and access modes.
 */
import type { KubeObject } from '../../../src/platform/kubernetes/cluster.ts';

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[mkMGTPE]|[eE][+-]?\d+)?$/;
const KEY = /^[-._a-zA-Z0-9]+$/;

export function validate(obj: KubeObject): string[] {
  const out: string[] = [];
  const name = obj.metadata?.name ?? '';
  if (!name) out.push('metadata.name: Required value');
  else if (!DNS1123.test(name) || name.length > (obj.kind === 'Pod' ? 63 : 253)) out.push(`metadata.name: Invalid value: "${name}"`);
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) out.push(`metadata.labels[${k}]: Invalid value: "${String(v)}"`);
  }
  if (obj.kind === 'Pod') {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    const containers = (spec.containers ?? []) as Array<Record<string, unknown>>;
    if (!Array.isArray(containers) || containers.length === 0) out.push('spec.containers: Required value');
    const rp = spec.restartPolicy;
    if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(rp))) out.push(`spec.restartPolicy: Unsupported value: "${String(rp)}"`);
    const volumes = new Set(((spec.volumes ?? []) as Array<{ name: string }>).map((v) => v.name));
    const seen = new Set<string>();
    containers.forEach((c, i) => {
      const p = `spec.containers[${i}]`;
      if (!c.name || seen.has(String(c.name))) out.push(`${p}.name: Invalid value`);
      seen.add(String(c.name));
      if (!c.image) out.push(`${p}.image: Required value`);
      for (const m of (c.volumeMounts ?? []) as Array<{ name: string }>) if (!volumes.has(m.name)) out.push(`${p}.volumeMounts.name: Not found: "${m.name}"`);
      for (const e of (c.env ?? []) as Array<{ name: string; value?: unknown }>) if (e.value !== undefined && typeof e.value !== 'string') out.push(`${p}.env[${e.name}].value: must be a string`);
      const res = (c.resources ?? {}) as Record<string, Record<string, unknown>>;
      for (const part of ['requests', 'limits']) {
        for (const [k, v] of Object.entries(res[part] ?? {})) if (!QUANTITY.test(String(v))) out.push(`${p}.resources.${part}[${k}]: Invalid value: "${String(v)}"`);
      }
    });
  }
  if (obj.kind === 'PersistentVolumeClaim') {
    const spec = (obj.spec ?? {}) as { accessModes?: string[]; resources?: { requests?: { storage?: string } } };
    const storage = spec.resources?.requests?.storage;
    if (!storage || !QUANTITY.test(storage)) out.push('spec.resources[storage]: Required value');
    for (const m of spec.accessModes ?? []) if (!['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m)) out.push(`spec.accessModes: Unsupported value: "${m}"`);
    if (!spec.accessModes?.length) out.push('spec.accessModes: Required value');
  }
  if (obj.kind === 'ConfigMap') {
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, unknown>)) {
      if (!KEY.test(k)) out.push(`data[${k}]: Invalid value: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
      if (typeof v !== 'string') out.push(`data[${k}]: must be a string`);
    }
  }
  return out;
}
