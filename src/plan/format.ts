/** The plan for people (`run --dry-run`) and for programs (`--json`). */
import type { OverrideChange } from '../profiles/overrides/index.ts';
import { formatIssue } from '../harness/validate.ts';
import type { LocatedIssue } from '../harness/validate.ts';
import type { RunPlan, RunUnit } from './types.ts';

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** `min → 2 places (data.input_distribution.min, data.output_distribution.min) [-o]` */
export function formatChange(c: OverrideChange): string {
  const n = c.paths.length;
  const paths = n === 1 && c.paths[0] === c.key ? '' : ` (${c.paths.join(', ')})`;
  return `${c.key} → ${n} place${n === 1 ? '' : 's'}${paths}${c.added ? ' (added: the key was not in the profile)' : ''} [${c.source}]`;
}

function unitLines(u: RunUnit, i: number, total: number): string[] {
  const head = `[${i + 1}/${total}] ${u.method} · ${u.model}${u.treatment ? ` · treatment ${u.treatment}` : ''}`;
  const lines = [
    head,
    `    harness        ${u.harness}${u.templatePath ? `, template ${u.templatePath}` : ''}`,
    `    rendered to    ${u.renderedPath}`,
    `    experiment id  ${u.experimentId}`,
    `    stack name     ${u.stackName}`,
    ...u.resultsDirs.map((d, j) => `    ${j === 0 ? 'results' : '       '}        ${d}`),
    ...u.analysisDirs.map((d, j) => `    ${j === 0 ? 'analysis' : '        '}       ${d}`),
  ];
  for (const [j, c] of (u.changes ?? []).entries()) lines.push(`    ${j === 0 ? 'changes' : '       '}        ${formatChange(c)}`);
  for (const w of u.issues) lines.push(`    warning        ${formatIssue(w as LocatedIssue, u.profileName)}`);
  return lines;
}

/** Human-readable plan: what runs, in which order, with what profile, and where results go. */
export function formatPlan(plan: RunPlan): string {
  const methods = distinct(plan.units.map((u) => u.method));
  const models = distinct(plan.units.map((u) => u.model));
  const treatments = distinct(plan.units.map((u) => u.treatment ?? '(none)'));
  const harnesses = distinct(plan.units.map((u) => u.harness));
  const out = [
    `Plan: ${methods.length} method(s) × ${models.length} model(s) × ${treatments.length} treatment(s) = ${plan.units.length} run(s)`,
    `  methods      ${methods.join(', ')}`,
    `  models       ${models.join(', ')}`,
    `  harness      ${harnesses.join(', ')}`,
    `  treatments   ${treatments.join(', ')}`,
    `  endpoint     ${plan.endpointUrl ?? 'embedded simulator (started at run time on 127.0.0.1; its URL replaces the placeholder in the profiles)'}`,
    `  work dir     ${plan.workDir}`,
  ];
  if (plan.experimentFile) out.push(`  experiment   ${plan.experimentFile} (copied to ${plan.workDir}/workload/experiments/)`);
  if (plan.overrides) out.push(`  overrides    ${plan.overrides.spec} [${plan.overrides.source}]`);
  out.push('');
  plan.units.forEach((u, i) => out.push(...unitLines(u, i, plan.units.length), ''));
  const warnings = plan.warnings ?? [];
  if (warnings.length > 0) out.push('Warnings:', ...warnings.map((w) => `  - ${w}`), '');
  if (plan.notes.length > 0) out.push('Notes:', ...plan.notes.map((n) => `  - ${n}`), '');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** The plan as JSON-ready data: everything but the per-unit config object and parsed profile. */
export function planToJson(plan: RunPlan, executor?: { executor: string; reason: string }): unknown {
  return {
    ...(executor ? { executor: executor.executor, executorReason: executor.reason } : {}),
    workDir: plan.workDir,
    endpointUrl: plan.endpointUrl ?? null,
    experimentFile: plan.experimentFile ?? null,
    overrides: plan.overrides ?? null,
    units: plan.units.map((u) => ({
      method: u.method,
      model: u.model,
      harness: u.harness,
      treatment: u.treatment ?? null,
      experimentId: u.experimentId,
      stackName: u.stackName,
      profileName: u.profileName,
      templatePath: u.templatePath ?? null,
      renderedPath: u.renderedPath,
      resultsDirs: u.resultsDirs,
      analysisDirs: u.analysisDirs,
      changes: u.changes ?? [],
      issues: u.issues,
      profileText: u.profileText,
    })),
    warnings: plan.warnings ?? [],
    notes: plan.notes,
  };
}

export function formatPlanJson(plan: RunPlan, executor?: { executor: string; reason: string }): string {
  return `${JSON.stringify(planToJson(plan, executor), null, 2)}\n`;
}
