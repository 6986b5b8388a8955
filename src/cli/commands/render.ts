/** `llmdbench render`: options and help; the action is in render-action.ts (loaded when it runs). */
import { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './types.ts';
import { addRunShOptions } from '../run-options.ts';

export const command: CliCommand = {
  name: 'render',
  register(program: Command): void {
    const cmd = addRunShOptions(
      new Command('render')
        .description(
          'Render workload profiles as run would: REPLACE_ENV tokens, then the -e treatment values, then -o overrides; ' +
            'validate them for the harness. One document per treatment; to stdout (separated by ---) or into --out DIR/<harness>/',
        )
        .argument('[profile]', 'profile name or template path (default: -w / LLMDBENCH_HARNESS_EXPERIMENT_PROFILE)')
        .option('--all', 'render every profile of the harness (-l)')
        .option('--all-harnesses', 'render every profile of every harness')
        .option('--out <dir>', 'write <dir>/<harness>/<profile>[_treatment_<name>].yaml instead of printing')
        .option('--no-validate', 'do not validate the rendered profiles')
        .addHelpText(
          'after',
          [
            '',
            'Examples:',
            '  llmdbench render                                   # the default profile (inference-perf sanity_random)',
            '  llmdbench render -l guidellm sanity_concurrent -o streams=4',
            '  llmdbench render -o min=20,load.stages[0].rate=5   # bare names change every match; paths start at the root',
            '  llmdbench render -l vllm-benchmark -w random_concurrent -e experiments/max-concurrency-sweep.yaml --out /tmp/profiles',
            '  llmdbench render --all-harnesses --out /tmp/all',
            'Override syntax, experiment files and naming: docs/overrides-and-treatments.md',
          ].join('\n'),
        ),
    ).action(async (arg, opts) => (await import('./render-action.ts')).renderAction(arg, opts));
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd as unknown as Command);
  },
};
