/** The `render` command's action (imported by render.ts only when it runs, so `--help` loads none of it). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runShOptionsToFlags, type RunShOptionValues } from '../run-options.ts';
import { resolveConfig } from '../../config/resolve.ts';
import { methodsOf, modelsOf } from '../../config/per-model.ts';
import { loadExperiment } from '../../experiments/load.ts';
import type { Experiment } from '../../experiments/types.ts';
import { harnesses } from '../../harness/registry.ts';
import { formatIssue, type LocatedIssue } from '../../harness/validate.ts';
import { listHarnessDirs, listTemplates } from '../../profiles/catalog.ts';
import { buildPlan, loadPlanHarness, overridesFromConfig, SIMULATOR_ENDPOINT_PLACEHOLDER } from '../../plan/build.ts';
import { formatChange } from '../../plan/format.ts';
import type { RunUnit } from '../../plan/types.ts';
import { isLlmdbenchError, LlmdbenchError } from '../../util/errors.ts';

interface Job {
  harness: string;
  profile: string;
}

/** The (harness, profile) pairs asked for: one, every profile of the harness, or every profile of every harness. */
function jobsFor(arg: string | undefined, opts: { all?: boolean; allHarnesses?: boolean }, harness: string, profile: string, dir: string | undefined): Job[] {
  if (opts.allHarnesses) {
    return listHarnessDirs({ dir }).flatMap((h) => listTemplates(h, { dir }).map((t) => ({ harness: h, profile: t.path })));
  }
  if (opts.all) return listTemplates(harness, { dir }).map((t) => ({ harness, profile: t.path }));
  return [{ harness, profile: arg ?? profile }];
}

function report(units: RunUnit[]): void {
  for (const u of units) {
    const label = `${u.harness}/${u.profileName}`;
    for (const c of u.changes ?? []) process.stderr.write(`${label}: ${formatChange(c)}\n`);
    for (const w of u.issues) process.stderr.write(`warning: ${formatIssue(w as LocatedIssue, label)}\n`);
  }
}

/** The `render` command's action (loaded only when the command runs, so `--help` stays fast). */
export async function renderAction(arg: string | undefined, opts: RunShOptionValues & { all?: boolean; allHarnesses?: boolean; out?: string; validate?: boolean }): Promise<void> {
  const flags = runShOptionsToFlags(opts);
  const cwd = process.cwd();
  const config = await resolveConfig({ flags, env: process.env, cwd });
  const models = modelsOf(config);
  const model = models[0];
  const method = methodsOf(config)[0];
  if (!model || !method) throw new LlmdbenchError('E_CONFIG_MISSING', 'no model (-m) or method (-t) to render for');
  if (models.length > 1) process.stderr.write(`note: rendering for the first model, ${model} (run --dry-run shows every model)\n`);
  const dir = config.get('LLMDBENCH_HARNESS_PROFILES_DIR');
  const harness = config.get('LLMDBENCH_HARNESS_NAME') ?? 'inference-perf';
  const jobs = jobsFor(arg, opts, harness, config.get('LLMDBENCH_HARNESS_EXPERIMENT_PROFILE') ?? 'sanity_random', dir);
  const expName = config.get('LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS');
  const experiment: Experiment | null = expName ? loadExperiment(expName, { cwd }) : null;
  for (const w of experiment?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  for (const n of experiment?.notes ?? []) process.stderr.write(`note: ${n}\n`);
  const overrides = overridesFromConfig(config);
  const units: RunUnit[] = [];
  const failures: LlmdbenchError[] = [];
  for (const job of jobs) {
    // A harness folder we have no schema for is rendered without validation.
    const validate = opts.validate !== false && harnesses.has(job.harness);
    try {
      if (validate) await loadPlanHarness({ config, harness: job.harness });
      const plan = buildPlan({ config, harness: job.harness, profile: job.profile, experiment, overrides, validate, cwd, models: [model], methods: [method], workDir: opts.out ?? '.' });
      if (opts.validate !== false && !validate) process.stderr.write(`note: no validator for harness ${job.harness}; ${job.profile} not validated\n`);
      units.push(...plan.units);
    } catch (e) {
      if (!isLlmdbenchError(e) || jobs.length === 1) throw e;
      failures.push(e);
    }
  }
  // Only with something rendered: before an error it would be noise.
  if (units.length > 0 && !config.get('LLMDBENCH_HARNESS_STACK_ENDPOINT_URL')) {
    process.stderr.write(`note: no endpoint set (--endpoint); the embedded simulator's URL is shown as ${SIMULATOR_ENDPOINT_PLACEHOLDER}\n`);
  }
  report(units);
  if (opts.out) {
    for (const u of units) {
      const file = path.join(opts.out, u.harness, u.profileName);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, u.profileText);
      process.stdout.write(`${file}\n`);
    }
  } else {
    const docs = units.map((u) => `# ${u.harness}/${u.profileName}\n${u.profileText}${u.profileText.endsWith('\n') ? '' : '\n'}`);
    process.stdout.write(docs.join('---\n'));
  }
  if (failures.length > 0) {
    throw new LlmdbenchError('E_RENDER_FAILED', `${failures.length} of ${jobs.length} profiles could not be rendered`, {
      details: failures.flatMap((f) => [`${f.code}: ${f.message}${f.location?.file && !f.message.includes(f.location.file) ? ` (${f.location.file})` : ''}`, ...f.details.map((d) => `  ${d}`)]),
      hint: 'the other profiles were rendered; fix or exclude the ones listed',
    });
  }
}
