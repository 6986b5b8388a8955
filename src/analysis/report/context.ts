/**
 * The run-level context of a results directory: run_metadata.yaml (written by
 * every harness run, upstream and ours) and the rendered workload profile it
 * names (upstream reads it from LLMDBENCH_RUN_EXPERIMENT_HARNESS_WORKLOAD_NAME;
 * we find the run's copy in the results directory, else in <workdir>/workload/profiles/<harness>/).
 * Missing pieces stay undefined: a directory the Python tools wrote converts too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parsePyTree } from './pyjson.ts';
import type { RunContext } from './types.ts';

export const RUN_METADATA_FILE = 'run_metadata.yaml';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * The rendered profile of a run: the copy the run keeps in the results directory
 * (`<results>/<workload>`), else `<workdir>/workload/profiles/<harness>/<workload>`.
 */
export function findProfile(resultsDir: string, harness: string | undefined, workload: string | undefined): string | undefined {
  if (!workload) return undefined;
  const workdir = resolve(resultsDir, '..', '..');
  for (const name of [workload, basename(workload)]) {
    const candidates = [join(resultsDir, name), ...(harness ? [join(workdir, 'workload', 'profiles', harness, name)] : [])];
    for (const p of candidates) if (existsSync(p)) return p;
  }
  return undefined;
}

/** Read a config (profile) file keeping Python's float/int distinction for cfg_id. */
export function readConfigFile(file: string): unknown {
  return parsePyTree(readFileSync(file, 'utf8'));
}

/** Context for the native files of `resultsDir`; `configFile` overrides the profile lookup. */
export function readRunContext(resultsDir: string, configFile?: string): RunContext {
  const ctx: RunContext = {};
  const metaFile = join(resultsDir, RUN_METADATA_FILE);
  let meta: Obj = {};
  if (existsSync(metaFile)) {
    try {
      meta = (parse(readFileSync(metaFile, 'utf8')) as Obj | null) ?? {};
    } catch {
      meta = {};
    }
  }
  ctx.start = str(meta['harness_start']);
  ctx.end = str(meta['harness_stop']);
  ctx.duration = str(meta['harness_delta']);
  ctx.harnessArgs = str(meta['harness_args']);
  ctx.harnessVersion = str(meta['harness_version']);
  ctx.experimentId = str(meta['experiment_id']);
  ctx.model = str(meta['model']);
  ctx.namespace = str(meta['namespace']);
  ctx.description = str(meta['description_text']);
  const kw = str(meta['description_keywords']);
  if (kw) ctx.keywords = kw.split(/[,\s]+/).filter(Boolean);
  const profile = configFile ?? findProfile(resultsDir, str(meta['harness_name']), str(meta['harness_workload']));
  if (profile && existsSync(profile)) ctx.config = readConfigFile(profile);
  return ctx;
}

/**
 * Upstream's parse of the harness arguments: split on `--`; `k=v`, `k v`, or a bare
 * flag (→ null).
 */
export function parseHarnessArgs(args: string | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (!args) return out;
  for (const kv of args.split('--').map((s) => s.trim()).filter(Boolean)) {
    const eq = kv.indexOf('=');
    const sp = kv.indexOf(' ');
    if (eq !== -1) out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    else if (sp !== -1) out[kv.slice(0, sp).trim()] = kv.slice(sp + 1).trim();
    else out[kv] = null;
  }
  return out;
}

