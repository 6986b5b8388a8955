import { Command } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import type { CliCommand, CliContext } from './types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { parseVersions, parseSloOption } from './report-options.ts';

export const command: CliCommand = {
  name: 'analyze',
  register(program: Command, ctx: CliContext): void {
    program
      .command('analyze')
      .description(
        'Write llm-d benchmark reports (v0.1, v0.2, v0.2.1) for a results directory, a work directory (every results/<run>), ' +
          "or a directory the Python tools wrote; the harness is detected from its native files. Reports go to the run's " +
          'analysis directory (<workdir>/analysis/<run>/, else <dir>/analysis/), with reports.json indexing them',
      )
      .argument('<dir>', 'results directory or work directory')
      .option('-b, --br-version <versions>', 'report versions, comma-separated: 0.1, 0.2, 0.2.1', '0.1,0.2,0.2.1')
      .option('--config <profile>', 'the workload profile the run used (default: found from run_metadata.yaml)')
      .option('--out <dir>', 'write the reports here instead of the analysis directory (one results directory only)')
      .option('--slo <list>', 'SLOs for goodput, e.g. ttft=200ms,tpot=50ms (merged over the profile\'s own goodput keys)')
      .addHelpText('after', '\nExamples:\n  llmdbench analyze ./work                 # every run of a work directory\n  llmdbench analyze ./work/results/inference-perf_1_stack_1 --slo ttft=200ms,tpot=50ms\n')
      .action(async (dir, opts) => {
        const versions = parseVersions(opts.brVersion);
        const slo = parseSloOption(opts.slo);
        if (!existsSync(dir)) throw new LlmdbenchError('E_ANALYZE_NO_DIR', `no such directory: ${dir}`, { kind: 'environment' });
        const { analyzeAll } = await import('../../analysis/report/run-analysis.ts');
        const results = await analyzeAll(dir, { versions, slo, outDir: opts.out, configFile: opts.config });
        process.stdout.write(results.text);
        if (results.failed) ctx.setExitCode(1);
      });
  },
};
