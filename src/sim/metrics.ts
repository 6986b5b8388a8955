/**
 * The simulator's Prometheus metrics, with vLLM's names (spec A.10 and
 * harness-formats §1.5). Own tiny registry: only these series.
 */
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const REQ_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

function tokenBuckets(max: number): number[] {
  const out: number[] = [];
  for (let m = 1; m <= max; m *= 10) for (const f of [1, 2, 5]) if (f * m <= max) out.push(f * m);
  return out;
}

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= (b[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
  render(labels: string): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    let cum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cum += this.counts[i] as number;
      s += `${this.name}_bucket{${labels},le="${this.buckets[i]}"} ${cum}\n`;
    }
    s += `${this.name}_bucket{${labels},le="+Inf"} ${this.count}\n`;
    s += `${this.name}_sum{${labels}} ${this.sum}\n${this.name}_count{${labels}} ${this.count}\n`;
    return s;
  }
}

export interface MetricsSnapshot {
  /** prompt tokens, generation tokens, prefix-cache queries, prefix-cache hits */
  counters: number[];
  success: Array<[string, number]>;
  hist: Array<{ counts: number[]; sum: number; count: number }>;
}

export class SimMetrics {
  promptTokens = 0;
  generationTokens = 0;
  prefixQueries = 0;
  prefixHits = 0;
  readonly success = new Map<string, number>();
  readonly ttft = new Histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS);
  readonly itl = new Histogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS);
  readonly tpot = new Histogram('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds (deprecated name; same observations as inter_token_latency).', ITL_BUCKETS);
  readonly reqTpot = new Histogram('vllm:request_time_per_output_token_seconds', 'Histogram of the mean time per output token of each request in seconds.', ITL_BUCKETS);
  readonly e2e = new Histogram('vllm:e2e_request_latency_seconds', 'Histogram of end-to-end request latency in seconds.', REQ_BUCKETS);
  readonly queue = new Histogram('vllm:request_queue_time_seconds', 'Histogram of time spent waiting in the queue in seconds.', REQ_BUCKETS);
  readonly inference = new Histogram('vllm:request_inference_time_seconds', 'Histogram of time spent running (prefill + decode) in seconds.', REQ_BUCKETS);
  readonly prefill = new Histogram('vllm:request_prefill_time_seconds', 'Histogram of time spent in prefill in seconds.', REQ_BUCKETS);
  readonly decode = new Histogram('vllm:request_decode_time_seconds', 'Histogram of time spent in decode in seconds.', REQ_BUCKETS);
  readonly reqPrompt: Histogram;
  readonly reqGen: Histogram;
  readonly reqMaxTokens: Histogram;
  readonly reqMaxGen: Histogram;
  readonly reqN = new Histogram('vllm:request_params_n', 'Histogram of the n request parameter.', [1, 2, 5, 10, 20]);

  constructor(maxModelLen: number) {
    const tb = tokenBuckets(maxModelLen);
    this.reqMaxGen = new Histogram('vllm:request_max_num_generation_tokens', 'Histogram of maximum number of requested generation tokens.', tb);
    this.reqPrompt = new Histogram('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', tb);
    this.reqGen = new Histogram('vllm:request_generation_tokens', 'Number of generation tokens processed.', tb);
    this.reqMaxTokens = new Histogram('vllm:request_params_max_tokens', 'Histogram of the max_tokens request parameter.', tb);
  }

  private histograms(): Histogram[] {
    return [this.ttft, this.itl, this.tpot, this.reqTpot, this.e2e, this.queue, this.inference, this.prefill, this.decode, this.reqPrompt, this.reqGen, this.reqMaxGen, this.reqN, this.reqMaxTokens];
  }

  /** Plain data of every counter and histogram (a shard's answer for the aggregated /metrics). */
  snapshot(): MetricsSnapshot {
    return {
      counters: [this.promptTokens, this.generationTokens, this.prefixQueries, this.prefixHits],
      success: [...this.success],
      hist: this.histograms().map((h) => ({ counts: h.counts, sum: h.sum, count: h.count })),
    };
  }

  /** Adds another shard's snapshot into this one (same buckets: same max-model-len). */
  add(s: MetricsSnapshot): void {
    this.promptTokens += s.counters[0] ?? 0;
    this.generationTokens += s.counters[1] ?? 0;
    this.prefixQueries += s.counters[2] ?? 0;
    this.prefixHits += s.counters[3] ?? 0;
    for (const [k, v] of s.success) this.success.set(k, (this.success.get(k) ?? 0) + v);
    this.histograms().forEach((h, i) => {
      const o = s.hist[i];
      if (!o) return;
      h.sum += o.sum;
      h.count += o.count;
      for (let b = 0; b < h.counts.length; b++) h.counts[b] = (h.counts[b] as number) + (o.counts[b] ?? 0);
    });
  }

  /** A finished request's prompt (booked once its count is known: engine.ts defers counts). */
  observePrompt(promptTokens: number): void {
    this.promptTokens += promptTokens;
    this.reqPrompt.observe(promptTokens);
  }

  addSuccess(finishReason: string): void {
    this.success.set(finishReason, (this.success.get(finishReason) ?? 0) + 1);
  }

  /** Per finished request (n is always 1 here, so the max over sequences is the request's own count). */
  observeRequest(generated: number, maxTokens: number | undefined): void {
    this.reqGen.observe(generated);
    this.reqMaxGen.observe(generated);
    this.reqN.observe(1);
    if (maxTokens !== undefined) this.reqMaxTokens.observe(maxTokens);
  }

  render(model: string, g: { running: number; waiting: number; kvUsage: number; blockSize: number; numBlocks: number; maxLoras: number }): string {
    const l = `model_name="${model.replace(/["\\\n]/g, '_')}"`;
    const gauge = (n: string, h: string, v: number, labels = l): string => `# HELP ${n} ${h}\n# TYPE ${n} gauge\n${n}{${labels}} ${v}\n`;
    const counter = (n: string, h: string, v: number): string => `# HELP ${n} ${h}\n# TYPE ${n} counter\n${n}{${l}} ${v}\n`;
    let s = '';
    s += gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', g.running);
    s += gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', g.waiting);
    s += gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', g.kvUsage);
    s += gauge('vllm:cache_config_info', 'Information of the LLMEngine CacheConfig.', 1, `block_size="${g.blockSize}",num_gpu_blocks="${g.numBlocks}"`);
    // No LoRA is ever loaded: empty adapter lists; the value is the scrape time (unix seconds), as vLLM and upstream.
    s += gauge('vllm:lora_requests_info', 'Running stats on lora requests.', Date.now() / 1000, `max_lora="${g.maxLoras}",running_lora_adapters="",waiting_lora_adapters=""`);
    s += counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', this.promptTokens);
    s += counter('vllm:generation_tokens_total', 'Number of generation tokens processed.', this.generationTokens);
    s += counter('vllm:prefix_cache_queries_total', 'Prefix cache queries, in terms of number of queried tokens.', this.prefixQueries);
    s += counter('vllm:prefix_cache_hits_total', 'Prefix cache hits, in terms of number of cached tokens.', this.prefixHits);
    s += counter('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine (never: the simulator does not preempt).', 0);
    s += '# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n';
    for (const reason of ['stop', 'length', 'cache_threshold', 'remote_decode']) s += `vllm:request_success_total{${l},finished_reason="${reason}"} ${this.success.get(reason) ?? 0}\n`;
    for (const h of this.histograms()) s += h.render(l);
    return s;
  }
}
