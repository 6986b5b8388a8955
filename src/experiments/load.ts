/**
 * Find and read an experiment file (`-e`), in either upstream format, and
 * expand it into run treatments. Setup treatments are parsed and reported as
 * notes: standup is out of scope for `run`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { LlmdbenchError } from '../util/errors.ts';
import { closestN } from '../util/suggest.ts';
import { ExperimentContext, getPair, keyText, mapPairs } from './context.ts';
import { HEAD_TOP_LEVEL, parseHeadRun, parseHeadSetup } from './head.ts';
import { parseShellRun, parseShellSetup } from './shell.ts';
import type { Experiment, ExperimentFormat } from './types.ts';

export interface LoadExperimentOptions {
  /** Searched first for a bare name. */
  experimentsDir?: string;
  /** Base for relative paths and the default `experiments/` folders (default: process.cwd()). */
  cwd?: string;
}

/** Folders searched, in order, for a name that is not an existing path. */
export function experimentSearchDirs(opts: LoadExperimentOptions = {}): string[] {
  const cwd = opts.cwd ?? process.cwd();
  const dirs = [opts.experimentsDir, path.join(cwd, 'experiments'), path.join(cwd, 'workload', 'experiments')];
  return dirs.filter((d): d is string => d !== undefined).map((d) => path.resolve(cwd, d));
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/** Resolve `-e` as upstream: a path, else `experiments/<name>.yaml` (`.yaml` optional). */
export function resolveExperimentPath(nameOrPath: string, opts: LoadExperimentOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const tried: string[] = [];
  const direct = path.resolve(cwd, nameOrPath);
  tried.push(direct);
  if (isFile(direct)) return direct;
  if (!path.isAbsolute(nameOrPath)) {
    const names = /\.ya?ml$/.test(nameOrPath) ? [nameOrPath] : [`${nameOrPath}.yaml`, `${nameOrPath}.yml`];
    for (const dir of experimentSearchDirs(opts)) {
      for (const n of names) {
        const p = path.join(dir, n);
        tried.push(p);
        if (isFile(p)) return p;
      }
    }
  }
  const known = experimentSearchDirs(opts).flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, ''));
    } catch {
      return [];
    }
  });
  const near = closestN(path.basename(nameOrPath).replace(/\.ya?ml$/, ''), known, 3);
  throw new LlmdbenchError('E_EXPERIMENT_NOT_FOUND', `experiment file "${nameOrPath}" not found`, {
    details: [`looked in: ${[...new Set(tried)].join(', ')}`, ...(near.length > 0 ? [`did you mean: ${near.join(', ')}`] : [])],
    hint: 'give a path to the file, or a name found as experiments/<name>.yaml under the current directory',
  });
}

/** Parse an experiment file's text. `file` is used in messages. */
export function parseExperiment(text: string, file: string): Experiment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const [first, ...rest] = doc.errors;
    // The yaml library appends " at line L, column C:" and a code frame; the location already says where.
    const brief = (m: string | undefined): string => (m ?? '').split('\n')[0]?.replace(/ at line \d+, column \d+:?\s*$/, '') ?? '';
    throw new LlmdbenchError('E_EXPERIMENT_YAML', `experiment file ${file} is not valid YAML: ${brief(first?.message)}`, {
      location: { file, line: first?.linePos?.[0]?.line, column: first?.linePos?.[0]?.col },
      details: rest.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${brief(e.message)}`),
      hint: 'fix the YAML syntax at the line shown (indentation, an unclosed [ or quote are the usual causes); formats: docs/overrides-and-treatments.md',
    });
  }
  const ctx = new ExperimentContext(file, lines);
  const root = doc.contents;
  if (!isMap(root)) {
    throw new LlmdbenchError('E_EXPERIMENT_INVALID', `experiment file ${file} must be a map with "run:" (SHELL format) or "treatments:" (HEAD format)`, {
      location: { file },
    });
  }
  const runPair = getPair(root, 'run');
  const treatmentsPair = getPair(root, 'treatments');
  const setupNode = getPair(root, 'setup')?.value;
  let format: ExperimentFormat;
  if (runPair && treatmentsPair) {
    ctx.error(treatmentsPair.key, 'treatments', 'both "run:" (SHELL format) and top-level "treatments:" (HEAD format) are present; use one format');
    format = 'shell';
  } else if (runPair) format = 'shell';
  else if (treatmentsPair) format = 'head';
  else if (isMap(setupNode) && getPair(setupNode, 'factors')) format = 'shell';
  else if (setupNode !== undefined) format = 'head';
  else {
    throw new LlmdbenchError('E_EXPERIMENT_INVALID', `experiment file ${file} has no run treatments: expected "run:" (SHELL format) or "treatments:" (HEAD format)`, {
      location: { file },
      details: [`top-level keys: ${mapPairs(root).map(keyText).join(', ') || '(none)'}`],
    });
  }
  const known = format === 'shell' ? ['run', 'setup'] : HEAD_TOP_LEVEL;
  for (const p of mapPairs(root)) {
    const k = keyText(p);
    if (!known.includes(k) && !(runPair && treatmentsPair)) {
      const near = closestN(k, known, 1);
      ctx.warn(p.key, `unknown top-level key "${k}" ignored${near.length > 0 ? ` (did you mean "${near[0]}"?)` : ''}`);
    }
  }
  const run = format === 'shell' ? parseShellRun(ctx, runPair?.value) : parseHeadRun(ctx, root);
  const setup = format === 'shell' ? parseShellSetup(ctx, setupNode) : parseHeadSetup(ctx, setupNode);
  const seen = new Map<string, number | undefined>();
  for (const t of run) {
    if (seen.has(t.name)) {
      ctx.errors.push({ message: `two run treatments are named "${t.name}" (first at line ${seen.get(t.name) ?? '?'}); names must be unique`, line: t.line });
    }
    seen.set(t.name, t.line);
  }
  if (format === 'head') {
    // `design:` is documentation, but a count that disagrees with the list is worth a warning.
    const totalPair = getPair(getPair(root, 'design')?.value, 'total_run_treatments');
    const declared = isScalar(totalPair?.value) ? totalPair.value.value : undefined;
    if (typeof declared === 'number' && declared !== run.length) {
      ctx.warn(totalPair?.key, `design.total_run_treatments says ${declared} but the file has ${run.length} run treatments`);
    }
  }
  ctx.throwIfErrors();
  if (!runPair && !treatmentsPair) ctx.notes.push(`${file}: no run treatments; the profile is rendered once`);
  if (setup.length > 0) {
    const names = setup.map((s) => s.name);
    ctx.notes.push(
      `${file}: ${setup.length} setup treatment(s) (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}) ` +
        'configure standup and are not applicable to run (standup is out of scope); they are ignored',
    );
  }
  return { file, format, text, run, setup, warnings: ctx.warnings, notes: ctx.notes };
}

/** Resolve (see resolveExperimentPath) and parse an experiment file. */
export function loadExperiment(nameOrPath: string, opts: LoadExperimentOptions = {}): Experiment {
  const file = resolveExperimentPath(nameOrPath, opts);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LlmdbenchError('E_EXPERIMENT_NOT_FOUND', `cannot read experiment file ${file}: ${(e as Error).message}`, { kind: 'environment', location: { file } });
  }
  return parseExperiment(text, file);
}
