import { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './types.ts';
import { addRunShOptions, runShOptionsToFlags } from '../run-options.ts';
import { resolveConfig } from '../../config/resolve.ts';
import { configForModel, methodsOf, modelsOf } from '../../config/per-model.ts';
import { isKnownVariable } from '../../config/variables.ts';
import { maskValue } from '../../config/secrets.ts';
import type { ConfigValue, ResolvedConfig } from '../../config/types.ts';

interface Row {
  name: string;
  value: string;
  source: string;
  secret: boolean;
  known: boolean;
}

function shown(v: ConfigValue): string {
  return v.secret ? maskValue(v.value) : v.value;
}

function rowsOf(cfg: ResolvedConfig, all: boolean): Row[] {
  return cfg
    .entries()
    .filter((e) => all || e.value !== '')
    .map((e) => ({ name: e.name, value: shown(e), source: e.source, secret: e.secret, known: isKnownVariable(e.name) }));
}

/** One aligned line per value: name, source, value (multi-line values JSON-quoted). */
function table(rows: readonly Row[]): string[] {
  const w = Math.max(0, ...rows.map((r) => r.name.length));
  return rows.map((r) => {
    const value = /[\n\r\t]/.test(r.value) ? JSON.stringify(r.value) : r.value === '' ? '(empty)' : r.value;
    return `${r.name.padEnd(w)}  ${r.source.padEnd(8)}  ${value}`;
  });
}

export function renderConfigText(cfg: ResolvedConfig, all: boolean, note?: string): string {
  const rows = rowsOf(cfg, all);
  const known = rows.filter((r) => r.known);
  const unknown = rows.filter((r) => !r.known);
  const lines = [`scenario: ${cfg.scenarioPath ?? '(none)'}`];
  if (note) lines.push(note);
  lines.push('', ...table(known));
  if (unknown.length > 0) {
    lines.push('', `unknown to llmdbench (kept and passed through): ${unknown.length}`, ...table(unknown));
  }
  lines.push('', 'sources: flag > scenario > env > default; derived = computed from other values');
  return `${lines.join('\n')}\n`;
}

export function renderConfigJson(cfg: ResolvedConfig, all: boolean, perModel?: { model: string; method: string }): string {
  const rows = rowsOf(cfg, all);
  return `${JSON.stringify(
    {
      scenario: cfg.scenarioPath ?? null,
      perModel: perModel ?? null,
      values: rows.filter((r) => r.known),
      unknown: rows.filter((r) => !r.known),
    },
    null,
    2,
  )}\n`;
}

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
    ).action(async (opts) => {
      const flags = runShOptionsToFlags(opts);
      const resolved = await resolveConfig({ flags, env: process.env, cwd: process.cwd() });
      if (opts.verbose && resolved.scenarioOutput) process.stderr.write(`scenario output:\n${resolved.scenarioOutput}`);
      const model = modelsOf(resolved)[0];
      const method = methodsOf(resolved)[0];
      const cfg = model && method ? configForModel(resolved, model, method) : resolved;
      const perModel = model && method ? { model, method } : undefined;
      const note = perModel ? `per-model values shown for ${perModel.model} (method ${perModel.method})` : undefined;
      process.stdout.write(opts.json ? renderConfigJson(cfg, opts.all === true, perModel) : renderConfigText(cfg, opts.all === true, note));
    });
    // addCommand does not inherit exitOverride & co. (only .command() does): copy them, so
    // commander's own usage errors reach main() instead of calling process.exit.
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd as unknown as Command);
  },
};
