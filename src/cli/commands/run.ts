import { Command } from '@commander-js/extra-typings';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './index.ts';
import { addRunShOptions, runShOptionsToFlags } from '../run-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { createProgressDisplay, type ProgressDisplay } from '../progress/display.ts';
import { resolveConfig } from '../../config/resolve.ts';
import type { EffectiveConfig } from '../../config/types.ts';
import { buildPlan, WORKDIR_PLACEHOLDER } from '../../plan/build.ts';
import { formatPlan } from '../../plan/format.ts';
import { platforms } from '../../platform/registry.ts';
import { checkRunnable, preflight } from '../../platform/local/executor.ts';
import { installInterrupts } from '../../platform/local/signals.ts';
import { formatFinalTable } from '../../platform/local/table.ts';
import { analyzeResultDir } from '../../platform/local/analysis.ts';
import type { RunOutcome } from '../../platform/types.ts';
import { createLogger } from '../../util/logger.ts';
import { formatIssue, type LocatedIssue } from '../../harness/validate.ts';

function packageVersion(): string {
  const p = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
}

/** A work directory: the configured one (created if needed), else a new temporary one. */
function workDirFor(config: EffectiveConfig): { dir: string; created: boolean } {
  const configured = config.get('LLMDBENCH_CONTROL_WORK_DIR');
  if (configured) {
    const dir = resolve(configured);
    mkdirSync(dir, { recursive: true });
    return { dir, created: false };
  }
  return { dir: mkdtempSync(join(tmpdir(), 'llmdbench-run-')), created: true };
}

function exitCodeOf(out: RunOutcome): number {
  if (out.interrupted) return ExitCode.aborted;
  const bad = out.units.some((u) => u.rc !== 0 || u.error !== undefined || (u.summary !== undefined && u.summary.requests.succeeded === 0));
  return bad ? ExitCode.benchmarkFailed : ExitCode.ok;
}

export const command: CliCommand = {
  name: 'run',
  register(program: Command): void {
    const cmd = addRunShOptions(
      new Command('run')
        .description(
          'Run the benchmark: render the workload profile(s), generate load with the harness against --endpoint ' +
            '(default: the embedded simulator), write native results, run_metadata.yaml and an analysis summary per ' +
            'result directory under the work directory, and print the final table of the ten metrics',
        )
        .option('--quiet', 'no progress display and no info logs (warnings, errors and the final table only)')
        .option('--json', 'print the final summary as JSON on stdout (no table, no progress display)'),
    ).action(async (opts) => {
      const flags = runShOptionsToFlags(opts);
      const config = await resolveConfig({ flags, env: process.env, cwd: process.cwd() });
      const dryRun = opts.dryRun === true || config.get('LLMDBENCH_CONTROL_DRY_RUN') === '1';
      const tty = Boolean(process.stderr.isTTY);
      const display: ProgressDisplay | undefined = opts.quiet || opts.json || dryRun ? undefined : createProgressDisplay({ stream: process.stderr, tty });
      const level = opts.verbose ? 'debug' : opts.quiet ? 'warn' : 'info';
      const log = createLogger(level, display ? (s) => display.write(s) : (s) => process.stderr.write(s));

      if (dryRun) {
        // Nothing is contacted or written: the plan only.
        const plan = buildPlan({ config, cwd: process.cwd() });
        process.stdout.write(formatPlan(plan));
        return;
      }

      // Every problem that needs no network is found before anything starts.
      const probe = buildPlan({ config, cwd: process.cwd(), workDir: config.get('LLMDBENCH_CONTROL_WORK_DIR') || WORKDIR_PLACEHOLDER });
      checkRunnable(probe);
      preflight(probe, log);
      for (const w of probe.warnings ?? []) log.warn(w);
      const shown = new Set<string>();
      for (const u of probe.units) {
        for (const i of u.issues) {
          const line = formatIssue(i as LocatedIssue, u.profileName);
          if (!shown.has(line)) log.warn(line);
          shown.add(line);
        }
      }
      for (const n of probe.notes) log.info(`note: ${n}`);

      const wd = workDirFor(config);
      log.info(`work directory: ${wd.dir}`);
      const plan = buildPlan({ config, cwd: process.cwd(), workDir: wd.dir });

      if (config.get('LLMDBENCH_HARNESS_SKIP_RUN') === '1') {
        // -z: no load; analyse every result directory the work directory already holds.
        const summaries = [];
        const resultsRoot = join(wd.dir, 'results');
        for (const name of existsSync(resultsRoot) ? readdirSync(resultsRoot).sort() : []) {
          const analysisDir = join(wd.dir, 'analysis', name);
          mkdirSync(analysisDir, { recursive: true });
          const meta = join(resultsRoot, name, 'run_metadata.yaml');
          const complete = !existsSync(meta) || !/^complete: false$/m.test(readFileSync(meta, 'utf8'));
          const s = await analyzeResultDir(name, join(resultsRoot, name), analysisDir, complete);
          if (s) summaries.push(s);
        }
        if (summaries.length === 0) log.warn(`-z: no results to analyse under ${resultsRoot}`);
        process.stdout.write(opts.json ? `${JSON.stringify({ workDir: wd.dir, results: summaries }, null, 2)}\n` : formatFinalTable(summaries));
        return;
      }

      const interrupts = installInterrupts(log);
      let out: RunOutcome;
      try {
        out = await platforms.get('local').execute(plan, {
          log,
          signal: interrupts.stop,
          cancel: interrupts.cancel,
          ...(display ? { progress: (label, p) => display.update(label, p) } : {}),
          args: process.argv.slice(2).join(' '),
          version: packageVersion(),
          replan: (endpointUrl) => buildPlan({ config, cwd: process.cwd(), workDir: wd.dir, endpointUrl }),
        });
      } finally {
        interrupts.dispose();
        display?.stop();
      }
      const summaries = out.units.flatMap((u) => (u.summary ? [u.summary] : []));
      if (opts.json) {
        const results = out.units.map((u) => ({
          resultsDir: u.resultsDir,
          analysisDir: u.analysisDir,
          complete: u.complete,
          rc: u.rc,
          ...(u.error ? { error: u.error } : {}),
          summary: u.summary ?? null,
        }));
        process.stdout.write(`${JSON.stringify({ workDir: out.workDir, endpointUrl: out.endpointUrl, interrupted: out.interrupted, results }, null, 2)}\n`);
      } else {
        process.stdout.write(formatFinalTable(summaries));
        process.stdout.write(`\nresults: ${join(out.workDir, 'results')}\nanalysis: ${join(out.workDir, 'analysis')}\n`);
      }
      if (out.interrupted) log.warn('the run was interrupted: results written so far are kept and marked incomplete');
      process.exitCode = exitCodeOf(out);
    });
    program.addCommand(cmd as unknown as Command);
  },
};
