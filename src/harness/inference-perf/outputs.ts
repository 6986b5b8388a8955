/**
 * inference-perf's native result files (harness-formats.md §2.7), written into the results
 * directory with inference-perf's names and fields:
 *   summary_lifecycle_metrics.json, stage_<N>_lifecycle_metrics.json,
 *   per_request_lifecycle_metrics.json (streamed as requests finish), config.yaml.
 * JSON is written as Python's json.dump(indent=2) does (py-json.ts: float spelling, \u escapes,
 * no trailing newline), so the files match v0.6.1's byte conventions too.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import type { LlmdbenchError } from '../../util/errors.ts';
import { partialPath, writeFailure, writeFileAtomic } from '../../util/files.ts';
import type { IpConfig } from './config-map.ts';
import { configYaml } from './config-dump.ts';
import { pyJson, type PyJsonOptions } from './py-json.ts';

/** The lifecycle reports' ints; every other number is a Python float. */
const LIFECYCLE_JSON: PyJsonOptions = { intKeys: new Set(['count', 'token_count_mismatches', 'concurrency']) };
/** per_request entries: token counts are ints, the server's usage is written as it sent it. */
const PER_REQUEST_JSON: PyJsonOptions = { intKeys: new Set(['input_tokens', 'output_tokens']), verbatimKeys: new Set(['server_usage']) };
import { inputTokens, LabelTally, LifecycleAccumulator, outputLen, outputTimesMs, type LifecycleOptions } from './lifecycle.ts';

export interface StageInfo {
  index: number;
  requestedRate: number;
  concurrency?: number;
}

const fileName = (cfg: IpConfig, name: string): string => `${cfg.storage.local_storage.report_file_prefix ?? ''}${name}`;

function lifecycleOptions(cfg: IpConfig): Omit<LifecycleOptions, 'stage'> {
  const rl = cfg.report.request_lifecycle;
  return {
    percentiles: rl.percentiles,
    perTokenTimes: cfg.tokenizer !== null && cfg.api.streaming,
    useServerOutputTokens: rl.use_server_output_tokens,
    maxErrorMessages: rl.max_error_messages,
  };
}

function writeJson(dir: string, name: string, value: unknown): string {
  writeFileAtomic(join(dir, name), pyJson(value, LIFECYCLE_JSON));
  return name;
}

/**
 * Write the summary and per-stage lifecycle files; returns the file names written. Each file is
 * tried even when one fails (a full disk: what fits is written); the first E_WRITE is thrown last.
 */
export function writeLifecycleFiles(dir: string, cfg: IpConfig, records: readonly RequestRecord[], stages: readonly StageInfo[]): string[] {
  const files = new LifecycleFiles(cfg, stages);
  for (const r of records) files.add(r);
  return files.write(dir);
}

/**
 * The lifecycle files fed one record at a time as requests finish (run.ts's onRecord): one
 * LifecycleAccumulator per stage (numbers only, never the records), merged into the summary at
 * the end, so a run's memory does not grow with the records it keeps. `write` gives the same
 * files writeLifecycleFiles gives for the same records in the same order.
 */
export class LifecycleFiles {
  private readonly byStage = new Map<number, LifecycleAccumulator>();
  private readonly labels: LabelTally;
  private readonly base: Omit<LifecycleOptions, 'stage'>;

  constructor(
    private readonly cfg: IpConfig,
    private readonly stages: readonly StageInfo[],
  ) {
    this.base = lifecycleOptions(cfg);
    this.labels = new LabelTally(this.base.maxErrorMessages);
  }

  add(r: RequestRecord): void {
    let acc = this.byStage.get(r.stage);
    if (!acc) this.byStage.set(r.stage, (acc = new LifecycleAccumulator(this.base)));
    acc.add(r);
    if (r.error) this.labels.add(r);
  }

  /** Write the files (once: the columns are sorted in place). */
  write(dir: string): string[] {
    const { cfg, base } = this;
    const rl = cfg.report.request_lifecycle;
    const files: string[] = [];
    let failure: unknown;
    const attempt = (write: () => string): void => {
      try {
        files.push(write());
      } catch (e) {
        failure ??= e;
      }
    };
    const parts = [...this.byStage.values()];
    if (rl.summary && parts.some((p) => p.count > 0)) {
      const all = LifecycleAccumulator.merge(parts, this.labels, base);
      attempt(() => writeJson(dir, fileName(cfg, 'summary_lifecycle_metrics.json'), all.report(base)));
    }
    if (rl.per_stage) {
      for (const st of this.stages) {
        const acc = this.byStage.get(st.index);
        if (!acc || acc.count === 0) continue;
        const stage = st.concurrency !== undefined ? { requestedRate: st.requestedRate, concurrency: st.concurrency } : { requestedRate: st.requestedRate };
        attempt(() => writeJson(dir, fileName(cfg, `stage_${st.index}_lifecycle_metrics.json`), acc.report({ ...base, stage })));
      }
    }
    if (failure !== undefined) throw failure;
    return files;
  }
}

/** The effective config, as inference-perf v0.6.1 dumps it next to its reports (config-dump.ts). */
export function writeEffectiveConfig(dir: string, cfg: IpConfig): string {
  writeFileAtomic(join(dir, 'config.yaml'), configYaml(cfg));
  return 'config.yaml';
}

/** v0.6.1's `error_type`: "HTTP Error <code>" for HTTP errors, else the Python exception class it would have raised. */
export function errorType(r: RequestRecord): string {
  if (r.httpStatus !== undefined && (r.httpStatus < 200 || r.httpStatus >= 300)) return `HTTP Error ${r.httpStatus}`;
  switch (r.error?.label) {
    case 'timeout':
      return 'TimeoutError';
    case 'connection_refused':
      return 'ClientConnectorError';
    case 'connection_reset':
      return 'ServerDisconnectedError';
    case 'malformed_sse':
    case 'malformed_json':
      return 'JSONDecodeError';
    case 'aborted':
      return 'CancelledError';
    default:
      return 'Exception';
  }
}

/**
 * `server_usage` as v0.6.1 keeps it: every `usage` object of the response merged, verbatim
 * (record.raw). Records without it (raw not kept) fall back to the counts we parsed, in vLLM's
 * key order, with total_tokens = prompt + completion.
 */
function serverUsage(r: RequestRecord): Record<string, unknown> | null {
  if (r.raw) return r.raw.usage;
  if (r.promptTokensServer === undefined && r.completionTokensServer === undefined) return null;
  const u: Record<string, unknown> = {};
  if (r.promptTokensServer !== undefined) u.prompt_tokens = r.promptTokensServer;
  if (r.promptTokensServer !== undefined && r.completionTokensServer !== undefined) u.total_tokens = r.promptTokensServer + r.completionTokensServer;
  if (r.completionTokensServer !== undefined) u.completion_tokens = r.completionTokensServer;
  if (r.cachedPromptTokensServer !== undefined) u.prompt_tokens_details = { cached_tokens: r.cachedPromptTokensServer };
  return u;
}

/**
 * One per_request entry exactly in v0.6.1's shape; times are monotonic seconds. `response` is the
 * raw body (the SSE stream as received) and `response_chunks` the content events' JSON payloads,
 * 1:1 with `chunk_times`, both from `record.raw` (ClientOptions.keepRaw). A streamed success has
 * StreamedResponseMetrics, a non-streamed one v0.6.1's unary {output_tokens, server_usage}; a
 * failure has none (null), as inference-perf's process_failure leaves it.
 */
export function perRequestEntry(r: RequestRecord, body: unknown, perToken: boolean): Record<string, unknown> {
  const usage = serverUsage(r);
  let responseMetrics: Record<string, unknown> | null = null;
  if (!r.error) {
    responseMetrics =
      r.stream === false
        ? { output_tokens: outputLen(r), server_usage: usage }
        : {
            output_tokens: outputLen(r),
            server_usage: usage,
            response_chunks: r.raw?.chunks ?? [],
            chunk_times: r.chunkTimesMs.map((t) => t / 1000),
            output_token_times: outputTimesMs(r, perToken).map((t) => t / 1000),
          };
  }
  return {
    start_time: r.sentAtMs / 1000,
    end_time: r.endAtMs / 1000,
    request: typeof body === 'string' ? body : JSON.stringify(body),
    response: r.raw?.body ?? r.outputText ?? '',
    info: {
      request_metrics: { text: { input_tokens: inputTokens(r) }, image: null, video: null, audio: null },
      response_metrics: responseMetrics,
      extra_info: {},
      lora_adapter: null,
      // v0.6.1's labels are its own (none for these data types); our grouping tags stay in records.jsonl.
      labels: {},
      input_tokens: inputTokens(r),
    },
    error: r.error ? { error_type: errorType(r), error_msg: r.error.message } : null,
  };
}

/** per_request entries are encoded into buffers of this size, each handed to the file stream when full. */
const BATCH_BYTES = 1 << 20;
/** UTF-8 bytes of a JS string are at most 3 per UTF-16 unit. */
const MAX_UTF8_PER_UNIT = 3;

/**
 * per_request_lifecycle_metrics.json written incrementally (a JSON array), so a long run
 * never holds every prompt and response in memory and an interrupted run keeps what finished.
 * Each entry is encoded at once into a 1 MiB buffer that goes to the stream when full (~300
 * entries at 8 tokens) and is reused once written: no per-entry Buffer for the allocator, no
 * entry text kept on the JS heap until a later write (text held across garbage collections is
 * promoted and grows the old space) — docs/performance.md, memory in run length.
 * It is streamed under a temporary name and renamed when closed, so a killed run never leaves
 * a truncated JSON under inference-perf's name. A write error (a full disk) stops the file:
 * the temporary one is removed (freeing its space) and `close()` throws E_WRITE.
 */
export class PerRequestWriter {
  private readonly out: WriteStream;
  private readonly path: string;
  private readonly tmp: string;
  private n = 0;
  /** The buffer entries are encoded into, and its bytes used. */
  private buf: Buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private used = 0;
  /** Buffers the stream has written, for reuse. */
  private readonly spare: Buffer[] = [];
  private error: LlmdbenchError | undefined;
  readonly name: string;

  constructor(dir: string, cfg: IpConfig) {
    this.name = fileName(cfg, 'per_request_lifecycle_metrics.json');
    this.path = join(dir, this.name);
    this.tmp = partialPath(this.path);
    this.out = createWriteStream(this.tmp);
    this.out.on('error', (e) => {
      this.error ??= writeFailure(this.path, e);
      this.out.destroy();
      rmSync(this.tmp, { force: true });
    });
    this.out.write('[');
  }

  /** No write error so far. */
  get ok(): boolean {
    return this.error === undefined;
  }

  add(entry: Record<string, unknown>): void {
    if (this.error || this.out.destroyed) return;
    const text = `${this.n === 0 ? '\n  ' : ',\n  '}${pyJson(entry, PER_REQUEST_JSON, '  ')}`;
    this.n++;
    const worst = text.length * MAX_UTF8_PER_UNIT;
    if (this.used + worst > this.buf.length) this.flush();
    if (worst > this.buf.length) this.out.write(text);
    else this.used += this.buf.write(text, this.used);
  }

  /** Hand the filled part of the buffer to the stream; take a written one (or a new one) for the next entries. */
  private flush(): void {
    if (this.used === 0) return;
    const full = this.buf;
    this.out.write(full.subarray(0, this.used), () => this.spare.push(full));
    this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.used = 0;
  }

  async close(): Promise<void> {
    if (!this.error && !this.out.destroyed) {
      this.flush();
      this.out.end(this.n === 0 ? ']' : '\n]');
      await Promise.race([once(this.out, 'finish'), once(this.out, 'close')]).catch(() => undefined);
    }
    if (this.error) throw this.error;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw writeFailure(this.path, e);
    }
  }
}
