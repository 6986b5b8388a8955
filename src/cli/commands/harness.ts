/**
 * `llmdbench harness`: the launcher pod's entrypoint (upstream's llm-d-benchmark.sh). Thin:
 * the environment is resolved by src/config, the work is src/platform/kubernetes/in-pod.ts,
 * the exit code is harness rc flag + analyzer rc flag (0, 1 or 2).
 */
import type { Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './index.ts';
import { createLogger } from '../../util/logger.ts';

export const command: CliCommand = {
  name: 'harness',
  register(program: Command): void {
    program
      .command('harness')
      .description('Run inside a launcher pod: the harness on the mounted profile, then the analysis, as the pod spec\'s LLMDBENCH_* variables say (see docs/kubernetes.md)')
      .action(async () => {
        const { resolveConfig } = await import('../../config/resolve.ts');
        const { runInPod } = await import('../../platform/kubernetes/in-pod.ts');
        const { installInterrupts } = await import('../../platform/local/signals.ts');
        const log = createLogger('info');
        const config = await resolveConfig({ flags: {}, env: process.env, cwd: process.cwd() });
        const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
        const interrupts = installInterrupts(log);
        try {
          process.exitCode = await runInPod({ config, log, signal: interrupts.stop, cancel: interrupts.cancel, version, args: process.argv.slice(2).join(' ') });
        } finally {
          interrupts.dispose();
        }
      });
  },
};
