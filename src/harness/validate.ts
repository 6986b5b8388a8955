/**
 * Profile validation entry points: parse the rendered YAML, run the harness
 * plugin's validation, and give every issue a file line and column.
 */
import { LineCounter, parseDocument } from 'yaml';
import { LlmdbenchError } from '../util/errors.ts';
import { harnesses } from './registry.ts';
import type { ProfileIssue } from './types.ts';
import { formatPath, locatePath } from './yaml-locate.ts';

export type LocatedIssue = ProfileIssue & { line?: number; column?: number };

export interface ProfileValidation {
  doc: unknown;
  issues: LocatedIssue[];
  /** The format variant detected (guidellm: "v0.7 scenario" / "legacy flat"), when the harness has several. */
  dialect?: string;
}

/**
 * Parse `text` (a rendered profile) and validate it for `harness`, whose plugin the caller
 * loaded (`harnesses.load`, or `loadPlanHarness` in src/plan/build.ts).
 * YAML syntax errors throw E_PROFILE_YAML with file:line:col; an unknown
 * harness throws E_UNKNOWN_KIND. Validation problems are returned, not thrown.
 */
export function validateProfileText(harness: string, text: string, file: string): ProfileValidation {
  const plugin = harnesses.loaded(harness);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const at = (pos: number) => lineCounter.linePos(pos);
    const details = doc.errors.map((e) => {
      const p = at(e.pos[0]);
      return `${file}:${p.line}:${p.col}: ${e.message.split('\n')[0] ?? e.message}`;
    });
    const first = doc.errors[0] ? at(doc.errors[0].pos[0]) : undefined;
    throw new LlmdbenchError('E_PROFILE_YAML', `${file} is not valid YAML`, {
      location: { file, line: first?.line, column: first?.col },
      details,
      hint: 'fix the YAML syntax at the line shown (indentation, a missing ":" or an unclosed quote are the usual causes)',
    });
  }
  const js: unknown = doc.toJS({ maxAliasCount: 1000 });
  const raw = plugin.validate(js);
  const issues: LocatedIssue[] = raw.map((i) => {
    const pos = locatePath(doc, lineCounter, i.path);
    return pos ? { ...i, line: pos.line, column: pos.column } : { ...i };
  });
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const dialect = plugin.dialect?.(js);
  return dialect === undefined ? { doc: js, issues } : { doc: js, issues, dialect };
}

/**
 * `file:line (at key.path): message (hint)`. The severity is not included:
 * callers prefix `warning: ` / list errors under an E_PROFILE_INVALID.
 */
export function formatIssue(issue: LocatedIssue, file: string): string {
  let where = file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  where += ` (at ${formatPath(issue.path)})`;
  return `${where}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
}

/**
 * Throw one E_PROFILE_INVALID listing every error of `result` (one detail line
 * each); otherwise return the warnings.
 */
export function throwOnProfileErrors(result: ProfileValidation, harness: string, file: string): LocatedIssue[] {
  const errors = result.issues.filter((i) => i.severity === 'error');
  const warnings = result.issues.filter((i) => i.severity === 'warning');
  if (errors.length === 0) return warnings;
  const first = errors[0];
  const dialect = result.dialect ? ` (${result.dialect})` : '';
  throw new LlmdbenchError(
    'E_PROFILE_INVALID',
    `${harness} profile${dialect} has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    {
      location: { file, line: first?.line, column: first?.column, keyPath: first ? formatPath(first.path) : undefined },
      // Warnings too, so one pass shows everything to fix.
      details: [...errors.map((e) => formatIssue(e, file)), ...warnings.map((w) => `warning: ${formatIssue(w, file)}`)],
      hint: 'fix the fields listed (a -o override or treatment may have set them); accepted fields and rules per harness: docs/profile-formats.md',
    },
  );
}

/** Parse and validate; throw E_PROFILE_YAML / E_PROFILE_INVALID, else return the warnings. */
export function assertValidProfile(harness: string, text: string, file: string): LocatedIssue[] {
  return throwOnProfileErrors(validateProfileText(harness, text, file), harness, file);
}
