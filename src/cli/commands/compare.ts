import { Command } from '@commander-js/extra-typings';
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { parseSloOption } from './report-options.ts';

/** Where the overlay plots go without --out (relative to the current directory). */
const DEFAULT_OUT = 'llmdbench-compare';

export const command: CliCommand = {
  name: 'compare',
  register(program: Command, _cli: CliContext): void {
    program
      .command('compare')
      .description(
        "Compare runs side by side: the ten seed metrics per stage / rate with Δ % against the first run, and overlay plots (latency CDFs, " +
          'throughput vs latency; PNG + SVG + compare.html). Works across harnesses through the llm-d benchmark report (v0.2) and the records; ' +
          'each <dir> is a results directory, a work directory or a directory of reports',
      )
      .argument('<dirs...>', 'two or more run directories')
      .option('--json', 'print the rows as JSON instead of the table')
      .option('--slo <list>', 'add goodput rows (share and rate meeting every SLO, from records.jsonl), e.g. ttft=200ms,tpot=50ms')
      .option('--out <dir>', `where the overlay plots (latency CDFs, throughput vs latency; PNG + SVG) and compare.html go (default: ./${DEFAULT_OUT})`)
      .option('--no-plots', 'print the table only')
      .action(async (dirs, opts) => {
        const slo = parseSloOption(opts.slo);
        const missing = dirs.filter((d) => !existsSync(d));
        if (missing.length > 0) throw new LlmdbenchError('E_COMPARE_NO_DIR', `no such directory: ${missing.join(', ')}`, { kind: 'environment' });
        if (dirs.length < 2) throw new LlmdbenchError('E_COMPARE_ARGS', 'compare needs at least two directories');
        if (opts.out !== undefined && existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
          throw new LlmdbenchError('E_COMPARE_OUT', `--out ${opts.out} is a file, not a directory`, { hint: 'give a directory (created when missing) for the plots and compare.html', kind: 'environment' });
        }
        const { attachGoodput, reportsOf, rowsOf, formatComparison } = await import('../../analysis/report/compare.ts');
        const runs = dirs.map((d) => {
          const reports = reportsOf(d);
          return { label: basename(resolve(d)), dir: d, reports, rows: rowsOf(d, reports) };
        });
        if (slo) for (const [i, d] of dirs.entries()) await attachGoodput(d, runs[i]!.rows, slo);
        const empty = runs.filter((r) => r.rows.length === 0).map((r) => r.label);
        if (empty.length > 0) {
          throw new LlmdbenchError('E_COMPARE_EMPTY', `no results found in: ${empty.join(', ')}`, {
            hint: 'give a results directory, a work directory, or a directory with benchmark_report_v0.2,_*.yaml files',
            kind: 'environment',
          });
        }
        const shown = runs.map(({ label, rows }) => ({ label, rows }));
        process.stdout.write(opts.json ? `${JSON.stringify(shown, null, 2)}\n` : formatComparison(shown));
        if (!opts.plots) return;
        const { writeCompareOutput } = await import('../../analysis/report/compare-output.ts');
        const out = resolve(opts.out ?? DEFAULT_OUT);
        const [html] = await writeCompareOutput(runs, out);
        // With --json stdout stays pure JSON.
        (opts.json ? process.stderr : process.stdout).write(`\nplots: ${out}\nreport: ${html}\n`);
      });
  },
};
