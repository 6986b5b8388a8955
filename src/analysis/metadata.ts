/**
 * run_metadata.yaml, the hand-off file upstream's harness scripts write into each
 * results directory (llm-d-benchmark-run.md §6) and the report converters read.
 * Never holds secrets: only the names below.
 */
import { writeFileAtomic } from '../util/files.ts';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const RUN_METADATA_FILE = 'run_metadata.yaml';

export interface RunMetadata {
  /** ISO 8601 UTC, seconds precision (as `date -u +%Y-%m-%dT%H:%M:%SZ`). */
  harness_start: string;
  harness_stop: string;
  /** `PT<seconds>S` as upstream. */
  harness_delta: string;
  /** As upstream's harness pod writes it: `--config_file <results dir>/<workload>.yaml`. */
  harness_args: string;
  /** llmdbench addition: our own command line (secrets scrubbed). */
  llmdbench_args?: string;
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
  /** With --retries / --resume: this attempt's number, how many were allowed, where the earlier ones are kept. */
  attempt?: number;
  attempts_allowed?: number;
  failed_attempts?: string[];
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
  writeFileAtomic(
    join(dir, RUN_METADATA_FILE),
    stringify({ ...m, harness_args: scrubArgs(m.harness_args), ...(m.llmdbench_args !== undefined ? { llmdbench_args: scrubArgs(m.llmdbench_args) } : {}) }),
  );
}
