/**
 * inference-perf's native result files (harness-formats.md §2.7), written into the results
 * directory with inference-perf's names and fields:
 *   summary_lifecycle_metrics.json, stage_<N>_lifecycle_metrics.json,
 *   per_request_lifecycle_metrics.json (streamed as requests finish: per-request.ts), config.yaml.
 * JSON is written as Python's json.dump(indent=2) does (py-json.ts: float spelling, \u escapes,
 * no trailing newline), so the files match v0.6.1's byte conventions too.
 */
import { join } from 'node:path';
import type { RequestRecord } from '../../engine/types.ts';
import { writeFileAtomic } from '../../util/files.ts';
import type { IpConfig } from './config-map.ts';
import { configYaml } from './config-dump.ts';
import { pyJson, type PyJsonOptions } from './py-json.ts';

/** The lifecycle reports' ints; every other number is a Python float. */
const LIFECYCLE_JSON: PyJsonOptions = { intKeys: new Set(['count', 'token_count_mismatches', 'concurrency']) };
import { LabelTally, LifecycleAccumulator, type LifecycleOptions } from './lifecycle.ts';

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

export { errorType, perRequestEntry, PerRequestWriter } from './per-request.ts';
