/**
 * `llmdbench harness`: the launcher pod's entrypoint (upstream's llm-d-benchmark.sh). Thin:
 * the environment is resolved by src/config, the work is src/platform/kubernetes/in-pod.ts,
 * the exit code is harness rc flag + analysis flag (0, 1 or 2).
 */
import type { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliCommand, CliContext } from './types.ts';
import { createLogger } from '../../util/logger.ts';

export const command: CliCommand = {
  name: 'harness',
  register(program: Command, ctx: CliContext): void {
    program
      .command('harness')
      .description("Run inside a launcher pod: the harness on the mounted profile, then the analysis, as the pod spec's LLMDBENCH_* variables say (see docs/kubernetes.md)")
      .action(async () => {
        const { resolveConfig } = await import('../../config/resolve.ts');
        const { runtimeEnv } = await import('../../config/runtime-env.ts');
        const { runInPod } = await import('../../platform/kubernetes/in-pod.ts');
        const { installInterrupts } = await import('../../run/signals.ts');
        const log = createLogger('info');
        const config = await resolveConfig({ flags: {}, env: process.env, cwd: process.cwd() });
        const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
        const interrupts = installInterrupts(log);
        try {
          ctx.setExitCode(await runInPod({ config, log, signal: interrupts.stop, cancel: interrupts.cancel, version, args: ctx.argv.join(' '), env: runtimeEnv(process.env) }));
        } finally {
          interrupts.dispose();
        }
      });
  },
};
