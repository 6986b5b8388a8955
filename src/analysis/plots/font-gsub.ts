/**
 * The glyphs an OpenType GSUB table can put in place of a set of glyphs, for font-subset.ts: when
 * a subset keeps 'f' and 'i', the shaper still turns "fi" into the ligature glyph, so that glyph's
 * outline must stay too. Over-approximates where that is simpler and still safe: every lookup is
 * applied to the whole set (contextual lookups 5/6 only call other lookups, which are walked
 * anyway), until nothing new is added.
 */

/** Glyph ids of a Coverage table, in coverage-index order. */
function coverage(t: Buffer, off: number): number[] {
  const format = t.readUInt16BE(off);
  const count = t.readUInt16BE(off + 2);
  const out: number[] = [];
  if (format === 1) {
    for (let i = 0; i < count; i++) out.push(t.readUInt16BE(off + 4 + 2 * i));
  } else if (format === 2) {
    for (let i = 0; i < count; i++) {
      const r = off + 4 + 6 * i;
      const start = t.readUInt16BE(r);
      const end = t.readUInt16BE(r + 2);
      const first = t.readUInt16BE(r + 4);
      for (let g = start; g <= end; g++) out[first + g - start] = g;
    }
  }
  return out;
}

function ids(t: Buffer, off: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(t.readUInt16BE(off + 2 * i));
  return out;
}

/** Add to `out` what one substitution subtable (type 1–4 or 8) can produce from glyphs in `keep`. */
function subtable(t: Buffer, type: number, st: number, keep: Set<number>, out: number[]): void {
  const format = t.readUInt16BE(st);
  const cov = coverage(t, st + t.readUInt16BE(st + 2));
  const covered = (i: number): boolean => cov[i] !== undefined && keep.has(cov[i]!);
  if (type === 1 && format === 1) {
    const delta = t.readInt16BE(st + 4);
    for (let i = 0; i < cov.length; i++) if (covered(i)) out.push((cov[i]! + delta) & 0xffff);
  } else if (type === 1 && format === 2) {
    const subs = ids(t, st + 6, t.readUInt16BE(st + 4));
    for (let i = 0; i < subs.length; i++) if (covered(i)) out.push(subs[i]!);
  } else if ((type === 2 || type === 3) && format === 1) {
    const n = t.readUInt16BE(st + 4);
    for (let i = 0; i < n; i++) {
      if (!covered(i)) continue;
      const seq = st + t.readUInt16BE(st + 6 + 2 * i);
      out.push(...ids(t, seq + 2, t.readUInt16BE(seq)));
    }
  } else if (type === 4 && format === 1) {
    const n = t.readUInt16BE(st + 4);
    for (let i = 0; i < n; i++) {
      if (!covered(i)) continue;
      const set = st + t.readUInt16BE(st + 6 + 2 * i);
      const count = t.readUInt16BE(set);
      for (let j = 0; j < count; j++) {
        const lig = set + t.readUInt16BE(set + 2 + 2 * j);
        const components = ids(t, lig + 4, t.readUInt16BE(lig + 2) - 1);
        if (components.every((c) => keep.has(c))) out.push(t.readUInt16BE(lig));
      }
    }
  } else if (type === 8 && format === 1) {
    let p = st + 4;
    p += 2 + 2 * t.readUInt16BE(p); // backtrack coverages
    p += 2 + 2 * t.readUInt16BE(p); // lookahead coverages
    const subs = ids(t, p + 2, t.readUInt16BE(p));
    for (let i = 0; i < subs.length; i++) if (covered(i)) out.push(subs[i]!);
  }
}

/** Grow `keep` with every glyph GSUB can substitute for glyphs in it. */
export function substitutionClosure(gsub: Buffer, keep: Set<number>): void {
  const list = gsub.readUInt16BE(8);
  const lookups = gsub.readUInt16BE(list);
  for (let grew = true; grew; ) {
    grew = false;
    const produced: number[] = [];
    for (let l = 0; l < lookups; l++) {
      const lookup = list + gsub.readUInt16BE(list + 2 + 2 * l);
      const lookupType = gsub.readUInt16BE(lookup);
      const count = gsub.readUInt16BE(lookup + 4);
      for (let s = 0; s < count; s++) {
        let st = lookup + gsub.readUInt16BE(lookup + 6 + 2 * s);
        let type = lookupType;
        if (type === 7) {
          type = gsub.readUInt16BE(st + 2);
          st += gsub.readUInt32BE(st + 4);
        }
        subtable(gsub, type, st, keep, produced);
      }
    }
    for (const g of produced) {
      if (!keep.has(g)) {
        keep.add(g);
        grew = true;
      }
    }
  }
}
