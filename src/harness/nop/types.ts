/**
 * What the nop harness extracts from a vLLM log. Absent = not found (never a guessed 0);
 * the outputs write upstream's 0 placeholders where its file shape needs a number.
 */

/** upstream's LoadFormat enum values. */
export const LOAD_FORMATS = [
  'unknown', 'auto', 'pt', 'safetensors', 'npcache', 'dummy', 'tensorizer', 'sharded_state', 'gguf',
  'bitsandbytes', 'mistral', 'runai_streamer', 'runai_streamer_sharded', 'fastsafetensors',
] as const;
export type LoadFormat = (typeof LOAD_FORMATS)[number];

export function toLoadFormat(v: string | undefined): LoadFormat {
  const s = (v ?? '').trim().replace(/^['"]|['"]$/g, '').replace(/^LoadFormat\./, '').toLowerCase();
  return (LOAD_FORMATS as readonly string[]).includes(s) ? (s as LoadFormat) : 'unknown';
}

export interface GpuInfo {
  uuid: string;
  name: string;
  compute_cap: string;
  persistence_mode: string;
}

/** The scalar metrics of one vLLM start (seconds, GiB). */
export interface VllmMetrics {
  load?: { sizeGiB?: number; timeS?: number };
  dynamoBytecodeTransformS?: number;
  loadCachedCompiledGraphS?: number;
  compileGraphS?: number;
  torchCompileS?: number;
  memoryProfiling?: { initialFreeGiB?: number; afterFreeGiB?: number; timeS?: number; availableKvCacheGiB?: number };
  sleep?: { timeS?: number; gpuFreedGiB?: number; gpuInUseGiB?: number };
  wakeS?: number;
  /** vLLM start to ready: the first `non-default args:` line to the next `Available routes are:` (upstream HEAD's markers). */
  vllmStartupS?: number;
}

/** Everything read from the log besides the phases. */
export interface ParsedLog {
  metrics: VllmMetrics;
  /** The `non-default args:` dict (Python literal read as JSON-like values). */
  args?: Record<string, unknown>;
  sleepMode?: boolean;
  loadFormat: LoadFormat;
  /** vLLM version printed in the log (`vLLM API server version X`). */
  version?: string;
  gpus: GpuInfo[];
  /** metric key -> id of the wording that matched (`load: v1-gib-memory`). */
  matched: Record<string, string>;
  /** What could not be read, in words (unknown wording, missing line). */
  warnings: string[];
}
