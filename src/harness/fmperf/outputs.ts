/**
 * LMBenchmark's native outputs, from src/metrics' LMBenchmark definitions: the per-request CSV
 * (pandas `to_csv(index=False)`: columns prompt_tokens, generation_tokens, ttft,
 * generation_time, [user_id, question_id,] launch_time, finish_time; floats as Python prints
 * them, seconds, epoch timestamps) and the "Performance summary" block multi-round-qa.py prints
 * (without its terminal colours), after the line llm-d's fmperf harness looks for:
 * `Finished benchmarking, dumping summary to <file>`.
 */
import type { LmbenchRow, LmbenchSummary } from '../../metrics/lmbench.ts';
import { pyFloat } from '../../util/pyjson.ts';

const MRQ_COLUMNS = ['prompt_tokens', 'generation_tokens', 'ttft', 'generation_time', 'user_id', 'question_id', 'launch_time', 'finish_time'] as const;
const SHAREGPT_COLUMNS = ['prompt_tokens', 'generation_tokens', 'ttft', 'generation_time', 'launch_time', 'finish_time'] as const;
const INT_COLUMNS = new Set(['prompt_tokens', 'generation_tokens', 'user_id', 'question_id']);

export function csvColumns(userColumns: boolean): readonly string[] {
  return userColumns ? MRQ_COLUMNS : SHAREGPT_COLUMNS;
}

/** The CSV text. Multi-round QA rows by user then question (session summaries), ShareGPT rows by launch time. */
export function lmbenchCsv(rows: readonly LmbenchRow[], userColumns: boolean): string {
  const cols = csvColumns(userColumns);
  const sorted = [...rows].sort(userColumns ? (a, b) => (a.user_id ?? 0) - (b.user_id ?? 0) || (a.question_id ?? 0) - (b.question_id ?? 0) : (a, b) => a.launch_time - b.launch_time);
  const cell = (r: LmbenchRow, c: string): string => {
    const v = (r as unknown as Record<string, number | undefined>)[c];
    if (v === undefined) return '';
    return INT_COLUMNS.has(c) && Number.isInteger(v) ? String(v) : pyFloat(v);
  };
  return `${[cols.join(','), ...sorted.map((r) => cols.map((c) => cell(r, c)).join(','))].join('\n')}\n`;
}

const f4 = (x: number): string => x.toFixed(4);

/** multi-round-qa.py's final summary block. */
export function summaryBlock(s: LmbenchSummary, startS: number, endS: number): string {
  return [
    '==================== Performance summary ======================',
    `  QPS: ${f4(s.qps)} reqs/s`,
    `  Processing speed: ${f4(s.finishedPerS)} reqs/s`,
    `  Requests on-the-fly: ${s.pending}`,
    `  Input tokens per second: ${f4(s.inputTokensPerS)} tokens/s`,
    `  Output tokens per second: ${f4(s.outputTokensPerS)} tokens/s`,
    `  Average generation throughput (per request): ${f4(s.generationTokensPerSPerRequest)} tokens/req/s`,
    `  Average TTFT: ${f4(s.meanTtftS)}s`,
    `Time range: ${startS} - ${endS} (${(endS - startS).toFixed(2)}s)`,
    '===============================================================',
  ].join('\n');
}
