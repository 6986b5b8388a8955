/**
 * Treatment names as upstream builds them: runs of characters other than
 * letters and digits become a single `_`. SHELL list items get a `run_`
 * (or `setup_`) prefix before that: `"1,10"` → `run_1_10`, `"2048, 512"` →
 * `run_2048_512`; map keys and HEAD `name:` values are used as they are
 * (then sanitised): `qlen100-olen100` → `qlen100_olen100`.
 */
export function sanitizeName(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '_');
}

export function listTreatmentName(prefix: 'run' | 'setup', itemText: string): string {
  return sanitizeName(`${prefix}_${itemText}`);
}

/** Split a SHELL treatment string into factor values: trim, drop quotes, REPLACE_COMMA → `,`. */
export function splitTreatmentValues(s: string): string[] {
  return s.split(',').map((v) =>
    v
      .trim()
      .replace(/["']/g, '')
      .replaceAll('REPLACE_COMMA', ','),
  );
}
