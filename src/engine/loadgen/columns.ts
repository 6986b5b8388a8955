/**
 * What the load generator keeps of a finished request instead of the record itself: the four
 * times its health report needs (scheduled, dispatched, sent, end), in growable Float64Arrays per
 * stage — 32 bytes a request where the record object was ~7 KB — plus the same-read counters.
 * runLoad fills one as requests finish (the records themselves are streamed to records.jsonl);
 * src/metrics' loadgenHealth reads it. Exact: the peak in flight and the lag percentiles are
 * the same numbers the records gave.
 */
import { F64Buffer as Column } from '../../util/f64-buffer.ts';
import type { RequestRecord } from '../types.ts';

/** One stage's finished requests, column by column, in completion order. */
export class StageColumns {
  readonly scheduledAtMs = new Column();
  readonly sentAtMs = new Column();
  /** NaN when the record has no dispatchedAtMs. */
  readonly dispatchedAtMs = new Column();
  readonly endAtMs = new Column();
  get length(): number {
    return this.sentAtMs.length;
  }
  add(r: RequestRecord): void {
    this.scheduledAtMs.push(r.scheduledAtMs);
    this.sentAtMs.push(r.sentAtMs);
    this.dispatchedAtMs.push(r.dispatchedAtMs ?? NaN);
    this.endAtMs.push(r.endAtMs);
  }
}

/** Every finished request of a run (or several runs merged), by stage. */
export class RecordColumns {
  private readonly stages = new Map<number, StageColumns>();
  /** Gaps between consecutive content events of successful streamed records (metrics/same-read.ts). */
  sameReadGaps = 0;
  /** Of those, events that arrived in the same network read. */
  sameReadChunks = 0;
  count = 0;

  add(r: RequestRecord): void {
    let s = this.stages.get(r.stage);
    if (!s) this.stages.set(r.stage, (s = new StageColumns()));
    s.add(r);
    this.count++;
    if (!r.error && r.sameReadChunks !== undefined && r.chunkTimesMs.length >= 2) {
      this.sameReadGaps += r.chunkTimesMs.length - 1;
      this.sameReadChunks += r.sameReadChunks;
    }
  }

  stage(stage: number): StageColumns | undefined {
    return this.stages.get(stage);
  }

  /** Stage numbers seen, in first-seen order. */
  stageNumbers(): number[] {
    return [...this.stages.keys()];
  }

  /** Every stage's columns. */
  parts(): StageColumns[] {
    return [...this.stages.values()];
  }

  /** The columns of a list of records (tests, callers that hold records anyway). */
  static of(records: Iterable<RequestRecord>): RecordColumns {
    const c = new RecordColumns();
    for (const r of records) c.add(r);
    return c;
  }

  /** Several runs' columns as one (GuideLLM's strategies, each its own engine run). */
  static merge(list: readonly RecordColumns[]): RecordColumns {
    const out = new RecordColumns();
    for (const c of list) {
      out.count += c.count;
      out.sameReadGaps += c.sameReadGaps;
      out.sameReadChunks += c.sameReadChunks;
      for (const [k, s] of c.stages) {
        let o = out.stages.get(k);
        if (!o) out.stages.set(k, (o = new StageColumns()));
        for (const col of ['scheduledAtMs', 'sentAtMs', 'dispatchedAtMs', 'endAtMs'] as const) for (const v of s[col].view()) o[col].push(v);
      }
    }
    return out;
  }
}

/** Exact peak of requests in flight over [sent, end) of the given columns (one or several stages). */
export function maxConcurrentOf(parts: readonly StageColumns[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    starts.set(p.sentAtMs.view(), o);
    ends.set(p.endAtMs.view(), o);
    o += p.length;
  }
  return sweep(starts.sort(), ends.sort());
}

/** Peak overlap of intervals given sorted starts and sorted ends (an end at a start closes first). */
export function sweep(starts: Float64Array, ends: Float64Array): number {
  let i = 0;
  let j = 0;
  let cur = 0;
  let max = 0;
  while (i < starts.length) {
    if (j < ends.length && ends[j]! <= starts[i]!) {
      cur--;
      j++;
    } else {
      cur++;
      i++;
      if (cur > max) max = cur;
    }
  }
  return max;
}
