/**
 * Copying results back from the PVC through the data-access pod (exec + tar, streamed; the
 * client's `Cp` is broken): list the pod's results directory with sizes, fetch only the files
 * missing or different locally (so an interrupted copy resumes), route `analysis/` into the
 * local analysis folder as upstream does, and verify file count and bytes. Retried a bounded
 * number of times; the verified totals are returned.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { LlmdbenchError } from '../../util/errors.ts';
import type { Cluster } from './cluster.ts';
import { safeRelative, tarExtractor } from './tar-extract.ts';

export interface CollectTarget {
  /** `/requests/<harness>_<eid>_<stack>_<i>` in the pod. */
  podDir: string;
  resultsDir: string;
  analysisDir: string;
}

export interface CollectResult {
  files: number;
  bytes: number;
  /** Files already present and identical locally (a resumed copy). */
  skipped: number;
  /** False when the directory does not exist on the PVC. */
  found: boolean;
}

export interface Remote {
  cluster: Cluster;
  namespace: string;
  pod: string;
  container: string;
}

/** Upstream's layout: `<results>/analysis/...` goes to the analysis folder, the rest to results. */
export function routeFor(t: CollectTarget): (rel: string) => string {
  return (rel) => (rel === 'analysis' || rel.startsWith('analysis/') ? join(t.analysisDir, rel.slice('analysis'.length + 1)) : join(t.resultsDir, rel));
}

async function execText(r: Remote, argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const res = await r.cluster.exec(r.namespace, r.pod, r.container, argv, out);
  return { ...res, stdout: Buffer.concat(chunks).toString('utf8') };
}

/** `size path` of every regular file under dir (paths relative, normalised); undefined when dir is absent. */
export async function remoteManifest(r: Remote, dir: string): Promise<Map<string, number> | undefined> {
  const res = await execText(r, ['sh', '-c', 'cd "$1" || exit 3; find . -type f -exec stat -c "%s %n" {} +', 'sh', dir]);
  if (res.exitCode === 3) return undefined;
  if (res.exitCode !== 0) {
    throw new LlmdbenchError('E_K8S_COLLECT', `listing ${dir} in pod ${r.pod} failed (exit ${res.exitCode}): ${res.stderr.trim()}`, { kind: 'environment' });
  }
  const m = new Map<string, number>();
  for (const line of res.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const rel = safeRelative(line.slice(sp + 1));
    if (rel) m.set(rel, Number(line.slice(0, sp)));
  }
  return m;
}

function localSize(p: string): number | undefined {
  try {
    const s = statSync(p);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Copy `files` (all of dir when undefined) through one tar stream; resolves when extraction finished. */
async function fetchTar(r: Remote, dir: string, files: string[] | undefined, route: (rel: string) => string): Promise<void> {
  const x = tarExtractor(route);
  const argv = files ? ['tar', 'cf', '-', '-C', dir, '--', ...files.map((f) => `./${f}`)] : ['tar', 'cf', '-', '-C', dir, '.'];
  const res = await r.cluster.exec(r.namespace, r.pod, r.container, argv, x);
  if (!x.writableEnded) x.end();
  await finished(x).catch(() => {});
  // A non-zero tar (e.g. "file changed as we read it") is judged by the verification that follows.
  void res;
}

const BATCH = 200;

export async function collectDir(r: Remote, t: CollectTarget, attempts = 3): Promise<CollectResult> {
  const manifest = await remoteManifest(r, t.podDir);
  if (!manifest) return { files: 0, bytes: 0, skipped: 0, found: false };
  const route = routeFor(t);
  const bytes = [...manifest.values()].reduce((a, b) => a + b, 0);
  const missing = () => [...manifest.entries()].filter(([rel, size]) => localSize(route(rel)) !== size).map(([rel]) => rel);
  const firstMissing = missing();
  const skipped = manifest.size - firstMissing.length;
  let todo = firstMissing;
  for (let attempt = 1; attempt <= attempts && todo.length > 0; attempt++) {
    if (todo.length === manifest.size) await fetchTar(r, t.podDir, undefined, route);
    else for (let i = 0; i < todo.length; i += BATCH) await fetchTar(r, t.podDir, todo.slice(i, i + BATCH), route);
    todo = missing();
  }
  if (todo.length > 0) {
    throw new LlmdbenchError('E_K8S_COLLECT', `copy of ${t.podDir} incomplete after ${attempts} attempts: ${todo.length} of ${manifest.size} files missing or of the wrong size (e.g. ${todo.slice(0, 3).join(', ')})`, {
      kind: 'environment',
      hint: 'rerun with -z to resume the copy (files already copied are kept)',
    });
  }
  return { files: manifest.size, bytes, skipped, found: true };
}
