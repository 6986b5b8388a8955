/**
 * A TrueType font cut down to the characters one SVG uses, for resvg. Why: `@resvg/resvg-js` 2.6
 * takes fonts only as file paths on Node, and its font database re-reads the whole file for every
 * text element it lays out — one run's plots read DejaVuSans.ttf (760 KB) ~1,900 times. A subset
 * of the same font draws the same pixels from a file a fifth the size.
 *
 * What is kept, so that layout is unchanged: every table the shaper and rasteriser read (cmap,
 * hmtx, GPOS, GSUB, kern, name, OS/2 …) byte for byte, and glyph ids as they are (no renumbering,
 * so the layout tables stay valid). What goes: the outlines of glyphs no character of the SVG maps
 * to (their `loca` entries become empty; composite glyphs keep their components, and glyphs the
 * layout tables substitute for kept ones — ligatures such as 'fi' — stay: font-gsub.ts), glyph names
 * (`post` format 3), and hinting tables resvg never runs. test/unit/analysis/plots/font-subset.test.ts
 * checks the PNGs are pixel-identical to those drawn with the full font.
 */

import { substitutionClosure } from './font-gsub.ts';

/** Tables resvg never reads (hinting, diagnostics, math layout): dropped from the subset. */
const DROP = new Set(['cvt ', 'fpgm', 'prep', 'hdmx', 'LTSH', 'VDMX', 'DSIG', 'FFTM', 'MATH']);

interface Table {
  tag: string;
  data: Buffer;
}

function readTables(font: Buffer): Map<string, Buffer> {
  const version = font.readUInt32BE(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new Error('not a TrueType (glyf) font');
  const tables = new Map<string, Buffer>();
  const n = font.readUInt16BE(4);
  for (let i = 0; i < n; i++) {
    const rec = 12 + 16 * i;
    const offset = font.readUInt32BE(rec + 8);
    const length = font.readUInt32BE(rec + 12);
    if (offset + length > font.length) throw new Error('table past the end of the file');
    tables.set(font.toString('latin1', rec, rec + 4), font.subarray(offset, offset + length));
  }
  for (const t of ['head', 'maxp', 'loca', 'glyf', 'cmap']) if (!tables.has(t)) throw new Error(`no '${t}' table`);
  return tables;
}

/** Glyph id of each code point, from the best Unicode cmap subtable (format 12, else 4). */
function glyphsOf(cmap: Buffer, codePoints: Iterable<number>): number[] {
  const n = cmap.readUInt16BE(2);
  let f4 = -1;
  let f12 = -1;
  for (let i = 0; i < n; i++) {
    const rec = 4 + 8 * i;
    const platform = cmap.readUInt16BE(rec);
    const encoding = cmap.readUInt16BE(rec + 2);
    const off = cmap.readUInt32BE(rec + 4);
    const format = cmap.readUInt16BE(off);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) f12 = off;
    else if (format === 4 && f4 < 0) f4 = off;
  }
  const out: number[] = [];
  for (const c of codePoints) {
    const g = f12 >= 0 ? lookup12(cmap, f12, c) : f4 >= 0 ? lookup4(cmap, f4, c) : 0;
    if (g) out.push(g);
  }
  return out;
}

function lookup12(cmap: Buffer, off: number, c: number): number {
  const groups = cmap.readUInt32BE(off + 12);
  for (let i = 0; i < groups; i++) {
    const g = off + 16 + 12 * i;
    const start = cmap.readUInt32BE(g);
    if (c >= start && c <= cmap.readUInt32BE(g + 4)) return cmap.readUInt32BE(g + 8) + (c - start);
  }
  return 0;
}

function lookup4(cmap: Buffer, off: number, c: number): number {
  if (c > 0xffff) return 0;
  const segs = cmap.readUInt16BE(off + 6) / 2;
  const ends = off + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const ranges = deltas + 2 * segs;
  for (let i = 0; i < segs; i++) {
    if (c > cmap.readUInt16BE(ends + 2 * i)) continue;
    const start = cmap.readUInt16BE(starts + 2 * i);
    if (c < start) return 0;
    const delta = cmap.readUInt16BE(deltas + 2 * i);
    const ro = cmap.readUInt16BE(ranges + 2 * i);
    if (ro === 0) return (c + delta) & 0xffff;
    const g = cmap.readUInt16BE(ranges + 2 * i + ro + 2 * (c - start));
    return g === 0 ? 0 : (g + delta) & 0xffff;
  }
  return 0;
}

/** Byte range of each glyph in `glyf`, from `loca`. */
function glyphRanges(tables: Map<string, Buffer>): Array<[number, number]> {
  const numGlyphs = tables.get('maxp')!.readUInt16BE(4);
  const long = tables.get('head')!.readInt16BE(50) === 1;
  const loca = tables.get('loca')!;
  const at = (i: number): number => (long ? loca.readUInt32BE(4 * i) : 2 * loca.readUInt16BE(2 * i));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < numGlyphs; i++) out.push([at(i), at(i + 1)]);
  return out;
}

/** Add the components of a composite glyph (and theirs) to `keep`. */
function addComponents(glyf: Buffer, ranges: Array<[number, number]>, gid: number, keep: Set<number>): void {
  const [start, end] = ranges[gid]!;
  if (end - start < 10 || glyf.readInt16BE(start) >= 0) return;
  let p = start + 10;
  for (;;) {
    const flags = glyf.readUInt16BE(p);
    const component = glyf.readUInt16BE(p + 2);
    if (component < ranges.length && !keep.has(component)) {
      keep.add(component);
      addComponents(glyf, ranges, component, keep);
    }
    p += 4 + (flags & 0x0001 ? 4 : 2) + (flags & 0x0008 ? 2 : flags & 0x0040 ? 4 : flags & 0x0080 ? 8 : 0);
    if (!(flags & 0x0020)) return;
  }
}

function checksum(b: Buffer): number {
  let sum = 0;
  const whole = b.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + b.readUInt32BE(i)) >>> 0;
  if (whole < b.length) {
    const tail = Buffer.alloc(4);
    b.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

function writeFont(tables: Table[]): Buffer {
  tables.sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const n = tables.length;
  const pow = 2 ** Math.floor(Math.log2(n));
  const dirLength = 12 + 16 * n;
  let size = dirLength;
  for (const t of tables) size += (t.data.length + 3) & ~3;
  const out = Buffer.alloc(size);
  out.writeUInt32BE(0x00010000, 0);
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(pow * 16, 6);
  out.writeUInt16BE(Math.log2(pow), 8);
  out.writeUInt16BE(n * 16 - pow * 16, 10);
  let offset = dirLength;
  let headAt = 0;
  tables.forEach((t, i) => {
    const rec = 12 + 16 * i;
    out.write(t.tag, rec, 'latin1');
    out.writeUInt32BE(checksum(t.data), rec + 4);
    out.writeUInt32BE(offset, rec + 8);
    out.writeUInt32BE(t.data.length, rec + 12);
    t.data.copy(out, offset);
    if (t.tag === 'head') headAt = offset;
    offset += (t.data.length + 3) & ~3;
  });
  out.writeUInt32BE((0xb1b0afba - checksum(out)) >>> 0, headAt + 8);
  return out;
}

/**
 * The font with outlines only for the glyphs of `codePoints` (plus .notdef and their components).
 * Throws on a font that is not TrueType-flavoured (CFF outlines): the caller then uses the file as is.
 */
export function subsetFont(font: Buffer, codePoints: Iterable<number>): Buffer {
  const tables = readTables(font);
  const glyf = tables.get('glyf')!;
  const ranges = glyphRanges(tables);
  const keep = new Set<number>([0]);
  for (const g of glyphsOf(tables.get('cmap')!, codePoints)) if (g < ranges.length) keep.add(g);
  const gsub = tables.get('GSUB');
  if (gsub) substitutionClosure(gsub, keep);
  for (const g of [...keep]) addComponents(glyf, ranges, g, keep);

  let glyfLength = 0;
  for (const g of keep) glyfLength += (ranges[g]![1] - ranges[g]![0] + 3) & ~3;
  const newGlyf = Buffer.alloc(glyfLength);
  const newLoca = Buffer.alloc(4 * (ranges.length + 1));
  let at = 0;
  for (let g = 0; g < ranges.length; g++) {
    newLoca.writeUInt32BE(at, 4 * g);
    if (!keep.has(g)) continue;
    const [s, e] = ranges[g]!;
    glyf.copy(newGlyf, at, s, e);
    at += (e - s + 3) & ~3;
  }
  newLoca.writeUInt32BE(at, 4 * ranges.length);

  const head = Buffer.from(tables.get('head')!);
  head.writeInt16BE(1, 50); // long loca offsets
  head.writeUInt32BE(0, 8); // checkSumAdjustment, set over the whole file in writeFont
  const out: Table[] = [
    { tag: 'head', data: head },
    { tag: 'glyf', data: newGlyf },
    { tag: 'loca', data: newLoca },
  ];
  const post = tables.get('post');
  if (post && post.length >= 32) {
    const p3 = Buffer.from(post.subarray(0, 32));
    p3.writeUInt32BE(0x00030000, 0);
    out.push({ tag: 'post', data: p3 });
  }
  for (const [tag, data] of tables) {
    if (tag === 'head' || tag === 'glyf' || tag === 'loca' || tag === 'post' || DROP.has(tag)) continue;
    out.push({ tag, data });
  }
  return writeFont(out);
}

/** Every code point an SVG's text can draw: its characters plus those of numeric character references. */
export function codePointsOfSvg(svg: string): Set<number> {
  const out = new Set<number>();
  for (const ch of new Set(svg)) out.add(ch.codePointAt(0)!);
  for (const m of svg.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const ref = m[1]!;
    const cp = ref[0] === 'x' ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    if (cp <= 0x10ffff) out.add(cp);
  }
  return out;
}
