/**
 * run_metadata.yaml, the hand-off file upstream's harness scripts write into each
 * results directory (llm-d-benchmark-run.md §6) and the report converters read.
 * Never holds secrets: only the names below.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface RunMetadata {
  /** ISO 8601 UTC, seconds precision (as `date -u +%Y-%m-%dT%H:%M:%SZ`). */
  harness_start: string;
  harness_stop: string;
  /** `PT<seconds>S` as upstream. */
  harness_delta: string;
  harness_args: string;
  harness_version: string;
  harness_name: string;
  harness_workload: string;
  harness_rc: number;
  experiment_id: string;
  model: string;
  endpoint_url: string;
  namespace: string;
  description_text: string;
  description_keywords: string;
  /** llmdbench additions. */
  stack_name: string;
  method: string;
  treatment: string | null;
  /** False when interrupted (Ctrl-C / SIGTERM) or the harness could not finish. */
  complete: boolean;
  duration_seconds: number;
}

export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function deltaString(seconds: number): string {
  return `PT${Math.round(seconds)}S`;
}

/** Drop `--key value` pairs and `key=value` overrides whose name looks secret. */
export function scrubArgs(args: string): string {
  return args
    .replace(/((?:token|key|secret|password)[\w-]*[= ])\S+/gi, '$1***')
    .replace(/\bhf_[A-Za-z0-9]{8,}\b/g, '***');
}

export function writeRunMetadata(dir: string, m: RunMetadata): void {
  writeFileSync(join(dir, 'run_metadata.yaml'), stringify({ ...m, harness_args: scrubArgs(m.harness_args) }));
}
