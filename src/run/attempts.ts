/**
 * Retry and resume, harness-neutral, around runUnit: one result directory may take several
 * attempts, and every attempt keeps its own folder. The attempt that counts always sits at the
 * upstream name (`results/<harness>_<eid>_<stack>_<i>`, which llm-d's tools read); an attempt
 * that failed, or a directory a killed run left unfinished, is moved aside whole to
 * `<workdir>/attempts/<name>/attempt-<k>/{results,analysis}` before the next one starts, so
 * no two attempts ever write into one folder and nothing is deleted. The counting attempt's
 * run_metadata.yaml and summary name its number and the folders of the ones before it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ResultSummary } from '../metrics/seed-summary.ts';
import type { RunUnit } from '../plan/types.ts';
import { COMPLETE_MARKER, readCompletion, runUnit, type UnitOutcome, type UnitRunOptions } from './unit.ts';

/** Did this outcome fail in a way a new attempt may fix? (Interrupts never retry.) */
export function attemptFailed(o: UnitOutcome): boolean {
  return o.error !== undefined || o.rc !== 0 || o.summary === undefined || o.summary.requests.succeeded === 0;
}

/** `<workdir>/attempts/<name>`: where earlier attempts of the result directory `resultsDir` are kept. */
export function attemptsDirOf(resultsDir: string): string {
  return join(dirname(dirname(resultsDir)), 'attempts', basename(resultsDir));
}

function hasContent(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/**
 * Move the result and analysis folders of a finished (failed or unfinished) attempt aside, to
 * the next free `attempt-<k>`. Returns the folder they went to, or undefined when there was
 * nothing to move. Renames only: same file system, never a copy that could be torn.
 */
export function moveAside(resultsDir: string, analysisDir: string): string | undefined {
  if (!hasContent(resultsDir) && !hasContent(analysisDir)) return undefined;
  const root = attemptsDirOf(resultsDir);
  mkdirSync(root, { recursive: true });
  let k = 1;
  while (existsSync(join(root, `attempt-${k}`))) k++;
  const dest = join(root, `attempt-${k}`);
  mkdirSync(dest);
  if (existsSync(resultsDir)) renameSync(resultsDir, join(dest, 'results'));
  if (existsSync(analysisDir)) renameSync(analysisDir, join(dest, 'analysis'));
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(analysisDir, { recursive: true });
  return dest;
}

/** The summary a completed result directory's analysis wrote (resume shows it in the final table). */
function storedSummary(analysisDir: string): ResultSummary | undefined {
  const f = join(analysisDir, 'summary.json');
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as ResultSummary;
  } catch {
    return undefined;
  }
}

export interface AttemptOptions extends UnitRunOptions {
  /** Further attempts after a failed one (LLMDBENCH_HARNESS_RETRIES / --retries). */
  retries?: number;
  /** --resume: a result directory whose completion marker says it succeeded is kept, not rerun. */
  resume?: boolean;
}

/**
 * Run the `index`-th result directory of `unit` with retries (and, under --resume, skip it when
 * an earlier run completed it). Returns the outcome of the attempt that counts.
 */
export async function runUnitAttempts(unit: RunUnit, index: number, endpointUrl: string, opts: AttemptOptions): Promise<UnitOutcome> {
  const resultsDir = unit.resultsDirs[index]!;
  const analysisDir = unit.analysisDirs[index]!;
  const name = basename(resultsDir);
  const failedAttempts: string[] = [];
  if (opts.resume) {
    const done = readCompletion(resultsDir);
    if (done?.ok) {
      opts.log.info(`${name}: complete from an earlier run (${COMPLETE_MARKER}), not rerun`);
      const summary = storedSummary(analysisDir);
      return { unit, resultsDir, analysisDir, complete: true, rc: 0, resumed: true, ...(summary ? { summary } : {}) };
    }
    const aside = moveAside(resultsDir, analysisDir);
    if (aside) {
      failedAttempts.push(aside);
      opts.log.info(`${name}: ${done ? 'failed' : 'unfinished'} in an earlier run; kept in ${aside}, running it again`);
    }
  }
  const retries = Math.max(0, opts.retries ?? 0);
  for (let attempt = 1; ; attempt++) {
    const out = await runUnit(unit, index, endpointUrl, opts, { attempt, of: retries + 1, failedAttempts: [...failedAttempts] });
    if (!attemptFailed(out) || opts.signal.aborted || attempt > retries) return out;
    const why = out.error ?? (out.summary ? `no request succeeded (${out.summary.requests.failed} failed)` : 'no records');
    const aside = moveAside(resultsDir, analysisDir);
    if (aside) failedAttempts.push(aside);
    opts.log.warn(`${name}: attempt ${attempt} of ${retries + 1} failed: ${why}; kept in ${aside ?? '-'}, retrying`);
  }
}
