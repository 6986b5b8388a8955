/** The `config` command's action (imported by config.ts only when it runs, so `--help` loads none of it). */
import { runShOptionsToFlags, type RunShOptionValues } from '../run-options.ts';
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

/** The `config` command's action (loaded only when the command runs, so `--help` stays fast). */
export async function configAction(opts: RunShOptionValues & { json?: boolean; all?: boolean }): Promise<void> {
  const flags = runShOptionsToFlags(opts);
  const resolved = await resolveConfig({ flags, env: process.env, cwd: process.cwd() });
  if (opts.verbose && resolved.scenarioOutput) process.stderr.write(`scenario output:\n${resolved.scenarioOutput}`);
  const model = modelsOf(resolved)[0];
  const method = methodsOf(resolved)[0];
  const cfg = model && method ? configForModel(resolved, model, method) : resolved;
  const perModel = model && method ? { model, method } : undefined;
  const note = perModel ? `per-model values shown for ${perModel.model} (method ${perModel.method})` : undefined;
  process.stdout.write(opts.json ? renderConfigJson(cfg, opts.all === true, perModel) : renderConfigText(cfg, opts.all === true, note));
}
