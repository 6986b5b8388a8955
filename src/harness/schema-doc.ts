/**
 * Field tables generated from the harness zod schemas (docs/profile-formats.md
 * is checked against them by a test, so the docs stay true).
 */
import { z } from 'zod';
import type { HarnessKind } from './types.ts';
import { inferencePerfSchema } from './inference-perf/schema.ts';
import { guidellmScenarioSchema } from './guidellm/schema-scenario.ts';
import { guidellmLegacySchema } from './guidellm/schema-legacy.ts';
import { vllmBenchSchema } from './vllm-benchmark/schema.ts';
import { inferencemaxSchema } from './inferencemax/schema.ts';
import { fmperfSchema } from './fmperf/schema.ts';
import { nopSchema } from './nop/schema.ts';

/** Every native format we accept, per harness (guidellm has two dialects). */
export const harnessSchemas: Record<HarnessKind, Record<string, z.ZodType>> = {
  'inference-perf': { config: inferencePerfSchema },
  guidellm: { 'v0.7 scenario': guidellmScenarioSchema, 'legacy flat form': guidellmLegacySchema },
  'vllm-benchmark': { options: vllmBenchSchema },
  inferencemax: { options: inferencemaxSchema },
  fmperf: { workload: fmperfSchema },
  nop: { profile: nopSchema },
};

export interface FieldRow {
  /** `load.stages[].rate` */
  path: string;
  type: string;
  required: boolean;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

function leafType(s: z.ZodType): string {
  let js: Record<string, unknown>;
  try {
    js = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return 'any';
  }
  if (typeof js.description === 'string') return js.description;
  if (Array.isArray(js.enum)) return js.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (js.const !== undefined) return JSON.stringify(js.const);
  const t = typeof js.type === 'string' ? js.type : 'any';
  const bounds: string[] = [];
  if (js.exclusiveMinimum !== undefined) bounds.push(`> ${String(js.exclusiveMinimum)}`);
  if (js.minimum !== undefined && !(t === 'integer' && js.minimum === -9007199254740991)) bounds.push(`≥ ${String(js.minimum)}`);
  if (js.exclusiveMaximum !== undefined) bounds.push(`< ${String(js.exclusiveMaximum)}`);
  if (js.maximum !== undefined && !(t === 'integer' && js.maximum === 9007199254740991)) bounds.push(`≤ ${String(js.maximum)}`);
  return bounds.length > 0 ? `${t} ${bounds.join(', ')}` : t;
}

function walk(s: z.ZodType, path: string, required: boolean, rows: FieldRow[]): string {
  const d = defOf(s);
  switch (d.type) {
    case 'optional':
      return walk(d.innerType as z.ZodType, path, false, rows);
    case 'nullable':
      return `${walk(d.innerType as z.ZodType, path, required, rows)} \\| null`;
    case 'default':
      return walk(d.innerType as z.ZodType, path, false, rows);
    case 'pipe': {
      const inner = defOf(d.in).type === 'transform' ? d.out : d.in;
      return walk(inner as z.ZodType, path, required, rows);
    }
    case 'object': {
      const shape = d.shape as Record<string, z.ZodType>;
      for (const [k, v] of Object.entries(shape)) {
        const p = path ? `${path}.${k}` : k;
        const sub: FieldRow[] = [];
        const t = walk(v, p, !isOptional(v), sub);
        rows.push({ path: p, type: t, required: !isOptional(v) }, ...sub);
      }
      return 'map';
    }
    case 'array': {
      const el = d.element as z.ZodType;
      return `list of ${walk(el, `${path}[]`, true, rows)}`;
    }
    case 'union':
      return [...new Set((d.options as z.ZodType[]).map((o) => walk(o, path, required, rows)))].join(' \\| ');
    case 'record':
      return 'map';
    default:
      return leafType(s);
  }
}

function isOptional(s: z.ZodType): boolean {
  const t = defOf(s).type;
  if (t === 'optional' || t === 'default') return true;
  if (t === 'nullable') return isOptional(defOf(s).innerType as z.ZodType);
  return false;
}

/** One row per field (nested fields as dotted paths, list items as `[]`), in schema order. */
export function schemaFields(schema: z.ZodType): FieldRow[] {
  const rows: FieldRow[] = [];
  walk(schema, '', true, rows);
  // A union of objects walks the same nested path once per option: keep the first.
  const seen = new Set<string>();
  const unique = rows.filter((r) => (seen.has(r.path) ? false : (seen.add(r.path), true)));
  // guidellm accepts `a-b` for every `a_b`: list the underscore spelling only.
  return unique.filter((r) => !(r.path.includes('-') && r.path.replace(/-/g, '_') !== r.path && seen.has(r.path.replace(/-/g, '_'))));
}

/** A markdown table of the fields of `schema`. */
export function fieldsTable(schema: z.ZodType): string {
  const out = ['| field | type | required |', '|---|---|---|'];
  for (const r of schemaFields(schema)) out.push(`| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} |`);
  return out.join('\n');
}

/** The generated part of docs/profile-formats.md: one field table per harness format. */
export function profileFormatTables(): string {
  const parts: string[] = [];
  for (const [kind, formats] of Object.entries(harnessSchemas)) {
    for (const [name, schema] of Object.entries(formats)) {
      parts.push(`### ${kind}: ${name}\n\n${fieldsTable(schema)}\n`);
    }
  }
  return parts.join('\n');
}
