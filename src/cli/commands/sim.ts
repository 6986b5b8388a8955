import { Command as PlainCommand, Option } from 'commander';
import type { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './types.ts';
import { KEYS, type KeySpec } from '../../sim/keys.ts';
import { formatDuration } from '../../sim/duration.ts';
import { PRESET_NAMES } from '../../sim/presets.ts';
import { createLogger, type LogLevel } from '../../util/logger.ts';

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function defaultText(k: KeySpec): string {
  if (k.def === undefined) return '';
  if (k.type === 'duration') return ` (default: ${formatDuration(k.def as number)})`;
  if (Array.isArray(k.def)) return k.def.length === 0 ? '' : ` (default: ${k.def.join(' ')})`;
  return ` (default: ${k.def === '' ? '""' : String(k.def)})`;
}

function optionFor(k: KeySpec): Option {
  const arg = k.type === 'bool' ? '[bool]' : k.type === 'strings' ? '<values...>' : k.type === 'duration' ? '<duration>' : '<value>';
  const tag = k.effect === 'extension' ? ' [llmdbench]' : k.admin ? ' [run-time]' : '';
  return new Option(`--${k.key} ${arg}`, `${k.help}${defaultText(k)}${tag}`);
}

const AFTER = `
Keys are those of llm-d-inference-sim (same kebab-case names and defaults), as
flags or in the --config YAML file; precedence: flags > SIM_MODEL > --config >
--preset > defaults. Durations are Go strings ("100ms", "1.5s", "750us") or ms.
[run-time] keys can be changed with POST /admin/config; [llmdbench] keys are
our extensions. Keys marked "(accepted, no effect)" are accepted so a config
moves unchanged between this simulator and a llm-d-inference-sim pod.

Endpoints: POST /v1/completions, /v1/chat/completions, /tokenize, /detokenize;
GET /v1/models, /health, /health/ready, /metrics, /admin/trace?id=<id>;
GET/POST /admin/config. See docs/simulator.md.`;

export const command: CliCommand = {
  name: 'sim',
  register(program: Command): void {
    const cmd = new PlainCommand('sim')
      .description('Run the vLLM-compatible inference simulator (llm-d-inference-sim keys) on loopback')
      .option('--config <file>', 'YAML file with llm-d-inference-sim keys')
      .option('--preset <name>', `latency preset applied under --config: ${PRESET_NAMES.join(', ')}`)
      .option('--log-level <level>', 'debug | info | warn | error', 'info');
    for (const k of KEYS) {
      cmd.addOption(optionFor(k));
      if (k.negatable) cmd.addOption(new Option(`--no-${k.key}`, `sets ${k.key} to false`));
    }
    // klog's verbosity flag exists upstream (default 2); accepted so upstream command lines work.
    cmd.addOption(new Option('-v, --v <level>', "upstream's klog verbosity (accepted, no effect; see --log-level)"));
    cmd.addHelpText('after', AFTER);
    cmd.action(async (opts: Record<string, unknown>) => {
      const { serveSimulator } = await import('../../sim/run.ts');
      const log = createLogger(opts['logLevel'] as LogLevel);
      const overrides: Record<string, unknown> = {};
      for (const k of KEYS) {
        const v = opts[camel(k.key)];
        if (v !== undefined) overrides[k.key] = v === true && k.type === 'bool' ? true : v;
      }
      const server = await serveSimulator({ configFile: opts['config'] as string | undefined, preset: opts['preset'] as string | undefined, overrides }, log);
      process.stdout.write(`llmdbench sim listening on ${server.url}\n`);
      await new Promise<void>((resolve, reject) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // workers > 1: a shard died and the rest were stopped: the error ends the command.
        void server.failed.then((e) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          reject(e);
        });
      });
    });
    (program as unknown as PlainCommand).addCommand(cmd);
  },
};
