/**
 * GuideLLM's console summary: the `ℹ <title>` tables it prints after the benchmarks (llm-d cuts
 * stdout from the `Setup complete, starting benchmarks` line to the end into analysis/summary.txt).
 * Same titles, column groups and statistics as v0.7.3 (compare with
 * ../shared/upstream/samples/guidellm/real-run-against-sim/console.txt); values from the report.
 */
import type { GlDistribution, GlStatusDistribution } from '../../metrics/guidellm-dist.ts';
import type { GuidellmMetrics } from '../../metrics/guidellm.ts';

/** The line llm-d looks for (the summary starts there). */
export const SETUP_COMPLETE_LINE = '✔ Setup complete, starting benchmarks...';

interface Col {
  group: string;
  label: string;
  stat: string;
  values: string[];
}

const f1 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(1));

/** A GuideLLM-style table: row 1 groups, row 2 labels, row 3 statistics (equal neighbours merged with `||`). */
export function table(title: string, strategies: string[], cols: Col[]): string {
  const first = Math.max('Benchmark'.length, 'Strategy'.length, ...strategies.map((s) => s.length)) + 2;
  const w = cols.map((c) => Math.max(c.stat.length, ...c.values.map((v) => v.length)) + 2);
  // widen the last column of a span until the merged label fits
  const spans = (key: (c: Col) => string): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; i < cols.length; ) {
      let j = i;
      while (j + 1 < cols.length && key(cols[j + 1]!) === key(cols[i]!)) j++;
      out.push([i, j]);
      i = j + 1;
    }
    return out;
  };
  const g = spans((c) => c.group);
  const l = spans((c) => `${c.group}\u0000${c.label}`);
  for (const [[a, b], text] of [...g.map((s) => [s, cols[s[0]]!.group] as const), ...l.map((s) => [s, cols[s[0]]!.label] as const)]) {
    const have = w.slice(a, b + 1).reduce((x, y) => x + y, 0);
    const extra = text.length + 2 - have;
    // spread the extra width over the span, the first columns taking the remainder (as GuideLLM)
    for (let i = a; extra > 0 && i <= b; i++) w[i]! += Math.floor(extra / (b - a + 1)) + (i - a < extra % (b - a + 1) ? 1 : 0);
  }
  const cell = (s: string, width: number): string => ` ${s}`.padEnd(width);
  const spanRow = (lead: string, sp: [number, number][], text: (i: number) => string): string =>
    `|${cell(lead, first)}|` + sp.map(([a, b]) => cell(text(a), w.slice(a, b + 1).reduce((x, y) => x + y, 0)) + '|'.repeat(b - a + 1)).join('');
  const line = (ch: string): string => `|${ch.repeat(first)}|${w.map((x) => ch.repeat(x)).join('|')}|`;
  const out = [
    `ℹ ${title}`,
    line('='),
    spanRow('Benchmark', g, (i) => cols[i]!.group),
    spanRow('Strategy', l, (i) => cols[i]!.label),
    `|${cell('', first)}|${cols.map((c, i) => cell(c.stat, w[i]!)).join('|')}|`,
    line('-'),
    ...strategies.map((s, r) => `|${cell(s, first)}|${cols.map((c, i) => cell(c.values[r] ?? '', w[i]!)).join('|')}|`),
    line('='),
  ];
  return out.join('\n');
}

export interface ConsoleBenchmark {
  strategy: string;
  startS: number;
  endS: number;
  durationS: number;
  warmupS: number;
  cooldownS: number;
  metrics: GuidellmMetrics;
}

const hms = (s: number): string => new Date(s * 1000).toTimeString().slice(0, 8);

/** The tables, in GuideLLM's order. */
export function consoleSummary(bs: ConsoleBenchmark[]): string {
  const names = bs.map((b) => b.strategy);
  const col = (group: string, label: string, stat: string, v: (b: ConsoleBenchmark) => string): Col => ({ group, label, stat, values: bs.map(v) });
  const mdnP95 = (group: string, label: string, d: (b: ConsoleBenchmark) => GlDistribution | undefined, k = 1): Col[] => [
    col(group, label, 'Mdn', (b) => f1((d(b)?.median ?? NaN) * k)),
    col(group, label, 'p95', (b) => f1((d(b)?.percentiles.p95 ?? NaN) * k)),
  ];
  const sum = (d: GlStatusDistribution | null, k: keyof GlStatusDistribution): number => d?.[k].total_sum ?? 0;
  const toks = (b: ConsoleBenchmark) => b.metrics.text.tokens;
  const run = table('Run Summary Info', names, [
    col('Timings', 'Start', '', (b) => hms(b.startS)),
    col('Timings', 'End', '', (b) => hms(b.endS)),
    col('Timings', 'Dur', 'Sec', (b) => f1(b.durationS)),
    col('Timings', 'Warm', 'Sec', (b) => f1(b.warmupS)),
    col('Timings', 'Cool', 'Sec', (b) => f1(b.cooldownS)),
    col('Input Tokens', 'Comp', 'Tot', (b) => f1(sum(toks(b).input, 'successful'))),
    col('Input Tokens', 'Inc', 'Tot', (b) => f1(sum(toks(b).input, 'incomplete'))),
    col('Input Tokens', 'Err', 'Tot', (b) => f1(sum(toks(b).input, 'errored'))),
    col('Output Tokens', 'Comp', 'Tot', (b) => f1(sum(toks(b).output, 'successful'))),
    col('Output Tokens', 'Inc', 'Tot', (b) => f1(sum(toks(b).output, 'incomplete'))),
    col('Output Tokens', 'Err', 'Tot', (b) => f1(sum(toks(b).output, 'errored'))),
  ]);
  const text = (side: 'input' | 'output'): Col[] => {
    const cap = side === 'input' ? 'Input' : 'Output';
    const per = (q: 'tokens' | 'words' | 'characters', name: string): Col[] => [
      ...mdnP95(`${cap} ${name}`, 'Per Request', (b) => b.metrics.text[q][side]?.successful),
      col(`${cap} ${name}`, 'Per Second', 'Mdn', (b) => f1(b.metrics.text[q][`${side}_per_second`]?.successful.median)),
      col(`${cap} ${name}`, 'Per Second', 'Mean', (b) => f1(b.metrics.text[q][`${side}_per_second`]?.successful.mean)),
    ];
    return [...per('tokens', 'Tokens'), ...per('words', 'Words'), ...per('characters', 'Characters')];
  };
  const textT = [table('Text Metrics Statistics (Completed Requests)', names, text('input')), table('', names, text('output')).split('\n').slice(2).join('\n')].join('\n');
  const m = (b: ConsoleBenchmark) => b.metrics;
  const tokenT = table('Request Token Statistics (Completed Requests)', names, [
    ...mdnP95('Input Tok', 'Per Req', (b) => m(b).prompt_token_count.successful),
    ...mdnP95('Output Tok', 'Per Req', (b) => m(b).output_token_count.successful),
    ...mdnP95('Total Tok', 'Per Req', (b) => m(b).total_token_count.successful),
    ...mdnP95('Stream Iter', 'Per Req', (b) => m(b).request_streaming_iterations_count.successful),
    ...mdnP95('Output Tok', 'Per Stream Iter', (b) => m(b).output_tokens_per_iteration.successful),
  ]);
  const latT = table('Request Latency Statistics (Completed Requests)', names, [
    ...mdnP95('Request Latency', 'Sec', (b) => m(b).request_latency.successful),
    ...mdnP95('TTFT', 'ms', (b) => m(b).time_to_first_token_ms.successful),
    ...mdnP95('TTFOT', 'ms', (b) => m(b).time_to_first_output_token_ms.successful),
    ...mdnP95('ITL', 'ms', (b) => m(b).inter_token_latency_ms.successful),
    ...mdnP95('TPOT', 'ms', (b) => m(b).time_per_output_token_ms.successful),
  ]);
  const thrT = table('Server Throughput Statistics (All Requests)', names, [
    col('Requests', 'Concurrency', 'Mdn', (b) => f1(m(b).request_concurrency.total.median)),
    col('Requests', 'Concurrency', 'Mean', (b) => f1(m(b).request_concurrency.total.mean)),
    col('Requests', 'Per Sec', 'Mean', (b) => f1(m(b).requests_per_second.successful.mean)),
    col('Input Tokens', 'Per Sec', 'Mean', (b) => f1(m(b).prompt_tokens_per_second.total.mean)),
    col('Output Tokens', 'Per Sec', 'Mean', (b) => f1(m(b).output_tokens_per_second.total.mean)),
    col('Total Tokens', 'Per Sec', 'Mean', (b) => f1(m(b).tokens_per_second.total.mean)),
  ]);
  return ['', run, '', textT, '', tokenT, '', latT, '', thrT, ''].join('\n');
}
