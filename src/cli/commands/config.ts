/** `llmdbench config`: options and help; the action is in config-action.ts (loaded when it runs). */
import { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './types.ts';
import { addRunShOptions } from '../run-options.ts';

export const command: CliCommand = {
  name: 'config',
  register(program: Command): void {
    const cmd = addRunShOptions(
      new Command('config')
        .description('Print every effective LLMDBENCH_* value and where it came from (flag / scenario / env / default / derived); secrets masked')
        .option('--json', 'machine-readable output (secrets masked too)')
        .option('--all', 'include variables whose value is empty')
        .addHelpText(
          'after',
          [
            '',
            'Precedence: flag > scenario file (-c) > environment > built-in default; "derived" values are computed from others.',
            'Per-model values (stack name, tokenizer...) are shown for the first model and method.',
            'Secrets (tokens, keys, passwords, kubeconfig contents) are shown as ****<last 4> (or **** when short), also with --json;',
            '-v also prints what the scenario file wrote to stdout. Every variable: docs/config.md',
          ].join('\n'),
        ),
    ).action(async (opts) => (await import('./config-action.ts')).configAction(opts));
    // addCommand does not inherit exitOverride & co. (only .command() does): copy them, so
    // commander's own usage errors reach main() instead of calling process.exit.
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd as unknown as Command);
  },
};
