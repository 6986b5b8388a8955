/**
 * `vllm bench serve`'s native outputs (harness-formats §4.6; vllm/benchmarks/serve.py), from
 * src/metrics' vLLM definitions: the result JSON (keys in vLLM's order, `json.dump` text, the
 * per-request arrays only with --save-detailed), its file name
 * (`{label|backend}-{rate}qps[-concurrency{N}]-{model basename}-{date}.json`, or
 * --result-filename), and the "Serving Benchmark Result" console block that llm-d cuts into
 * analysis/summary.txt. The client queue time block appears with --max-concurrency when
 * `client_queue_time` is among --percentile-metrics, as in vLLM.
 */
import type { VllmBenchMetrics, VllmStat } from '../../metrics/vllm-bench.ts';
import { pyFloat, pyJson } from '../../util/pyjson.ts';
import type { VllmArgs } from './config-map.ts';

/** Keys whose numbers are Python ints. */
const INT_KEYS = new Set(['num_prompts', 'max_concurrency', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'input_lens', 'output_lens', 'max_concurrent_requests', 'ramp_up_start_rps', 'ramp_up_end_rps']);

/** vLLM's `datetime.now().strftime("%Y%m%d-%H%M%S")` (local time). */
export function vllmDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Python's `str(float)` of the rate in the file name (`4.0`, `inf`). */
const rateWord = (r: number): string => (Number.isFinite(r) ? pyFloat(r) : 'inf');

export function resultFileName(a: VllmArgs, modelId: string, date: string): string {
  if (a.result_filename) return a.result_filename;
  const base = modelId.split('/').pop();
  const conc = a.max_concurrency !== null ? `-concurrency${a.max_concurrency}` : '';
  const label = a.label ?? a.backend;
  if (a.ramp_up_strategy) return `${label}-ramp-up-${a.ramp_up_strategy}-${a.ramp_up_start_rps}qps-${a.ramp_up_end_rps}qps${conc}-${base}-${date}.json`;
  return `${label}-${rateWord(a.request_rate)}qps${conc}-${base}-${date}.json`;
}

/** Percentile key word: `99`, `99.9`, `0.1` (Python: int when integral, else str(float)). */
const pWord = (p: number): string => (Number.isInteger(p) ? String(p) : pyFloat(p));

interface MetricView {
  key: string;
  name: string;
  header: string;
  stat: VllmStat;
}

/** The selected metrics, in vLLM's print order. */
function selectedMetrics(a: VllmArgs, m: VllmBenchMetrics): MetricView[] {
  const all: MetricView[] = [
    { key: 'ttft', name: 'TTFT', header: 'Time to First Token', stat: m.ttftMs },
    { key: 'tpot', name: 'TPOT', header: 'Time per Output Token (excl. 1st token)', stat: m.tpotMs },
    { key: 'itl', name: 'ITL', header: 'Inter-token Latency', stat: m.itlMs },
    { key: 'e2el', name: 'E2EL', header: 'End-to-end Latency', stat: m.e2elMs },
  ];
  if (a.max_concurrency !== null) {
    all.push({ key: 'client_queue_time', name: 'Client Queue Time', header: 'Client-side Queueing', stat: m.clientQueueTimeMs });
    if (Number.isFinite(a.request_rate)) all.push({ key: 'e2el_including_client_queue', name: 'E2EL incl. Client Queue', header: 'Queue-inclusive End-to-end Latency', stat: m.e2elIncludingClientQueueMs });
  }
  return all.filter((x) => a.percentile_metrics.includes(x.key));
}

export interface ResultMeta {
  date: string;
  modelId: string;
  tokenizerId: string;
}

/** The result object, keys in vLLM's order. */
export function vllmResult(a: VllmArgs, m: VllmBenchMetrics, meta: ResultMeta): Record<string, unknown> {
  const o: Record<string, unknown> = {
    date: meta.date,
    endpoint_type: a.backend,
    backend: a.backend,
    label: a.label,
    model_id: meta.modelId,
    tokenizer_id: meta.tokenizerId,
    num_prompts: a.num_prompts,
    ...a.metadata,
    request_rate: Number.isFinite(a.request_rate) ? a.request_rate : 'inf',
    burstiness: a.burstiness,
    max_concurrency: a.max_concurrency,
  };
  if (a.ramp_up_strategy) Object.assign(o, { ramp_up_strategy: a.ramp_up_strategy, ramp_up_start_rps: a.ramp_up_start_rps, ramp_up_end_rps: a.ramp_up_end_rps });
  const pr = m.perRequest;
  const detailed = a.save_detailed;
  Object.assign(o, {
    duration: m.durationS,
    completed: m.completed,
    failed: m.failed,
    total_input_tokens: m.totalInputTokens,
    total_output_tokens: m.totalOutputTokens,
    request_throughput: m.requestThroughput,
    request_goodput: m.requestGoodput,
    output_throughput: m.outputThroughput,
    total_token_throughput: m.totalTokenThroughput,
    ...(detailed ? { input_lens: pr.inputLens, output_lens: pr.outputLens, ttfts: pr.ttftsS, itls: pr.itlsS } : {}),
    latencies: pr.latenciesS,
    ...(detailed ? { start_times: pr.startTimesS } : {}),
    queue_times: pr.queueTimesS,
    ...(detailed ? { generated_texts: pr.latenciesS.map(() => ''), errors: pr.errors } : {}),
    max_output_tokens_per_s: m.maxOutputTokensPerS,
    max_concurrent_requests: m.maxConcurrentRequests,
    rtfx: 0,
  });
  for (const x of selectedMetrics(a, m)) {
    o[`mean_${x.key}_ms`] = x.stat.mean;
    o[`median_${x.key}_ms`] = x.stat.median;
    o[`std_${x.key}_ms`] = x.stat.std;
    for (const [p, v] of x.stat.percentiles) o[`p${pWord(p)}_${x.key}_ms`] = v;
  }
  return o;
}

export const resultJsonText = (o: Record<string, unknown>): string => pyJson(o, INT_KEYS);

const padR = (s: string, n: number): string => s.padEnd(n);
const line = (label: string, v: string): string => `${padR(label, 40)} ${padR(v, 10)}`;
const f2 = (x: number): string => x.toFixed(2);
const center = (s: string, c: string): string => {
  const total = 50 - s.length;
  if (total <= 0) return s;
  const left = Math.floor(total / 2);
  return c.repeat(left) + s + c.repeat(total - left);
};

/** The console summary block, line for line as vLLM prints it. */
export function consoleBlock(a: VllmArgs, m: VllmBenchMetrics): string {
  const out = [center(' Serving Benchmark Result ', '='), line('Successful requests:', String(m.completed)), line('Failed requests:', String(m.failed))];
  if (a.max_concurrency !== null) out.push(line('Maximum request concurrency:', String(a.max_concurrency)));
  if (Number.isFinite(a.request_rate)) out.push(line('Request rate configured (RPS):', f2(a.request_rate)));
  out.push(line('Benchmark duration (s):', f2(m.durationS)), line('Total input tokens:', String(m.totalInputTokens)), line('Total generated tokens:', String(m.totalOutputTokens)));
  out.push(line('Request throughput (req/s):', f2(m.requestThroughput)));
  if (m.requestGoodput !== null) out.push(line('Request goodput (req/s):', f2(m.requestGoodput)));
  out.push(
    line('Output token throughput (tok/s):', f2(m.outputThroughput)),
    line('Peak output token throughput (tok/s):', f2(m.maxOutputTokensPerS)),
    line('Peak concurrent requests:', f2(m.maxConcurrentRequests)),
    line('Total token throughput (tok/s):', f2(m.totalTokenThroughput)),
  );
  for (const x of selectedMetrics(a, m)) {
    out.push(center(x.header, '-'), line(`Mean ${x.name} (ms):`, f2(x.stat.mean)), line(`Median ${x.name} (ms):`, f2(x.stat.median)));
    for (const [p, v] of x.stat.percentiles) out.push(line(`P${pWord(p)} ${x.name} (ms):`, f2(v)));
  }
  out.push('='.repeat(50));
  return `${out.join('\n')}\n`;
}
