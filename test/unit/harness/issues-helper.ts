/** Test helpers: validate a profile text and pick issues by path. */
import assert from 'node:assert/strict';
import { validateProfileText, type LocatedIssue, type ProfileValidation } from '../../../src/harness/validate.ts';
import { harnesses } from '../../../src/harness/registry.ts';

// Harness plugins load on demand (src/harness/registry.ts); this file validates synchronously.
await harnesses.loadAll();

export const lines = (...l: string[]): string => `${l.join('\n')}\n`;

export function check(harness: string, text: string): ProfileValidation & { errors: LocatedIssue[]; warnings: LocatedIssue[] } {
  const r = validateProfileText(harness, text, 'p.yaml');
  return { ...r, errors: r.issues.filter((i) => i.severity === 'error'), warnings: r.issues.filter((i) => i.severity === 'warning') };
}

/** The single issue of `severity` at dotted `path` (numbers as segments); fails with the full list otherwise. */
export function issueAt(issues: LocatedIssue[], path: string, severity: 'error' | 'warning' = 'error'): LocatedIssue {
  const found = issues.filter((i) => i.severity === severity && i.path.join('.') === path);
  assert.equal(found.length, 1, `expected one ${severity} at ${path}, got:\n${issues.map((i) => `${i.severity} ${i.path.join('.')}:${i.line} ${i.message}`).join('\n')}`);
  return found[0] as LocatedIssue;
}

export function assertClean(r: { issues: LocatedIssue[] }): void {
  assert.deepEqual(r.issues.map((i) => `${i.severity} ${i.path.join('.')}: ${i.message}`), []);
}
