import { Command } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { parseSloOption } from './report-options.ts';

export const command: CliCommand = {
  name: 'compare',
  register(program: Command, _cli: CliContext): void {
    program
      .command('compare')
      .description(
        "Compare runs side by side: the ten seed metrics per stage / rate with Δ % against the first run. Works across harnesses " +
          'through the llm-d benchmark report (v0.2); each <dir> is a results directory, a work directory or a directory of reports',
      )
      .argument('<dirs...>', 'two or more run directories')
      .option('--json', 'print the rows as JSON instead of the table')
      .option('--slo <list>', 'add goodput rows (share and rate meeting every SLO, from records.jsonl), e.g. ttft=200ms,tpot=50ms')
      .action(async (dirs, opts) => {
        const slo = parseSloOption(opts.slo);
        const missing = dirs.filter((d) => !existsSync(d));
        if (missing.length > 0) throw new LlmdbenchError('E_COMPARE_NO_DIR', `no such directory: ${missing.join(', ')}`, { kind: 'environment' });
        if (dirs.length < 2) throw new LlmdbenchError('E_COMPARE_ARGS', 'compare needs at least two directories');
        const { attachGoodput, rowsOf, formatComparison } = await import('../../analysis/report/compare.ts');
        const runs = dirs.map((d) => ({ label: basename(resolve(d)), rows: rowsOf(d) }));
        if (slo) for (const [i, d] of dirs.entries()) await attachGoodput(d, runs[i]!.rows, slo);
        const empty = runs.filter((r) => r.rows.length === 0).map((r) => r.label);
        if (empty.length > 0) {
          throw new LlmdbenchError('E_COMPARE_EMPTY', `no results found in: ${empty.join(', ')}`, {
            hint: 'give a results directory, a work directory, or a directory with benchmark_report_v0.2,_*.yaml files',
            kind: 'environment',
          });
        }
        process.stdout.write(opts.json ? `${JSON.stringify(runs, null, 2)}\n` : formatComparison(runs));
      });
  },
};
