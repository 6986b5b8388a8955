/**
 * `<workdir>/llmdbench_run.json`: what `--resume <workdir>` needs to rebuild the same plan — the
 * base experiment id (it names every result directory) and the LLMDBENCH_* values the flags set.
 * Written once when a run starts, never rewritten by a resume. Flag values that look secret
 * (an `-o server.api_key=...`) are not stored: a resume must be given them again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { join } from 'node:path';
import { LlmdbenchError } from '../util/errors.ts';

export const RUN_RECORD_FILE = 'llmdbench_run.json';

export interface RunRecord {
  version: string;
  started: string;
  /** LLMDBENCH_RUN_EXPERIMENT_ID of the run (treatments append -<treatment>). */
  experimentId: string;
  /** LLMDBENCH_* values set by flags, secret-looking ones left out. */
  flags: Record<string, string>;
  /** Names of flag-set variables whose value was left out because it looked secret. */
  withheld: string[];
}

const SECRET = /(token|key|secret|password)[\w.-]*\s*[=:,]|\bhf_[A-Za-z0-9]{8,}/i;

export function writeRunRecord(workDir: string, r: Omit<RunRecord, 'withheld' | 'started'>): void {
  const file = join(workDir, RUN_RECORD_FILE);
  if (existsSync(file)) return;
  const flags: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [k, v] of Object.entries(r.flags)) {
    if (SECRET.test(v)) withheld.push(k);
    else flags[k] = v;
  }
  const rec: RunRecord = { ...r, started: new Date().toISOString(), flags, withheld };
  writeFileAtomic(file, `${JSON.stringify(rec, null, 2)}\n`);
}

/**
 * The flags to resolve the resumed run's config with: the first run's, then the ones given now
 * (later wins), with its work directory and experiment id. Throws when `workDir` holds no run.
 */
export function resumeFlags(workDir: string, now: Record<string, string>): Record<string, string> {
  const file = join(workDir, RUN_RECORD_FILE);
  let rec: RunRecord;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LlmdbenchError('E_RESUME', `--resume ${workDir}: ${missing ? `no ${RUN_RECORD_FILE} there, so it is not the work directory of an llmdbench run` : `${file} cannot be read: ${(e as Error).message}`}`, {
      kind: 'usage',
      location: { file },
      hint: 'give --resume the work directory a run printed ("work directory: ..."), or start a new run with --workdir',
    });
  }
  const missing = (rec.withheld ?? []).filter((k) => now[k] === undefined);
  if (missing.length > 0) {
    throw new LlmdbenchError('E_RESUME', `--resume ${workDir}: the first run's ${missing.join(', ')} looked secret and was not stored`, {
      kind: 'usage',
      location: { file },
      hint: 'pass the same flag again together with --resume',
    });
  }
  return { ...rec.flags, ...now, LLMDBENCH_CONTROL_WORK_DIR: workDir, LLMDBENCH_RUN_EXPERIMENT_ID: rec.experimentId };
}
