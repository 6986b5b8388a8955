/**
 * `-r gs://bucket[/prefix]` / `-r s3://bucket[/prefix]`: the collected results uploaded with the
 * cloud's own CLI, as upstream's `upload_results` (llm-d-benchmark-run.md §2.9). The CLI is looked
 * up before anything starts (`uploaderFor`, called by the platform's check): a missing one is an
 * error naming what to install. Each result directory goes to `<dest>/<name>/` (upstream's place)
 * and its analysis to `<dest>/analysis/<name>/`; `rsync` for gs (exact contents, resumable),
 * `aws s3 cp --recursive` for s3. A failed upload is reported with the command to rerun; the
 * local results are untouched.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { findOnPath } from '../../config/executables.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Logger } from '../../util/logger.ts';

export interface Uploader {
  /** `gs` or `s3`. */
  scheme: string;
  /** `<bucket>[/prefix]` destination without a trailing slash. */
  dest: string;
  tool: string;
  /** argv (after the executable) copying the contents of `dir` to `remote`. */
  args(dir: string, remote: string): string[];
  executable: string;
}

/**
 * The uploader for `-r <output>`: undefined for `local` (or unset); throws (before anything
 * starts) for a malformed destination or when the matching CLI is not on PATH.
 */
export function uploaderFor(output: string | undefined, env?: Record<string, string | undefined>): Uploader | undefined {
  if (!output || output === 'local') return undefined;
  const m = /^(gs|s3):\/\/([^/\s]+(?:\/[^\s]*)?)$/.exec(output);
  if (!m) {
    throw new LlmdbenchError('E_OUTPUT', `-r ${output}: expected local, gs://<bucket>[/prefix] or s3://<bucket>[/prefix]`, { kind: 'usage', location: { keyPath: 'LLMDBENCH_HARNESS_OUTPUT' } });
  }
  const scheme = m[1]!;
  const dest = `${scheme}://${m[2]!.replace(/\/+$/, '')}`;
  if (scheme === 'gs') {
    const gcloud = findOnPath('gcloud', env);
    if (gcloud) return { scheme, dest, tool: 'gcloud storage', executable: gcloud, args: (dir, remote) => ['storage', 'rsync', '--recursive', dir, remote] };
    const gsutil = findOnPath('gsutil', env);
    if (gsutil) return { scheme, dest, tool: 'gsutil', executable: gsutil, args: (dir, remote) => ['-m', 'rsync', '-r', dir, remote] };
    throw new LlmdbenchError('E_OUTPUT_TOOL', `-r ${output}: uploading to Google Cloud Storage needs the gcloud CLI (gcloud storage) or gsutil on PATH; neither was found`, {
      kind: 'usage',
      hint: 'install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and log in (gcloud auth login), or drop -r to keep the results only in the work directory',
    });
  }
  const aws = findOnPath('aws', env);
  if (aws) return { scheme, dest, tool: 'aws s3', executable: aws, args: (dir, remote) => ['s3', 'cp', '--recursive', '--only-show-errors', dir, remote] };
  throw new LlmdbenchError('E_OUTPUT_TOOL', `-r ${output}: uploading to S3 needs the AWS CLI (aws) on PATH; it was not found`, {
    kind: 'usage',
    hint: 'install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and configure credentials, or drop -r to keep the results only in the work directory',
  });
}

function run(executable: string, args: string[], signal?: AbortSignal): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(signal ? { signal } : {}) });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    child.on('error', (e) => resolve({ code: -1, stderr: e.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const hasFiles = (dir: string): boolean => existsSync(dir) && readdirSync(dir).length > 0;

/** Upload every result directory (and its analysis); returns how many uploads failed. */
export async function uploadResults(up: Uploader, dirs: ReadonlyArray<{ resultsDir: string; analysisDir: string }>, log: Logger, signal?: AbortSignal): Promise<number> {
  let failed = 0;
  for (const d of dirs) {
    const name = basename(d.resultsDir);
    for (const [local, remote] of [
      [d.resultsDir, `${up.dest}/${name}/`],
      [d.analysisDir, `${up.dest}/analysis/${name}/`],
    ] as const) {
      if (!hasFiles(local)) continue;
      const args = up.args(local, remote);
      const r = await run(up.executable, args, signal);
      if (r.code === 0) log.info(`uploaded ${local} to ${remote} (${up.tool})`);
      else {
        failed++;
        log.error(`upload of ${local} to ${remote} failed (${up.tool} exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        log.error(`  rerun by hand: ${basename(up.executable)} ${args.join(' ')}`);
      }
    }
  }
  return failed;
}
