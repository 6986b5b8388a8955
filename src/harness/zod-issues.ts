/**
 * Turns zod issues into ProfileIssues: key paths kept, messages written for
 * profile authors, unknown keys demoted to warnings (upstream harness versions
 * ignore them and some upstream profiles rely on that), union failures
 * resolved to the option the author most plausibly meant.
 */
import type { z } from 'zod';
import type { ProfileIssue } from './types.ts';
import { closestN } from '../util/suggest.ts';

export type Path = (string | number)[];
type ZIssue = z.core.$ZodIssue;

/** The value at `path` inside a parsed document (undefined when absent). */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** Short description of a value for messages: `"abc"`, `12`, `a list`, `a map`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;

/** Schemas reachable at `path` (several when unions are involved). */
function schemasAt(root: unknown, path: readonly PropertyKey[]): unknown[] {
  let cur: unknown[] = [root];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const s of cur.flatMap(unwrap)) {
      const d = defOf(s);
      if (!d) continue;
      if (d.type === 'object') {
        const shape = d.shape as Record<string, unknown>;
        if (typeof seg === 'string' && seg in shape) next.push(shape[seg]);
      } else if (d.type === 'array' && typeof seg === 'number') next.push(d.element);
      else if (d.type === 'record') next.push(d.valueType);
    }
    cur = next;
  }
  return cur.flatMap(unwrap);
}

function unwrap(s: unknown, depth = 0): unknown[] {
  const d = defOf(s);
  if (!d || depth > 20) return [];
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unwrap(d.innerType, depth + 1);
    case 'pipe':
      return unwrap(d.in, depth + 1);
    case 'lazy':
      return unwrap((d.getter as () => unknown)(), depth + 1);
    case 'union':
      return (d.options as unknown[]).flatMap((o) => unwrap(o, depth + 1));
    default:
      return [s];
  }
}

/** Known keys of the object schema(s) at `path` (for "did you mean" hints). */
export function knownKeysAt(root: unknown, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const d = defOf(s);
    if (d?.type === 'object') for (const k of Object.keys(d.shape as object)) keys.add(k);
  }
  return [...keys];
}

function unknownKeyIssue(root: unknown, doc: unknown, path: Path, key: string): ProfileIssue {
  const known = knownKeysAt(root, path);
  const near = closestN(key, known, 2);
  let hint = near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined;
  if (!hint) hint = misplacedHint(root, doc, path, key);
  const issue: ProfileIssue = { severity: 'warning', path: [...path, key], message: `unknown key "${key}" (ignored)` };
  return hint ? { ...issue, hint } : issue;
}

/** A key that belongs to an empty sibling (mis-indented block) or to an ancestor (too deep). */
function misplacedHint(root: unknown, doc: unknown, path: Path, key: string): string | undefined {
  const here = valueAt(doc, path);
  if (here !== null && typeof here === 'object') {
    for (const [sib, v] of Object.entries(here as Record<string, unknown>)) {
      if ((v === null || v === undefined) && knownKeysAt(root, [...path, sib]).includes(key)) {
        return `"${sib}" is empty and takes "${key}": indent it under "${sib}"?`;
      }
    }
  }
  for (let n = path.length - 1; n >= 0; n--) {
    if (knownKeysAt(root, path.slice(0, n)).includes(key)) {
      const where = n === 0 ? 'the top level' : `"${path.slice(0, n).join('.')}"`;
      return `"${key}" belongs at ${where}: is it indented too deep?`;
    }
  }
  return undefined;
}

function fmtBound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, small: boolean): string {
  const b = small ? issue.minimum : issue.maximum;
  return `${small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<'} ${String(b)}`;
}

/**
 * Convert zod issues (from parsing `doc` with `schema`) to ProfileIssues.
 * `base` prefixes every path (used when a sub-document was validated).
 */
export function zodToIssues(issues: readonly ZIssue[], doc: unknown, schema: unknown, base: Path = []): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  for (const issue of issues) out.push(...convert(issue, doc, schema, base));
  return out;
}

function convert(issue: ZIssue, doc: unknown, schema: unknown, base: Path): ProfileIssue[] {
  const path: Path = [...base, ...(issue.path as Path)];
  const value = valueAt(doc, path);
  const err = (message: string, hint?: string): ProfileIssue[] => [{ severity: 'error', path, message, hint }];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => unknownKeyIssue(schema, doc, path, k));
    case 'invalid_type':
      if (value === undefined) return err(`required field is missing (expected ${issue.expected})`);
      return err(
        `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${describeValue(value)}`,
        issue.expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)
          ? 'write true or false (YAML 1.2 reads yes/no/on/off as text)'
          : issue.expected === 'number' && typeof value === 'string' && /^\s*-?\d+(\.\d*)?\s*$/.test(value)
            ? 'remove the quotes: a quoted number is text'
            : undefined,
      );
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const near = typeof value === 'string' ? closestN(value, issue.values.map(String), 1) : [];
      return err(
        `${describeValue(value)} is not allowed; expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}`,
        near.length > 0 ? `did you mean "${near[0]}"?` : undefined,
      );
    }
    case 'too_small':
      if (issue.origin === 'array') return err(`needs at least ${String(issue.minimum)} item(s)`);
      if (issue.origin === 'string') return err('must not be empty');
      return err(`must be ${fmtBound(issue, true)} (got ${describeValue(value)})`);
    case 'too_big':
      if (issue.origin === 'array') return err(`allows at most ${String(issue.maximum)} item(s)`);
      return err(`must be ${fmtBound(issue, false)} (got ${describeValue(value)})`);
    case 'invalid_union':
      return convertUnion(issue, doc, schema, path, value);
    default:
      return err(issue.message);
  }
}

function convertUnion(
  issue: Extract<ZIssue, { code: 'invalid_union' }>,
  doc: unknown,
  schema: unknown,
  path: Path,
  value: unknown,
): ProfileIssue[] {
  const disc = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
  if (issue.errors.length === 0) {
    const opts = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
    return [{ severity: 'error', path, message: `${describeValue(value)} is not allowed${disc ? ` for "${disc}"` : ''}; expected one of ${opts.join(', ')}` }];
  }
  // An option that failed only on unknown keys matched: keep its warnings.
  const onlyUnknown = issue.errors.find((errs) => errs.every((e) => e.code === 'unrecognized_keys'));
  if (onlyUnknown) return zodToIssues(onlyUnknown, doc, schema, path);
  // Options rejecting the value's basic type at this very position were not meant.
  // (An enum/literal option cannot have been meant for a map or a list.)
  const structured = value !== null && typeof value === 'object';
  const plausible = issue.errors.filter(
    (errs) =>
      !errs.some(
        (e) =>
          e.path.length === 0 &&
          (e.code === 'invalid_type' || (e.code === 'invalid_union' && e.errors.length === 0) || (e.code === 'invalid_value' && structured)),
      ),
  );
  if (plausible.length === 1 && plausible[0]) return zodToIssues(plausible[0], doc, schema, path);
  const expected = [
    ...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.path.length === 0 && e.code === 'invalid_type').map((e) => (e as { expected: string }).expected))),
  ];
  if (plausible.length > 1) {
    const best = [...plausible].sort((a, b) => a.length - b.length)[0] ?? [];
    return zodToIssues(best, doc, schema, path);
  }
  return [
    {
      severity: 'error',
      path,
      message: `expected ${expected.length > 0 ? expected.join(' or ') : 'a different value'}, got ${describeValue(value)}`,
    },
  ];
}
