/**
 * Warm-up requests in a harness's records: a harness that sends warm-up requests in the same
 * load (vllm-benchmark's 3 prompts, fmperf's engine warm-up and warm-up runs) tags them
 * `phase: <name>`; its metric definitions leave them out, as the real tool's report does.
 * records.jsonl keeps them (raw data is recorded once, all of it).
 */
import type { RequestRecord } from '../engine/types.ts';

export const PHASE_TAG = 'phase';

export const isWarmup = (r: RequestRecord): boolean => r.tags?.[PHASE_TAG] !== undefined && r.tags[PHASE_TAG] !== 'measured';

export const measured = (records: readonly RequestRecord[]): RequestRecord[] => records.filter((r) => !isWarmup(r));
