/**
 * inference-perf's native result files (harness-formats.md §2.7), written into the results
 * directory with inference-perf's names and fields:
 *   summary_lifecycle_metrics.json, stage_<N>_lifecycle_metrics.json,
 *   per_request_lifecycle_metrics.json (streamed as requests finish), config.yaml.
 * JSON is pretty-printed with indent 2 as inference-perf does.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RequestRecord } from '../../engine/types.ts';
import type { LlmdbenchError } from '../../util/errors.ts';
import { partialPath, writeFailure, writeFileAtomic } from '../../util/files.ts';
import type { IpConfig } from './config-map.ts';
import { failureLabel, inputTokens, lifecycleReport, outputLen, outputTimesMs, type LifecycleOptions } from './lifecycle.ts';

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
  writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
  return name;
}

/**
 * Write the summary and per-stage lifecycle files; returns the file names written. Each file is
 * tried even when one fails (a full disk: what fits is written); the first E_WRITE is thrown last.
 */
export function writeLifecycleFiles(dir: string, cfg: IpConfig, records: readonly RequestRecord[], stages: readonly StageInfo[]): string[] {
  const rl = cfg.report.request_lifecycle;
  const base = lifecycleOptions(cfg);
  const files: string[] = [];
  let failure: unknown;
  const attempt = (write: () => string): void => {
    try {
      files.push(write());
    } catch (e) {
      failure ??= e;
    }
  };
  if (rl.summary && records.length > 0) {
    attempt(() => writeJson(dir, fileName(cfg, 'summary_lifecycle_metrics.json'), lifecycleReport(records, base)));
  }
  if (rl.per_stage) {
    for (const st of stages) {
      const rs = records.filter((r) => r.stage === st.index);
      if (rs.length === 0) continue;
      const stage = st.concurrency !== undefined ? { requestedRate: st.requestedRate, concurrency: st.concurrency } : { requestedRate: st.requestedRate };
      attempt(() => writeJson(dir, fileName(cfg, `stage_${st.index}_lifecycle_metrics.json`), lifecycleReport(rs, { ...base, stage })));
    }
  }
  if (failure !== undefined) throw failure;
  return files;
}

/** The effective config, as inference-perf dumps it next to its reports. */
export function writeEffectiveConfig(dir: string, cfg: IpConfig): string {
  const safe = structuredClone(cfg) as IpConfig;
  if (safe.server.api_key) safe.server.api_key = '***';
  if (safe.tokenizer?.token) safe.tokenizer.token = '***';
  if (safe.api.headers) {
    for (const k of Object.keys(safe.api.headers)) if (/auth|key|token/i.test(k)) safe.api.headers[k] = '***';
  }
  writeFileAtomic(join(dir, 'config.yaml'), stringify(safe));
  return 'config.yaml';
}

/** One per_request entry in inference-perf's shape; times are monotonic seconds. */
export function perRequestEntry(r: RequestRecord, body: unknown, perToken: boolean): Record<string, unknown> {
  const usage: Record<string, number> = {};
  if (r.promptTokensServer !== undefined) usage.prompt_tokens = r.promptTokensServer;
  if (r.completionTokensServer !== undefined) usage.completion_tokens = r.completionTokensServer;
  return {
    start_time: r.sentAtMs / 1000,
    end_time: r.endAtMs / 1000,
    request: JSON.stringify(body),
    response: r.outputText ?? '',
    info: {
      request_metrics: { text: { input_tokens: inputTokens(r) } },
      response_metrics: {
        output_tokens: outputLen(r),
        server_usage: Object.keys(usage).length > 0 ? usage : null,
        chunk_times: r.chunkTimesMs.map((t) => t / 1000),
        output_token_times: outputTimesMs(r, perToken).map((t) => t / 1000),
      },
      extra_info: { stage_id: r.stage, scheduled_time: r.scheduledAtMs / 1000, http_status: r.httpStatus ?? null, finish_reason: r.finishReason ?? null },
      lora_adapter: null,
      labels: r.tags ?? {},
      input_tokens: inputTokens(r),
    },
    error: r.error ? { error_type: failureLabel(r), error_msg: r.error.message } : null,
  };
}

/**
 * per_request_lifecycle_metrics.json written incrementally (a JSON array), so a long run
 * never holds every prompt and response in memory and an interrupted run keeps what finished.
 * It is streamed under a temporary name and renamed when closed, so a killed run never leaves
 * a truncated JSON under inference-perf's name. A write error (a full disk) stops the file:
 * the temporary one is removed (freeing its space) and `close()` throws E_WRITE.
 */
export class PerRequestWriter {
  private readonly out: WriteStream;
  private readonly path: string;
  private readonly tmp: string;
  private n = 0;
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
    const text = JSON.stringify(entry, null, 2).replace(/\n/g, '\n  ');
    this.out.write(`${this.n === 0 ? '\n  ' : ',\n  '}${text}`);
    this.n++;
  }

  async close(): Promise<void> {
    if (!this.error && !this.out.destroyed) {
      this.out.end(this.n === 0 ? ']\n' : '\n]\n');
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
