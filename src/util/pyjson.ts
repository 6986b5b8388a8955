/**
 * Python's text for numbers and JSON, for files that Python tools wrote and Python tools read
 * (vLLM's result JSON via `json.dump`, LMBenchmark's CSV via pandas): a float prints as
 * `repr(float)` (`4.0`, `1e-05`, `0.1`), an int as an int, and `json.dump`'s default
 * separators (`", "`, `": "`). Which numbers are ints is the caller's knowledge (by key).
 */

/** `repr(x)` of a Python float. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}

/**
 * `json.dumps(value)` with Python's spacing; a number under a key in `intKeys` (or inside an
 * array under such a key) prints as an int, every other number as a float.
 */
export function pyJson(value: unknown, intKeys: ReadonlySet<string>, key = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return intKeys.has(key) && Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyJson(v, intKeys, key)).join(', ')}]`;
  const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v, intKeys, k)}`);
  return `{${parts.join(', ')}}`;
}
