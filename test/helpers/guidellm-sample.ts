/**
 * The real GuideLLM v0.7.3 run against our simulator (../shared/upstream/samples/guidellm/
 * real-run-against-sim), its per-request timings turned back into RequestRecords (chunk times
 * evenly spaced first → last token, as GuideLLM itself assumes), in ms relative to a base second
 * (our monotonic clock keeps sub-microsecond precision; epoch ms would not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../src/engine/types.ts';
import { upstreamDir } from './upstream.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SAMPLE_DIR = join(upstreamDir, 'samples', 'guidellm', 'real-run-against-sim');

export function loadSample(): J {
  return JSON.parse(readFileSync(join(SAMPLE_DIR, 'benchmarks.json'), 'utf8')) as J;
}

export function replaySample(): { report: J; bench: J; records: RequestRecord[]; baseS: number } {
  const report = loadSample();
  const bench = report.benchmarks[0] as J;
  const baseS = Math.floor(bench.scheduler_metrics.start_time as number);
  const ms = (x: number): number => (x - baseS) * 1000;
  const records: RequestRecord[] = [];
  let id = 0;
  for (const status of ['successful', 'errored', 'incomplete']) {
    for (const q of bench.requests[status] as J[]) {
      const t = q.info.timings;
      const n = t.token_iterations as number;
      const chunks = n === 0 ? [] : n === 1 ? [ms(t.first_token_iteration)] : Array.from({ length: n }, (_, i) => ms(t.first_token_iteration + ((t.last_token_iteration - t.first_token_iteration) * i) / (n - 1)));
      const rec: RequestRecord = {
        stage: 0,
        worker: 0,
        stream: true,
        api: 'chat',
        id: id++,
        scheduledAtMs: ms(t.targeted_start),
        sentAtMs: ms(t.request_start),
        chunkTimesMs: chunks,
        chunkTokens: chunks.map(() => 1),
        endAtMs: ms(t.request_end ?? t.resolve_end),
        promptTokensServer: q.prompt_tokens,
        choiceEventCount: status === 'successful' ? t.request_iterations - 2 : t.request_iterations,
        doneSeen: status === 'successful',
        outputText: q.output,
      };
      if (q.output_metrics.text_tokens !== null) rec.completionTokensServer = q.output_metrics.text_tokens;
      if (status === 'incomplete') rec.error = { label: 'aborted', message: 'cancelled' };
      records.push(rec);
    }
  }
  return { report, bench, records, baseS };
}
