/**
 * SHELL-era experiment files (upstream run.sh / e2e.sh):
 *   setup: {factors: [ENV...], levels: {...}, treatments: ["v1,v2", ...] | {name: "v1,v2"}, constants: [...]}
 *   run:   {factors: [profile_key...], levels: {...}, treatments: [...] | {...}, constants: ["key: value" | {key: value}]}
 * `levels` is documentation only (upstream never reads it).
 */
import { isMap, isSeq } from 'yaml';
import type { Pair } from 'yaml';
import { makeOverride, typeValue } from '../profiles/overrides/index.ts';
import type { Override } from '../profiles/overrides/index.ts';
import { describe, getPair, keyText, mapPairs, scalarText } from './context.ts';
import type { ExperimentContext } from './context.ts';
import { listTreatmentName, sanitizeName, splitTreatmentValues } from './naming.ts';
import type { RunTreatment, SetupTreatment } from './types.ts';

const SECTION_KEYS = ['factors', 'levels', 'treatments', 'constants'];

interface RawTreatment {
  name: string;
  label: string;
  values: string[];
  line?: number;
}

/** Parse one section's factors and treatments (shared by run and setup). */
function parseSection(ctx: ExperimentContext, section: unknown, which: 'run' | 'setup'): { factors: string[]; treatments: RawTreatment[] } {
  const factors: string[] = [];
  const treatments: RawTreatment[] = [];
  if (section === null || section === undefined) return { factors, treatments };
  if (!isMap(section)) {
    ctx.error(section, which, `"${which}" must be a map with factors and treatments, found ${describe(section)}`);
    return { factors, treatments };
  }
  for (const p of mapPairs(section)) {
    if (!SECTION_KEYS.includes(keyText(p))) ctx.warn(p.key, `unknown key "${which}.${keyText(p)}" ignored (known: ${SECTION_KEYS.join(', ')})`);
  }
  const fPair = getPair(section, 'factors');
  if (fPair && isSeq(fPair.value)) {
    fPair.value.items.forEach((it, i) => {
      const t = scalarText(it);
      if (t === undefined || t.trim() === '') ctx.error(it, `${which}.factors[${i}]`, `factor ${i + 1} must be a key name, found ${describe(it)}`);
      else factors.push(t.trim());
    });
  } else if (fPair) {
    ctx.error(fPair.value, `${which}.factors`, `"${which}.factors" must be a list of names, found ${describe(fPair.value)}`);
  }
  const tPair = getPair(section, 'treatments');
  if (!tPair) return { factors, treatments };
  const tNode = tPair.value;
  const items: { name: string; label: string; node: unknown; keyPath: string }[] = [];
  if (isSeq(tNode)) {
    tNode.items.forEach((it, i) => {
      const t = scalarText(it) ?? '';
      items.push({ name: listTreatmentName(which, t), label: t, node: it, keyPath: `${which}.treatments[${i}]` });
    });
  } else if (isMap(tNode)) {
    for (const p of tNode.items as Pair[]) {
      items.push({ name: sanitizeName(keyText(p)), label: keyText(p), node: p.value ?? p.key, keyPath: `${which}.treatments.${keyText(p)}` });
    }
  } else {
    ctx.error(tNode ?? tPair.key, `${which}.treatments`, `"${which}.treatments" must be a list of "v1,v2" strings or a map name: "v1,v2", found ${describe(tNode)}`);
    return { factors, treatments };
  }
  if (items.length === 0) ctx.error(tNode, `${which}.treatments`, `"${which}.treatments" is empty`);
  if (items.length > 0 && factors.length === 0) {
    ctx.error(fPair?.value ?? tPair.key, `${which}.factors`, `"${which}" has treatments but no "factors" list naming what each value sets`);
    return { factors, treatments };
  }
  for (const it of items) {
    const text = scalarText(it.node);
    if (text === undefined) {
      ctx.error(it.node, it.keyPath, `treatment "${it.label}" must be a string of comma-separated values, found ${describe(it.node)}`);
      continue;
    }
    const values = splitTreatmentValues(text);
    if (values.length !== factors.length) {
      ctx.error(it.node, it.keyPath, `treatment "${text}" has ${values.length} value(s) but there are ${factors.length} factor(s) (${factors.join(', ')})`);
      continue;
    }
    treatments.push({ name: it.name, label: it.label, values, line: ctx.lineOf(it.node) });
  }
  return { factors, treatments };
}

/** `constants: ["key: value", {key: value}]` or a map; values typed as YAML scalars. */
function parseConstants(ctx: ExperimentContext, section: unknown, which: 'run' | 'setup'): { key: string; value: unknown; line?: number }[] {
  const out: { key: string; value: unknown; line?: number }[] = [];
  const cPair = getPair(section, 'constants');
  if (!cPair || cPair.value === null) return out;
  const node = cPair.value;
  const fromMap = (m: unknown): void => {
    for (const p of mapPairs(m)) out.push({ key: keyText(p), value: (p.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null, line: ctx.lineOf(p.key) });
  };
  if (isMap(node)) fromMap(node);
  else if (isSeq(node)) {
    node.items.forEach((it, i) => {
      if (isMap(it)) return fromMap(it);
      const t = scalarText(it);
      const colon = t?.indexOf(':') ?? -1;
      if (t === undefined || colon <= 0) {
        ctx.error(it, `${which}.constants[${i}]`, `constant ${i + 1} must be "key: value" or {key: value}, found ${describe(it)}`);
        return;
      }
      out.push({ key: t.slice(0, colon).trim(), value: typeValue(t.slice(colon + 1)).value, line: ctx.lineOf(it) });
    });
  } else {
    ctx.error(node, `${which}.constants`, `"${which}.constants" must be a list or a map, found ${describe(node)}`);
  }
  return out;
}

function toOverride(ctx: ExperimentContext, key: string, value: unknown, source: string, line: number | undefined): Override | undefined {
  try {
    return makeOverride(key, value, source);
  } catch (e) {
    ctx.errors.push({ message: (e as Error).message, line });
    return undefined;
  }
}

export function parseShellRun(ctx: ExperimentContext, run: unknown): RunTreatment[] {
  const { factors, treatments } = parseSection(ctx, run, 'run');
  const constants = parseConstants(ctx, run, 'run');
  const skipped = new Set<string>();
  const out = treatments.map((t): RunTreatment => {
    const source = `experiment ${ctx.file}${t.line === undefined ? '' : `:${t.line}`}, treatment ${t.name}`;
    const assignments: Override[] = [];
    for (const c of constants) {
      const o = toOverride(ctx, c.key, c.value, `experiment ${ctx.file}${c.line === undefined ? '' : `:${c.line}`}, run.constants (treatment ${t.name})`, c.line);
      if (o) assignments.push(o);
    }
    t.values.forEach((v, j) => {
      const factor = factors[j] as string;
      // NA: "this factor does not apply to this treatment" — leave the profile's value.
      if (v === 'NA') return void skipped.add(`${t.name}: ${factor}`);
      const o = toOverride(ctx, factor, typeValue(v).value, source, t.line);
      if (o) assignments.push(o);
    });
    return { name: t.name, label: t.label, assignments, line: t.line };
  });
  if (skipped.size > 0) ctx.notes.push(`${ctx.file}: NA values leave the profile unchanged: ${[...skipped].join('; ')}`);
  const overlap = constants.filter((c) => factors.includes(c.key)).map((c) => c.key);
  if (overlap.length > 0) ctx.warn(getPair(run, 'constants')?.key, `run.constants also set factor(s) ${overlap.join(', ')}: the factor value wins`);
  return out;
}

export function parseShellSetup(ctx: ExperimentContext, setup: unknown): SetupTreatment[] {
  // Setup problems never stop `run`: report them as warnings.
  const before = ctx.errors.length;
  const { factors, treatments } = parseSection(ctx, setup, 'setup');
  const constants = parseConstants(ctx, setup, 'setup');
  for (const e of ctx.errors.splice(before)) ctx.warnings.push(`${ctx.file}${e.line === undefined ? '' : `:${e.line}`}: ${e.message}`);
  return treatments.map((t) => ({
    name: t.name,
    line: t.line,
    assignments: [
      ...constants.map((c) => ({ key: c.key, value: c.value })),
      ...t.values.map((v, j) => ({ key: factors[j] as string, value: v })),
    ],
  }));
}
