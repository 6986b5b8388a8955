/** The text written for an overridden scalar, readable the same by YAML 1.2 and 1.1 parsers. */
import { isScalar, parseDocument, stringify } from 'yaml';
import type { Scalar } from 'yaml';
import type { Override } from './types.ts';

/** Scalar text: keep the user's own text when it round-trips, quote strings only when needed. */
export function scalarText(ov: Override, old: Scalar | undefined): string | undefined {
  const v = ov.value;
  if (v !== null && typeof v === 'object') return undefined;
  if (typeof v === 'string') {
    if (old?.type === 'QUOTE_DOUBLE') return JSON.stringify(v);
    if (old?.type === 'QUOTE_SINGLE') return `'${v.replaceAll("'", "''")}'`;
    if (ov.text !== undefined && (ov.text.startsWith('"') || ov.text.startsWith("'"))) return ov.text;
    return plainSafe(v) ? v : JSON.stringify(v);
  }
  if (ov.text !== undefined && readsSameIn11(ov.text, v)) return ov.text;
  return stringify(v).trim();
}

/** `0.10` stays `0.10`, but `0o17` (an int in YAML 1.2, a string in 1.1) is rewritten. */
function readsSameIn11(text: string, v: unknown): boolean {
  const d = parseDocument(text, { version: '1.1' });
  return d.errors.length === 0 && isScalar(d.contents) && d.contents.value === v;
}

/** A string that reads back as the same string under YAML 1.2 and 1.1 (Python harnesses read 1.1). */
export function plainSafe(s: string): boolean {
  if (s === '' || s !== s.trim() || /[\n\r]/.test(s)) return false;
  for (const version of ['1.2', '1.1'] as const) {
    const d = parseDocument(s, { version });
    if (d.errors.length > 0 || !isScalar(d.contents) || d.contents.value !== s) return false;
  }
  return true;
}

