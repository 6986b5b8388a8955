/**
 * The run plan: methods × models × treatments, each with its rendered,
 * overridden and validated profile, experiment id and result folders.
 * Reads templates and the experiment file, writes nothing and contacts
 * nothing, so `run` can build it once for `--dry-run`, and again with the real
 * endpoint once the embedded simulator is up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configForModel, methodsOf, modelsOf } from '../config/per-model.ts';
import { modelIdFor, stackNameFor } from '../config/model.ts';
import { pathNameProblem } from '../config/checks.ts';
import type { EffectiveConfig, ResolvedConfig } from '../config/types.ts';
import { loadExperiment } from '../experiments/load.ts';
import type { Experiment, RunTreatment } from '../experiments/types.ts';
import { workloadHint } from '../experiments/workload-hint.ts';
import { harnesses } from '../harness/registry.ts';
import type { HarnessKind } from '../harness/types.ts';
import { throwOnProfileErrors, validateProfileText } from '../harness/validate.ts';
import { findTemplate, listTemplates } from '../profiles/catalog.ts';
import type { TemplateInfo } from '../profiles/catalog.ts';
import { applyOverrides, parseOverrides } from '../profiles/overrides/index.ts';
import type { Override } from '../profiles/overrides/index.ts';
import { renderTemplate } from '../profiles/render.ts';
import { isLlmdbenchError, LlmdbenchError } from '../util/errors.ts';
import type { RunPlan, RunUnit } from './types.ts';
import { checkCeilings } from './ceiling.ts';

/** Rendered in place of the endpoint when none is configured: the embedded simulator's URL is only known once it runs. */
export const SIMULATOR_ENDPOINT_PLACEHOLDER = 'http://embedded-simulator.invalid:8000';
/** Shown in paths when no work directory is configured yet (run creates one). */
export const WORKDIR_PLACEHOLDER = '<new work dir>';

export interface BuildPlanOptions {
  config: EffectiveConfig;
  /** Base URL of the stack; default LLMDBENCH_HARNESS_STACK_ENDPOINT_URL; else the simulator placeholder. */
  endpointUrl?: string;
  /** LLMDBENCH_CONTROL_WORK_DIR; default the configured one, else WORKDIR_PLACEHOLDER. */
  workDir?: string;
  /** Pre-loaded experiment (skips LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS); `null` for none. */
  experiment?: Experiment | null;
  /** Override spec; default LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES. */
  overrides?: { spec: string; source: string };
  /** Profile name or path; default LLMDBENCH_HARNESS_EXPERIMENT_PROFILE. */
  profile?: string;
  /** Harness; default LLMDBENCH_HARNESS_NAME. */
  harness?: string;
  /** Validate each rendered profile (default true). */
  validate?: boolean;
  /** Base for relative paths (profile files, experiments/); default process.cwd(). */
  cwd?: string;
  /** Extra folder searched for experiment names. */
  experimentsDir?: string;
  /** Restrict to these models / methods (default: LLMDBENCH_DEPLOY_MODEL_LIST / LLMDBENCH_DEPLOY_METHODS). */
  models?: string[];
  methods?: string[];
}

/** Where the override spec came from, for messages: `-o` or the variable (and its source). */
export function overridesFromConfig(config: EffectiveConfig): { spec: string; source: string } | undefined {
  const name = 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES';
  const spec = config.get(name);
  if (spec === undefined || spec.trim() === '') return undefined;
  const src = (config as Partial<ResolvedConfig>).entry?.(name)?.source ?? config.entries().find((e) => e.name === name)?.source;
  return { spec, source: src === 'flag' ? '-o' : `${name}${src ? ` (${src})` : ''}` };
}

function required(config: EffectiveConfig, name: string): string {
  const v = config.get(name);
  if (v === undefined || v === '') {
    throw new LlmdbenchError('E_CONFIG_MISSING', `${name} is not set`, { hint: `set ${name} (see \`llmdbench config\`)` });
  }
  return v;
}

/** `<profile>.yaml`, or `<profile>_treatment_<name>.yaml` under a treatment (upstream's names). */
export function renderedProfileName(profile: string, treatment?: string): string {
  return treatment === undefined ? `${profile}.yaml` : `${profile}_treatment_${treatment}.yaml`;
}

/** `<eid>` or `<eid>-<treatment>`. */
export function experimentIdFor(baseId: string, treatment?: string): string {
  return treatment === undefined ? baseId : `${baseId}-${treatment}`;
}

/** `<workDir>/<kind>/<harness>_<eid>_<stack>_<i>` for i = 1..parallelism. */
export function resultDirs(workDir: string, kind: 'results' | 'analysis', harness: string, eid: string, stack: string, parallelism: number): string[] {
  return Array.from({ length: parallelism }, (_, i) => path.join(workDir, kind, `${harness}_${eid}_${stack}_${i + 1}`));
}

/**
 * Load the plugin of the harness a plan names (`harness`, else LLMDBENCH_HARNESS_NAME): harness
 * plugins load on demand (src/harness/registry.ts) and buildPlan, synchronous, validates with it.
 * An unregistered name is left to buildPlan, which reports it against the profile catalog.
 */
export async function loadPlanHarness(opts: Pick<BuildPlanOptions, 'config' | 'harness'>): Promise<void> {
  const kind = opts.harness ?? opts.config.get('LLMDBENCH_HARNESS_NAME');
  if (kind !== undefined && harnesses.has(kind)) await harnesses.load(kind);
}

/**
 * Build the plan (its harness loaded first: loadPlanHarness). Throws the first error found, with
 * every other problem of the same pass in `details`.
 */
export function buildPlan(opts: BuildPlanOptions): RunPlan {
  const { config } = opts;
  const cwd = opts.cwd ?? process.cwd();
  const configuredEndpoint = opts.endpointUrl ?? config.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL');
  const endpoint = configuredEndpoint || SIMULATOR_ENDPOINT_PLACEHOLDER;
  const workDir = opts.workDir ?? (config.get('LLMDBENCH_CONTROL_WORK_DIR') || WORKDIR_PLACEHOLDER);
  const harness = opts.harness ?? required(config, 'LLMDBENCH_HARNESS_NAME');
  let profile = opts.profile ?? required(config, 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE');
  // The default profile (sanity_random) does not exist for every harness: one with a single
  // profile (nop) then runs that one, so `run -l nop` needs no -w.
  if (opts.profile === undefined && config.entries().find((e) => e.name === 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE')?.source === 'default') {
    const own = listTemplates(harness, { dir: config.get('LLMDBENCH_HARNESS_PROFILES_DIR'), cwd });
    if (own.length === 1 && !own.some((t) => t.name === profile.replace(/\.yaml$/, ''))) profile = own[0]!.name;
  }
  const baseId = required(config, 'LLMDBENCH_RUN_EXPERIMENT_ID');
  const parallelism = Number(config.get('LLMDBENCH_HARNESS_LOAD_PARALLELISM') ?? '1');
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new LlmdbenchError('E_CONFIG_INVALID', `LLMDBENCH_HARNESS_LOAD_PARALLELISM must be a positive integer, got "${config.get('LLMDBENCH_HARNESS_LOAD_PARALLELISM')}"`);
  }
  const ovSpec = opts.overrides ?? overridesFromConfig(config);
  const cliOverrides: Override[] = ovSpec ? parseOverrides(ovSpec.spec, ovSpec.source) : [];
  let experiment: Experiment | undefined;
  if (opts.experiment !== undefined) experiment = opts.experiment ?? undefined;
  else {
    const e = config.get('LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS');
    if (e) experiment = loadExperiment(e, { cwd, experimentsDir: opts.experimentsDir });
  }
  const treatments: (RunTreatment | undefined)[] = experiment && experiment.run.length > 0 ? experiment.run : [undefined];
  const methods = opts.methods ?? methodsOf(config);
  const models = opts.models ?? modelsOf(config);
  if (methods.length === 0) throw new LlmdbenchError('E_CONFIG_MISSING', 'no deploy method (LLMDBENCH_DEPLOY_METHODS / -t is empty)');
  if (models.length === 0) throw new LlmdbenchError('E_CONFIG_MISSING', 'no model (LLMDBENCH_DEPLOY_MODEL_LIST / -m is empty)');

  const units: RunUnit[] = [];
  const problems: LlmdbenchError[] = [];
  const stackFor = uniqueStackNames(methods, models);
  const templates = new Map<string, TemplateInfo>();
  const profilesDir = config.get('LLMDBENCH_HARNESS_PROFILES_DIR');
  const templateFor = (name: string): TemplateInfo => {
    let t = templates.get(name);
    if (!t) {
      t = findTemplate(harness, name, { dir: profilesDir, cwd });
      templates.set(name, t);
    }
    return t;
  };
  for (const method of methods) {
    for (const model of models) {
      const cfg = configForModel(config, model, method);
      const rendered = new Map<string, string>();
      for (const t of treatments) {
        try {
          const tpl = templateFor(t?.profile ?? profile);
          let text = rendered.get(tpl.path);
          if (text === undefined) {
            const lookup = (n: string): string | undefined => (n === 'LLMDBENCH_HARNESS_STACK_ENDPOINT_URL' ? endpoint : cfg.get(n));
            text = renderTemplate(readTemplate(tpl), { file: tpl.path, lookup });
            rendered.set(tpl.path, text);
          }
          const applied = applyOverrides(text, [...(t?.assignments ?? []), ...cliOverrides], { file: tpl.path });
          const profileName = renderedProfileName(tpl.name, t?.name);
          const renderedPath = path.join(workDir, 'workload', 'profiles', harness, profileName);
          let doc: unknown;
          let issues: RunUnit['issues'] = [];
          if (opts.validate !== false) {
            const checked = validateRendered(harness, applied.text, tpl.path, renderedPath, text);
            issues = checked.issues;
            doc = checked.doc;
          } else {
            doc = parseLoose(applied.text);
          }
          if (t) checkPathName(t.name, `treatment name in ${experiment?.file ?? 'the experiment file'}`);
          const eid = experimentIdFor(baseId, t?.name);
          const stack = stackFor(method, model);
          units.push({
            method,
            model,
            harness: harness as HarnessKind,
            ...(t ? { treatment: t.name } : {}),
            experimentId: eid,
            stackName: stack,
            profileName,
            profileText: applied.text,
            profile: doc,
            issues,
            renderedPath,
            resultsDirs: resultDirs(workDir, 'results', harness, eid, stack, parallelism),
            analysisDirs: resultDirs(workDir, 'analysis', harness, eid, stack, parallelism),
            config: cfg,
            templatePath: tpl.path,
            changes: applied.changes,
          });
        } catch (e) {
          if (!isLlmdbenchError(e)) throw e;
          problems.push(e);
        }
      }
    }
  }
  if (experiment) throwIfNoTreatmentMatches(problems, experiment, harness, profile);
  throwCombined(problems);
  if (opts.validate !== false) checkCeilings(units);
  const clashes = collisions(units);
  if (clashes.length > 0) {
    throw new LlmdbenchError('E_RESULTS_COLLIDE', clashes[0]!, { details: clashes.slice(1), hint: 'give each model its own LLMDBENCH_HARNESS_STACK_NAME, or run them separately with different experiment ids' });
  }
  const warnings = [...(experiment?.warnings ?? [])];
  return {
    workDir,
    endpointUrl: configuredEndpoint || undefined,
    units,
    notes: [...(experiment?.notes ?? [])],
    warnings,
    ...(experiment ? { experimentFile: experiment.file } : {}),
    ...(ovSpec ? { overrides: ovSpec } : {}),
  };
}

const lineCount = (s: string): number => s.split('\n').length;

/**
 * Validate a rendered profile. Problems name the template file the user wrote
 * when the rendered text has the template's lines (tokens and scalar overrides
 * keep them); otherwise they name the rendered file and say where it came from.
 */
function validateRendered(harness: string, text: string, templatePath: string, renderedPath: string, renderedTemplate: string): { doc: unknown; issues: RunUnit['issues'] } {
  const sameLines = lineCount(text) === lineCount(renderedTemplate);
  const file = sameLines ? templatePath : renderedPath;
  try {
    const v = validateProfileText(harness, text, file);
    return { doc: v.doc, issues: throwOnProfileErrors(v, harness, file) };
  } catch (e) {
    if (isLlmdbenchError(e) && !sameLines) {
      e.details.push(`${renderedPath} is ${templatePath} after overrides and treatment values; see it with \`llmdbench render --no-validate\``);
    }
    throw e;
  }
}

function readTemplate(t: TemplateInfo): string {
  return readFileSync(t.path, 'utf8');
}

function parseLoose(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One error: the first problem, with every distinct other one as a detail line. */
function throwCombined(problems: LlmdbenchError[]): void {
  const seen = new Set<string>();
  const distinct = problems.filter((p) => {
    const k = `${p.code}|${p.message}|${p.details.join('|')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const [first, ...rest] = distinct;
  if (!first) return;
  if (rest.length === 0) throw first;
  throw new LlmdbenchError(first.code, first.message, {
    hint: first.hint,
    location: first.location,
    kind: first.kind,
    details: [...first.details, ...rest.flatMap((r) => [`${r.code}: ${r.message}`, ...r.details.map((d) => `  ${d}`)])],
  });
}

/**
 * Every problem is a treatment key matching nothing in the profile: the experiment was written
 * for another workload. One error naming the experiment file, the profile, and the -l/-w the
 * file names (its `experiment:` block or usage comment), instead of one block per treatment.
 */
function throwIfNoTreatmentMatches(problems: LlmdbenchError[], experiment: Experiment, harness: string, profile: string): void {
  if (problems.length === 0 || !problems.every((p) => p.code === 'E_OVERRIDE_NO_MATCH' && p.message.includes('from experiment'))) return;
  const keys = [...new Set(problems.map((p) => /override "([^"]+)"/.exec(p.message)?.[1]).filter((k): k is string => k !== undefined))];
  const hint = workloadHint(experiment.text);
  const tryFlags = [hint.harness && hint.harness !== harness ? `-l ${hint.harness}` : '', hint.workload ? `-w ${hint.workload}` : ''].filter((f) => f).join(' ');
  const first = /from experiment ([^)]+)\)/.exec(problems[0]!.message)?.[1];
  throw new LlmdbenchError(
    'E_OVERRIDE_NO_MATCH',
    `the treatments of experiment ${experiment.file} set ${keys.join(', ')}${first ? ` (first at ${first})` : ''}, which match${keys.length === 1 ? 'es' : ''} nothing in profile ${profile} (harness ${harness})`,
    {
      details: problems[0]!.details,
      hint: tryFlags
        ? `the experiment file names its workload: try ${tryFlags}`
        : 'choose the profile the experiment was written for with -w (and its harness with -l)',
    },
  );
}

/** A name that becomes one folder name: no separators, no `..`, not absolute (E_PATH_NAME otherwise). */
function checkPathName(value: string, what: string): void {
  const p = pathNameProblem(value);
  if (p) throw new LlmdbenchError('E_PATH_NAME', `${what} "${value}": ${p}`, { hint: 'use letters, digits, - and _ only' });
}

/**
 * Stack name per (method, model): upstream's derived `<method>-<parameters>-<type>` (as
 * configForModel sets LLMDBENCH_HARNESS_STACK_NAME). Two models deriving the same name (facebook/opt-125m,
 * other/opt-125m) would share a results folder: the later ones get `-<model id>` appended, so a
 * results folder belongs to exactly one unit.
 */
function uniqueStackNames(methods: readonly string[], models: readonly string[]): (method: string, model: string) => string {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const method of methods) {
    for (const model of models) {
      let stack = stackNameFor(method, model);
      const owner = taken.get(stack);
      if (owner !== undefined && owner !== model) stack = `${stack}-${modelIdFor(model)}`;
      if (!taken.has(stack)) taken.set(stack, model);
      checkPathName(stack, `stack name of ${method}/${model}`);
      names.set(`${method}\u0000${model}`, stack);
    }
  }
  return (method, model) => names.get(`${method}\u0000${model}`)!;
}

/** Units that would share a rendered file (with different text) or a results folder. */
function collisions(units: RunUnit[]): string[] {
  const out: string[] = [];
  const byDir = new Map<string, RunUnit>();
  for (const u of units) {
    for (const d of u.resultsDirs) {
      const other = byDir.get(d);
      if (other) out.push(`${other.method}/${other.model} and ${u.method}/${u.model} would write the same results folder ${d} (same stack name and experiment id); run them separately or give different experiment ids`);
      byDir.set(d, u);
    }
  }
  return out;
}
