/**
 * `llmdbench run`: its options and help. The action (plan, platform, engine, analysis) is in
 * run-action.ts, imported only when the command runs, so `--help` loads none of it. Before it,
 * the embedded simulator's child is started when the run may use it (sim/standby.ts).
 */
import { Command } from '@commander-js/extra-typings';
import type { CliCommand, CliContext } from './types.ts';
import { addRunShOptions } from '../run-options.ts';
import { embeddedSimulatorHint } from '../../config/early.ts';

export const command: CliCommand = {
  name: 'run',
  register(program: Command, ctx: CliContext): void {
    const cmd = addRunShOptions(
      new Command('run')
        .description(
          'Run the benchmark: render the workload profile(s), generate load with the harness against --endpoint ' +
            '(default: the embedded simulator), write native results, run_metadata.yaml and an analysis summary per ' +
            'result directory under the work directory, and print the final table of the ten metrics',
        )
        .option('--quiet', 'no progress display and no info logs (warnings, errors and the final table only)')
        .option('--json', 'print the final summary as JSON on stdout (no table, no progress display)')
        .option('--resume <workdir>', 'finish an earlier run in <workdir>: result directories it completed are kept, the rest run again (unfinished ones are moved to <workdir>/attempts/); its flags are reused, flags given now win'),
    ).action(async (opts) => {
      // The embedded simulator's child boots on the other core while the run loads and plans (standby.ts).
      const hint = embeddedSimulatorHint(opts, process.env);
      const standby = hint ? await import('../../sim/standby.ts') : undefined;
      if (hint) standby?.spawnStandby(hint);
      try {
        await (await import('./run-action.ts')).runAction(opts, ctx);
      } finally {
        standby?.disposeStandby();
      }
    });
    program.addCommand(cmd as unknown as Command);
  },
};
