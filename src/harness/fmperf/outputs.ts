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

/**
 * The CSV text. ShareGPT replay: rows by launch time. Multi-round QA: as multi-round-qa.py
 * concatenates its session summaries: first the users that finished all `rounds` questions, in
 * the order they finished (last answer), then the users still active, in the order they joined
 * (user id); each user's rows by question. (llm-d's converter takes the last row's finish time
 * as the end of the run, so the order matters.)
 */
export function lmbenchCsv(rows: readonly LmbenchRow[], userColumns: boolean, rounds = Infinity): string {
  const cols = csvColumns(userColumns);
  const sorted = userColumns ? sessionOrder(rows, rounds) : [...rows].sort((a, b) => a.launch_time - b.launch_time);
  const cell = (r: LmbenchRow, c: string): string => {
    const v = (r as unknown as Record<string, number | undefined>)[c];
    if (v === undefined) return '';
    return INT_COLUMNS.has(c) && Number.isInteger(v) ? String(v) : pyFloat(v);
  };
  return `${[cols.join(','), ...sorted.map((r) => cols.map((c) => cell(r, c)).join(','))].join('\n')}\n`;
}

function sessionOrder(rows: readonly LmbenchRow[], rounds: number): LmbenchRow[] {
  const byUser = new Map<number, LmbenchRow[]>();
  for (const r of rows) byUser.set(r.user_id ?? 0, [...(byUser.get(r.user_id ?? 0) ?? []), r]);
  const users = [...byUser.entries()].map(([user, rs]) => {
    rs.sort((a, b) => (a.question_id ?? 0) - (b.question_id ?? 0));
    const last = rs[rs.length - 1]!;
    return { user, rs, done: (last.question_id ?? 0) >= rounds, end: last.finish_time };
  });
  const done = users.filter((u) => u.done).sort((a, b) => a.end - b.end || a.user - b.user);
  const active = users.filter((u) => !u.done).sort((a, b) => a.user - b.user);
  return [...done, ...active].flatMap((u) => u.rs);
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
