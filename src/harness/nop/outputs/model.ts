/** The nop run's result in memory: what every output file is written from. */
import type { Categorized } from '../categories.ts';
import type { GpuInfo, LoadFormat, ParsedLog } from '../types.ts';

export interface NopEngineResult {
  /** Metrics block name: "vLLM Standalone" (upstream), "vLLM Launcher". */
  name: string;
  engine: { name: string; version: string; args: Record<string, unknown> };
  parsed: ParsedLog;
  categorized: Categorized;
  /** The raw log bytes, written to <name>/vllm.log. */
  log: Buffer;
  /** Where the log came from (file path, URL, pod), for the summary. */
  source: string;
  /** Whether this harness sent /sleep + /wake_up and re-read the log. */
  sleepWakeSent: boolean;
}

export interface NopRunResult {
  model: string;
  loadFormat: LoadFormat;
  sleepMode: boolean;
  gpus: GpuInfo[];
  engines: NopEngineResult[];
  /** Epoch seconds. */
  startS: number;
  stopS: number;
  /** Run-level notes (source problems, sleep/wake failures). */
  notes: string[];
}

/** `vLLM Standalone` -> `vLLM_Standalone` (upstream's per-engine folder name). */
export function engineDir(name: string): string {
  return name.replace(/ /g, '_');
}
