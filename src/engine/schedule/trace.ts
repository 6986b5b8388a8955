import { readFileSync } from 'node:fs';
import { LlmdbenchError } from '../../util/errors.ts';
import { Checker } from '../datagen/check.ts';
import type { StagePlan } from '../types.ts';
import type { KeyPath, SchedulePlugin } from './types.ts';

/** One row of a request trace. */
export interface TraceRow {
  offsetMs: number;
  inputTokens?: number;
  outputTokens?: number;
}

function parseTime(v: string): number | undefined {
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000; // seconds
  // AzurePublicDataset: "2023-11-16 18:15:46.6805900" (UTC); keep µs precision
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(s);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(base)) return undefined;
  return base + (m[3] ? Number(m[3]) * 1000 : 0);
}

/**
 * Parse a trace CSV (AzurePublicDataset: TIMESTAMP, ContextTokens,
 * GeneratedTokens; or numeric seconds in the first column). Offsets are
 * relative to the first row and sorted.
 */
export function parseTraceCsv(text: string, file = '<trace>'): TraceRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new LlmdbenchError('E_TRACE', `trace ${file} is empty`, { location: { file } });
  const header = (lines[0] as string).split(',').map((h) => h.trim().toLowerCase());
  const hasHeader = header.some((h) => /[a-z]/.test(h) && parseTime(h) === undefined);
  const col = (re: RegExp, def: number) => {
    const i = header.findIndex((h) => re.test(h));
    return hasHeader && i >= 0 ? i : def;
  };
  const tCol = col(/time/, 0);
  const inCol = col(/context|input|prompt/, 1);
  const outCol = col(/generated|output|completion/, 2);
  const rows: TraceRow[] = [];
  for (let li = hasHeader ? 1 : 0; li < lines.length; li++) {
    const f = (lines[li] as string).split(',');
    const t = parseTime(f[tCol] ?? '');
    if (t === undefined) {
      throw new LlmdbenchError('E_TRACE', `trace ${file} line ${li + 1}: bad timestamp "${f[tCol] ?? ''}"`, { location: { file, line: li + 1 } });
    }
    const num = (i: number) => (f[i] !== undefined && f[i]!.trim() !== '' && Number.isFinite(Number(f[i])) ? Number(f[i]) : undefined);
    const inputTokens = num(inCol);
    const outputTokens = num(outCol);
    rows.push({ offsetMs: t, ...(inputTokens !== undefined ? { inputTokens } : {}), ...(outputTokens !== undefined ? { outputTokens } : {}) });
  }
  rows.sort((a, b) => a.offsetMs - b.offsetMs);
  const t0 = (rows[0] as TraceRow).offsetMs;
  for (const r of rows) r.offsetMs -= t0;
  return rows;
}

/** inference-perf's trace_replay: send time = stage start + trace offset. */
export function traceReplayPlan(file: string, index = 0): { plan: StagePlan; rows: TraceRow[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LlmdbenchError('E_TRACE', `cannot read trace ${file}: ${(e as Error).message}`, { kind: 'environment', location: { file } });
  }
  const rows = parseTraceCsv(text, file);
  const offsetsMs = Float64Array.from(rows, (r) => r.offsetMs);
  const durationMs = rows.length ? (rows[rows.length - 1] as TraceRow).offsetMs : 0;
  const requestedRate = durationMs > 0 ? (rows.length * 1000) / durationMs : rows.length;
  return { plan: { kind: 'open', stage: index, offsetsMs, requestedRate, durationMs }, rows };
}

/** `trace_replay` as a stage schedule: `{ file }` (an AzurePublicDataset-style CSV). */
export const traceReplaySchedule: SchedulePlugin<{ file: string }> = {
  kind: 'trace_replay',
  description: 'send times from a trace CSV (offset = timestamp − first timestamp)',
  validate(stage: unknown, at: KeyPath = []) {
    const c = new Checker(at);
    const o = c.object(stage, []);
    if (!o) {
      if (stage == null) c.error([], 'stage is empty: give the trace file');
      return c.issues;
    }
    c.string(o, 'file', true);
    c.unknownKeys(o, ['file', 'format', 'rate', 'duration']);
    return c.issues;
  },
  plan(s, index) {
    return traceReplayPlan(s.file, index).plan;
  },
};
