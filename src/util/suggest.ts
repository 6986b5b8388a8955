/** Levenshtein distance (small strings: flags, keys, variable names). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[n] ?? 0;
}

/** The candidates nearest to `word`, best first, within a distance that still looks like a typo. */
export function closestN(word: string, candidates: readonly string[], n = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 2));
  return candidates
    .map((c) => ({ c, d: startsASegment(w, c.toLowerCase()) ? 1 : editDistance(w, c.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((x) => x.c);
}

/** `rate` is near `request_rate` and `rate_limit`, but `min` is not near `streaming`. */
function startsASegment(word: string, candidate: string): boolean {
  if (word.length < 3) return false;
  return candidate.split(/[^a-z0-9]+/).some((seg) => seg.startsWith(word));
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestN(word, candidates, 1)[0];
}
