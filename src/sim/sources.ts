/**
 * A simulator's configuration from its sources (preset, YAML file, overrides): shared by run.ts
 * (which starts the server) and embedded.ts (which validates the sources in the parent before its
 * child gets them, so configuration errors are usage errors there). Apart from run.ts so the parent
 * checks a configuration without loading the server, its engine and the chat template renderer.
 */
import { LlmdbenchError } from '../util/errors.ts';
import { closest } from '../util/suggest.ts';
import { readConfigFileLines, resolveConfig, type SimConfig } from './config.ts';
import { PRESETS, PRESET_NAMES } from './presets.ts';
import type { SimSources } from './service.ts';

export function presetValues(name: string | undefined): Record<string, unknown> {
  if (name === undefined) return {};
  const p = PRESETS[name];
  if (!p) {
    const near = closest(name, PRESET_NAMES);
    throw new LlmdbenchError('E_SIM_PRESET', `unknown simulator preset "${name}"`, { hint: `${near ? `did you mean "${near}"? ` : ''}presets: ${PRESET_NAMES.join(', ')}` });
  }
  return { ...p };
}

export function buildSimConfig(src: SimSources): SimConfig {
  return buildWithKeys(src).config;
}

/** The config, and the keys the user set explicitly (file and overrides, not the preset). */
export function buildWithKeys(src: SimSources): { config: SimConfig; explicit: string[] } {
  const fromFile = src.configFile ? readConfigFileLines(src.configFile) : undefined;
  const file = { ...presetValues(src.preset), ...(fromFile?.values ?? {}) };
  const origin = src.configFile && fromFile ? { file: src.configFile, lines: fromFile.lines } : undefined;
  const config = resolveConfig({ file, overrides: src.overrides, ...(origin ? { origin } : {}) });
  return { config, explicit: Object.keys({ ...(fromFile?.values ?? {}), ...(src.overrides ?? {}) }) };
}
