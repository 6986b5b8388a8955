/**
 * The upstream llm-d benchmark report JSON schemas (v0.1, v0.2, v0.2.1), compiled
 * with ajv for tests. The schemas are pydantic's output: `ge` is not a JSON
 * Schema keyword (strict mode off), formats via ajv-formats.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { upstreamDir } from './upstream.ts';

const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
export const SAMPLES = join(upstreamDir, 'samples');
const DIR = join(SAMPLES, 'benchmark_report');
const FILES: Record<string, string> = { '0.1': 'br_v0_1_json_schema.json', '0.2': 'br_v0_2_json_schema.json', '0.2.1': 'br_v0_2_1_json_schema.json' };
const cache = new Map<string, ValidateFunction>();

export function validator(version: string): ValidateFunction {
  let v = cache.get(version);
  if (!v) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    v = ajv.compile(JSON.parse(readFileSync(join(DIR, FILES[version]!), 'utf8')) as object);
    cache.set(version, v);
  }
  return v;
}

/** Validation errors as one readable string ('' when valid). */
export function schemaErrors(version: string, report: unknown): string {
  const v = validator(version);
  if (v(report)) return '';
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}
