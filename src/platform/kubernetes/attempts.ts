/**
 * `--retries N` and `--resume` on Kubernetes, with the local platform's rules (src/run/attempts.ts):
 * a launcher pod that failed, or whose copied-back results lack a completion marker
 * (llmdbench_complete.json), is retried up to N times — its partial results moved aside, on the
 * PVC (`<prefix>/attempts/<name>/attempt-k`) and locally (`<workdir>/attempts/<name>/attempt-k`,
 * the same k), so no two attempts share a folder and nothing is deleted — then the pod deleted
 * and recreated with the same name (only the failed ones: the others keep their results).
 * `--resume` keeps result directories complete on the PVC (copied back — only what is missing —
 * and verified, not rerun) or locally, and reruns the others after moving what they hold aside. Pods that cannot start
 * (image, scheduling) are not retried: that is configuration, not chance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ResultSummary } from '../../metrics/seed-summary.ts';
import type { RunUnit } from '../../plan/types.ts';
import { attemptFailed, moveAside } from '../../run/attempts.ts';
import { COMPLETE_MARKER, readCompletion, type UnitOutcome } from '../../run/unit.ts';
import { collectAll, runUnit, type UnitContext } from './launch.ts';
import { podResultsDir } from './manifests.ts';

export interface AttemptPolicy {
  retries: number;
  resume: boolean;
}

async function accessExec(ctx: UnitContext, argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const a = await ctx.access();
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const r = await ctx.cluster.exec(ctx.settings.namespace, a.name, a.container, argv, out);
  return { ...r, stdout: Buffer.concat(chunks).toString('utf8') };
}

/** The completion marker of a result directory on the PVC (undefined: absent or unreadable). */
async function remoteCompletion(ctx: UnitContext, podDir: string): Promise<{ ok: boolean } | undefined> {
  const r = await accessExec(ctx, ['sh', '-c', 'cat "$1" 2>/dev/null || true', 'sh', `${podDir}/${COMPLETE_MARKER}`]);
  try {
    const c = JSON.parse(r.stdout) as { complete?: boolean; ok?: boolean };
    return c.complete === true ? { ok: c.ok !== false } : undefined;
  } catch {
    return undefined;
  }
}

/** `mv <podDir> <prefix>/attempts/<name>/attempt-<k>` (next free k from `k`); the folder, or undefined when there was none. */
async function remoteMoveAside(ctx: UnitContext, podDir: string, k: number): Promise<string | undefined> {
  const root = `${ctx.settings.resultsPrefix}/attempts/${basename(podDir)}`;
  const script = '[ -d "$1" ] || exit 3; mkdir -p "$2" || exit 1; k=$3; while [ -e "$2/attempt-$k" ]; do k=$((k+1)); done; mv "$1" "$2/attempt-$k" && printf %s "$k"';
  const r = await accessExec(ctx, ['sh', '-c', script, 'sh', podDir, root, String(k)]);
  if (r.exitCode === 3) return undefined;
  if (r.exitCode !== 0) {
    ctx.log.warn(`could not move ${podDir} aside on the PVC (exit ${r.exitCode}): ${r.stderr.trim()}; the next attempt writes over it`);
    return undefined;
  }
  return `${root}/attempt-${r.stdout.trim()}`;
}

function storedSummary(analysisDir: string): ResultSummary | undefined {
  const f = join(analysisDir, 'summary.json');
  try {
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ResultSummary) : undefined;
  } catch {
    return undefined;
  }
}

/** Failed, or finished without its completion marker (the pod died before writing it). */
export function podAttemptFailed(o: UnitOutcome): boolean {
  return attemptFailed(o) || readCompletion(o.resultsDir) === undefined;
}

export async function runUnitAttempts(ctx: UnitContext, unit: RunUnit, policy: AttemptPolicy): Promise<UnitOutcome[]> {
  const s = ctx.settings;
  // Nothing to retry when nothing is waited for (-z collects, -d and -s 0 return at once).
  if (s.skip || s.debug || s.waitTimeoutS === 0 || (policy.retries <= 0 && !policy.resume)) return runUnit(ctx, unit);
  const all = unit.resultsDirs.map((_, i) => i);
  const failed = new Map<number, string[]>(all.map((i) => [i, []]));
  const done = new Map<number, UnitOutcome>();
  const setAside = async (i: number, why: string): Promise<void> => {
    const local = moveAside(unit.resultsDirs[i]!, unit.analysisDirs[i]!);
    const k = local ? Number(/attempt-(\d+)$/.exec(local)?.[1] ?? 1) : 1;
    const remote = await remoteMoveAside(ctx, podResultsDir(s, unit, i + 1), k);
    if (local) failed.get(i)!.push(local);
    if (local || remote) ctx.log.warn(`${basename(unit.resultsDirs[i]!)}: ${why}; kept in ${[local, remote && `${remote} on PVC ${s.pvcName}`].filter(Boolean).join(' and ')}`);
  };
  let toRun = all;
  if (policy.resume) {
    toRun = [];
    const onPvc: number[] = [];
    for (const i of all) {
      const name = basename(unit.resultsDirs[i]!);
      const local = readCompletion(unit.resultsDirs[i]!);
      // The PVC is the source of truth while it holds the directory: a copy cut after the marker
      // arrived is completed (only missing files are fetched) and verified.
      const remote = await remoteCompletion(ctx, podResultsDir(s, unit, i + 1));
      if (remote?.ok) {
        ctx.log.info(local?.ok ? `${name}: complete from an earlier run (${COMPLETE_MARKER}), not rerun; its copy is checked against PVC ${s.pvcName}` : `${name}: complete on PVC ${s.pvcName} from an earlier run, copied back, not rerun`);
        onPvc.push(i);
        continue;
      }
      if (local?.ok) {
        ctx.log.info(`${name}: complete from an earlier run (${COMPLETE_MARKER}), not rerun`);
        const summary = storedSummary(unit.analysisDirs[i]!);
        done.set(i, { unit, resultsDir: unit.resultsDirs[i]!, analysisDir: unit.analysisDirs[i]!, complete: true, rc: 0, resumed: true, ...(summary ? { summary } : {}) });
        continue;
      }
      await setAside(i, `${local || remote ? 'failed' : 'unfinished'} in an earlier run, running it again`);
      toRun.push(i);
    }
    if (onPvc.length > 0) for (const o of await collectAll(ctx, unit, undefined, [], undefined, { indices: onPvc })) done.set(unit.resultsDirs.indexOf(o.resultsDir), { ...o, resumed: true });
  }
  for (let attempt = 1; toRun.length > 0; attempt++) {
    const attempts = new Map(toRun.map((i) => [i, { number: attempt, failedAttempts: [...failed.get(i)!] }]));
    const outs = await runUnit(ctx, unit, { indices: toRun, attempts, attemptsAllowed: policy.retries + 1 });
    const next: number[] = [];
    for (const o of outs) {
      const i = unit.resultsDirs.indexOf(o.resultsDir);
      if (podAttemptFailed(o) && !ctx.signal.aborted && attempt <= policy.retries) {
        const why = o.error ?? (o.rc !== 0 ? `harness exit code ${o.rc}` : o.summary ? `no request succeeded (${o.summary.requests.failed} failed)` : 'no completion marker');
        await setAside(i, `attempt ${attempt} of ${policy.retries + 1} failed: ${why}; retrying`);
        next.push(i);
      } else done.set(i, o);
    }
    toRun = next;
  }
  return all.flatMap((i) => (done.has(i) ? [done.get(i)!] : []));
}
