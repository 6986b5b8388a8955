/**
 * HEAD-era experiment files (llmdbenchmark, Python):
 *   treatments: [{name, profile?, <dotted.key>: value, ...}]
 *   constants: {<dotted.key>: value}            # merged into every treatment
 *   setup: {constants?: {...}, treatments: [{name, <key>: value}]}   # standup only
 * plus informational `experiment:` / `design:` blocks and HEAD run options
 * (`reset_caches`, `treatment_max_attempts`, ...) that llmdbench does not implement.
 */
import { isMap, isSeq } from 'yaml';
import type { Pair } from 'yaml';
import { makeOverride } from '../profiles/overrides/index.ts';
import type { Override } from '../profiles/overrides/index.ts';
import { describe, getPair, keyText, mapPairs, scalarText } from './context.ts';
import type { ExperimentContext } from './context.ts';
import { sanitizeName } from './naming.ts';
import type { RunTreatment, SetupTreatment } from './types.ts';

/** HEAD run options we do not implement: accepted, reported as a warning. */
const UNSUPPORTED = ['reset_caches', 'treatment_max_attempts', 'treatment_stop_on_error', 'validate_failures'];
/** Documentation-only blocks. */
const INFORMATIONAL = ['experiment', 'design'];
export const HEAD_TOP_LEVEL = ['treatments', 'constants', 'setup', ...INFORMATIONAL, ...UNSUPPORTED];

function jsOf(node: unknown): unknown {
  return (node as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
}

function assignmentsOf(ctx: ExperimentContext, pairs: Pair[], source: string, keyPrefix: string): Override[] {
  const out: Override[] = [];
  for (const p of pairs) {
    const key = keyText(p);
    try {
      // HEAD semantics: a missing leaf under an existing map is added (reported as added).
      out.push(makeOverride(key, jsOf(p.value), source, { addMissingLeaf: true }));
    } catch (e) {
      ctx.error(p.key, `${keyPrefix}.${key}`, (e as Error).message);
    }
  }
  return out;
}

export function parseHeadRun(ctx: ExperimentContext, root: unknown): RunTreatment[] {
  for (const key of UNSUPPORTED) {
    const p = getPair(root, key);
    if (p) ctx.warn(p.key, `"${key}" is a HEAD run option that llmdbench does not implement; ignored`);
  }
  const cPair = getPair(root, 'constants');
  let constants: Pair[] = [];
  if (cPair && isMap(cPair.value)) constants = cPair.value.items as Pair[];
  else if (cPair && cPair.value !== null) ctx.error(cPair.value, 'constants', `"constants" must be a map of key: value, found ${describe(cPair.value)}`);
  const tPair = getPair(root, 'treatments');
  if (!tPair) return [];
  if (!isSeq(tPair.value)) {
    ctx.error(tPair.value ?? tPair.key, 'treatments', `"treatments" must be a list of {name, ...} maps, found ${describe(tPair.value)}`);
    return [];
  }
  if (tPair.value.items.length === 0) ctx.error(tPair.value, 'treatments', '"treatments" is empty');
  const out: RunTreatment[] = [];
  tPair.value.items.forEach((item, i) => {
    const at = `treatments[${i}]`;
    if (!isMap(item)) return ctx.error(item, at, `treatment ${i + 1} must be a map with a name, found ${describe(item)}`);
    const nameNode = getPair(item, 'name')?.value;
    const label = scalarText(nameNode);
    if (label === undefined || label.trim() === '') return ctx.error(item, `${at}.name`, `treatment ${i + 1} has no "name"`);
    const name = sanitizeName(label.trim());
    const line = ctx.lineOf(item);
    const profileNode = getPair(item, 'profile')?.value;
    let profile: string | undefined;
    if (profileNode !== undefined) {
      profile = scalarText(profileNode);
      if (profile === undefined || profile === '') ctx.error(profileNode, `${at}.profile`, `"profile" of treatment ${label} must be a profile name`);
    }
    const own = mapPairs(item).filter((p) => !['name', 'profile'].includes(keyText(p)));
    if (own.length === 0) ctx.warn(item, `treatment "${label}" sets nothing (same as the plain profile)`);
    const source = `experiment ${ctx.file}${line === undefined ? '' : `:${line}`}, treatment ${name}`;
    const assignments = [
      ...assignmentsOf(ctx, constants, `experiment ${ctx.file}, constants (treatment ${name})`, 'constants'),
      ...assignmentsOf(ctx, own, source, at),
    ];
    out.push({ name, label: label.trim(), ...(profile ? { profile } : {}), assignments, line });
  });
  return out;
}

export function parseHeadSetup(ctx: ExperimentContext, setup: unknown): SetupTreatment[] {
  if (setup === null || setup === undefined) return [];
  if (!isMap(setup)) {
    ctx.warn(setup, `"setup" should be a map with treatments, found ${describe(setup)}`);
    return [];
  }
  const constants = mapPairs(getPair(setup, 'constants')?.value).map((p) => ({ key: keyText(p), value: jsOf(p.value) }));
  const list = getPair(setup, 'treatments')?.value;
  if (!isSeq(list)) return [];
  return list.items.flatMap((item, i): SetupTreatment[] => {
    const label = scalarText(getPair(item, 'name')?.value);
    if (!isMap(item) || label === undefined) {
      ctx.warn(item, `setup.treatments[${i}] has no name; ignored`);
      return [];
    }
    const own = mapPairs(item)
      .filter((p) => keyText(p) !== 'name')
      .map((p) => ({ key: keyText(p), value: jsOf(p.value) }));
    return [{ name: sanitizeName(label), assignments: [...constants, ...own], line: ctx.lineOf(item) }];
  });
}
