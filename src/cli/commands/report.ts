import { Command } from '@commander-js/extra-typings';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliCommand, CliContext } from './types.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { parseVersions } from './report-options.ts';

export const command: CliCommand = {
  name: 'report',
  register(program: Command, _cli: CliContext): void {
    const report = program.command('report').description('llm-d benchmark reports: convert native harness files');
    report
      .command('convert')
      .description(
        "Convert one native result file (an inference-perf stage_N_lifecycle_metrics.json, GuideLLM's JSON, a vllm bench result, " +
          'an fmperf LMBench CSV, a nop result.yaml), ours or the Python tools\', into a llm-d benchmark report, like upstream\'s ' +
          '`benchmark-report`. Without [out] the YAML goes to stdout; a file with several benchmarks (GuideLLM) writes <out>_<i>.yaml',
      )
      .argument('<native-file>', 'the harness output file')
      .argument('[out]', 'output file (refused if it exists, unless -f)')
      .option('-w, --workload-generator <harness>', 'the harness that wrote it (default: detected)')
      .option('-b, --br-version <version>', 'report version: 0.1, 0.2 or 0.2.1', '0.1')
      .option('-i, --index <n>', 'only this benchmark of a multi-benchmark file')
      .option('-f, --force', 'overwrite the output file')
      .option('-s, --session', 'the file is an inference-perf session lifecycle file (detected from its name otherwise)')
      .option('--config <profile>', 'the workload profile the run used (fills scenario.load.native.config and cfg_id)')
      .action(async (file, out, opts) => {
        const [version] = parseVersions(opts.brVersion);
        if (!existsSync(file)) throw new LlmdbenchError('E_REPORT_NO_FILE', `no such file: ${file}`, { kind: 'environment' });
        const { readNativeFile, render, versionsFor } = await import('../../analysis/report/convert.ts');
        const { readRunContext } = await import('../../analysis/report/context.ts');
        const { reportYaml } = await import('../../analysis/report/files.ts');
        const ctx = readRunContext(dirname(resolve(file)), opts.config);
        let commons = readNativeFile(file, ctx, opts.workloadGenerator, opts.session === true);
        if (opts.index !== undefined) {
          const i = Number(opts.index);
          if (!Number.isInteger(i) || i < 0 || i >= commons.length) throw new LlmdbenchError('E_REPORT_INDEX', `--index ${opts.index}: the file has ${commons.length} benchmark(s)`);
          commons = [commons[i]!];
        }
        const many = commons.length > 1 || (commons[0]?.index !== undefined && opts.index === undefined);
        for (const [i, c] of commons.entries()) {
          if (!versionsFor(c, [version!]).length) {
            throw new LlmdbenchError('E_REPORT_VERSION', `${c.harness} has no v${version} report`, { hint: c.v01Only ? 'use -b 0.1' : 'use -b 0.2 or 0.2.1' });
          }
          const text = reportYaml(render(c, ctx, version!));
          if (!out) {
            process.stdout.write(many ? `# Benchmark ${i + 1} of ${commons.length}\n${text}` : text);
            continue;
          }
          const target = many ? out.replace(/(\.[^./]*)?$/, (ext) => `_${c.index ?? i}${ext}`) : out;
          if (existsSync(target) && !opts.force) throw new LlmdbenchError('E_REPORT_EXISTS', `output file already exists: ${target}`, { hint: 'use -f to overwrite' });
          writeFileSync(target, text);
          process.stderr.write(`wrote ${target}\n`);
        }
      });
  },
};
