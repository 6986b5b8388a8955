/**
 * The report's identifiers, computed as upstream's converter does so that
 * reports from llmdbench and from the Python tools join on the same keys:
 * cfg_id = sha256(json.dumps(config, sort_keys=True)), eid = uuid5(NAMESPACE_URL,
 * experiment id), uid = a fresh uuid4 per report.
 */
import { createHash, randomUUID } from 'node:crypto';
import { pyJsonDumps } from './pyjson.ts';

export function configHash(config: unknown): string {
  return createHash('sha256').update(pyJsonDumps(config), 'utf8').digest('hex');
}

/** RFC 4122 namespace for URLs (uuid.NAMESPACE_URL). */
export const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
/** RFC 4122 namespace for DNS names (uuid.NAMESPACE_DNS). */
export const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** Name-based UUID (SHA-1, version 5), as Python's uuid.uuid5. */
export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function uuid4(): string {
  return randomUUID();
}
