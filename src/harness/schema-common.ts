/** Building blocks shared by the harness schemas, and the run-a-schema helper. */
import { z } from 'zod';
import type { ProfileIssue } from './types.ts';
import { zodToIssues, type Path } from './zod-issues.ts';

export const posInt = z.number().int().positive();
export const nonNegInt = z.number().int().nonnegative();
export const posNum = z.number().positive();
export const nonNegNum = z.number().nonnegative();

export type Rec = Record<string, unknown>;

export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Set and not explicitly null. */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

export const error = (path: Path, message: string, hint?: string): ProfileIssue =>
  hint === undefined ? { severity: 'error', path, message } : { severity: 'error', path, message, hint };
export const warning = (path: Path, message: string, hint?: string): ProfileIssue =>
  hint === undefined ? { severity: 'warning', path, message } : { severity: 'warning', path, message, hint };

/**
 * Validate `doc` against `schema` (type/required/enum errors, unknown-key
 * warnings) and then `rules` (cross-field checks on the raw document, which
 * run even when the schema failed elsewhere, so every problem is reported).
 */
export function runSchema(schema: z.ZodType, doc: unknown, rules?: (doc: Rec) => ProfileIssue[]): ProfileIssue[] {
  if (doc === null || doc === undefined) return [error([], 'the profile is empty')];
  if (!isRec(doc)) return [error([], `the profile must be a map of "key: value" lines, got ${Array.isArray(doc) ? 'a list' : typeof doc}`)];
  const res = schema.safeParse(doc);
  const issues = res.success ? [] : zodToIssues(res.error.issues, doc, schema);
  if (rules) issues.push(...rules(doc));
  return dedupe(issues);
}

function dedupe(issues: ProfileIssue[]): ProfileIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.severity}|${JSON.stringify(i.path)}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
