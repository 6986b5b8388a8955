/**
 * The font subset resvg draws with (src/analysis/plots/font-subset.ts, font-gsub.ts): the same
 * pixels as the full font for text that needs composite glyphs (é, Å), GSUB ligatures (fi, ffl),
 * Greek, symbols and a character the font lacks, in the regular and bold faces; a valid sfnt
 * (table checksums, whole-file checksum); a fraction of the size; and the full file kept when a
 * file cannot be subset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import { findFont, fontFilesFor } from '../../../../src/analysis/plots/fonts.ts';
import { codePointsOfSvg, subsetFont } from '../../../../src/analysis/plots/font-subset.ts';

const font = findFont();
const skip = font.files.length === 0 && process.env.CI !== 'true' ? 'no TrueType font on this machine' : false;

const LINES = [
  'Output tokens/s since first request — fi ffl fl ffi',
  'µs × 2 ≤ 3 ≥ 1 ± 0.5 · 95 % → p99 ∞ … “quoted” ‘x’',
  'Café Ångström naïve façade Δσ Σλ 中',
  'AV To WA Ty 1,234.5 ms &amp; &lt;tag&gt; &#x2212;5 &#956;',
];

function svgOf(lines: string[]): string {
  const text = lines.flatMap((l, i) => [
    `<text x="10" y="${30 + 60 * i}" font-family="${font.family ?? 'sans-serif'}" font-size="18px">${l}</text>`,
    `<text x="10" y="${55 + 60 * i}" font-family="${font.family ?? 'sans-serif'}" font-size="15px" font-weight="bold">${l}</text>`,
  ]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${60 * lines.length + 20}"><rect width="100%" height="100%" fill="white"/>${text.join('')}</svg>`;
}

async function pixels(svg: string, files: string[]): Promise<Buffer> {
  const img = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: false, fontFiles: files, ...(font.family ? { defaultFontFamily: font.family } : {}) },
  });
  return Buffer.from(img.pixels);
}

test('a subset draws the same pixels as the full font: composites, ligatures, symbols, bold', { skip }, async () => {
  assert.ok(font.files.length > 0, 'a TrueType font (CI installs fonts-dejavu-core)');
  const svg = svgOf(LINES);
  const subset = fontFilesFor(font.files, svg);
  assert.equal(subset.length, font.files.length);
  for (let i = 0; i < subset.length; i++) assert.notEqual(subset[i], font.files[i], `${font.files[i]} subset, not used as is`);
  const full = await pixels(svg, font.files);
  const inked = full.filter((v, i) => i % 4 === 0 && v < 128).length;
  assert.ok(inked > 2000, `text drawn at all (${inked} dark pixels)`);
  assert.ok(full.equals(await pixels(svg, subset)), 'pixel-identical to the full font');
  // Each line alone gets its own, smaller subset: still identical.
  for (const line of LINES) {
    const one = svgOf([line]);
    assert.ok((await pixels(one, font.files)).equals(await pixels(one, fontFilesFor(font.files, one))), line);
  }
});

test('a subset is a valid sfnt a fraction of the size, and the same characters give the same file', { skip }, () => {
  const original = readFileSync(font.files[0]!);
  const out = subsetFont(original, codePointsOfSvg(svgOf(LINES)));
  assert.ok(out.length < original.length * 0.4, `${out.length} of ${original.length} bytes`);
  const n = out.readUInt16BE(4);
  const sum = (b: Buffer): number => {
    let s = 0;
    for (let i = 0; i < b.length; i += 4) s = (s + (b.length - i >= 4 ? b.readUInt32BE(i) : Buffer.concat([b.subarray(i), Buffer.alloc(4)]).readUInt32BE(0))) >>> 0;
    return s;
  };
  let head = -1;
  for (let t = 0; t < n; t++) {
    const rec = 12 + 16 * t;
    const tag = out.toString('latin1', rec, rec + 4);
    const off = out.readUInt32BE(rec + 8);
    const data = Buffer.from(out.subarray(off, off + out.readUInt32BE(rec + 12)));
    if (tag === 'head') {
      head = off;
      data.writeUInt32BE(0, 8);
    }
    assert.equal(out.readUInt32BE(rec + 4), sum(data), `checksum of '${tag}'`);
  }
  assert.ok(head > 0, 'a head table');
  assert.equal(sum(out), 0xb1b0afba, 'whole-file checksum (head.checkSumAdjustment)');
  const svg = svgOf(['same text']);
  assert.deepEqual(fontFilesFor(font.files, svg), fontFilesFor(font.files, svgOf(['text same'])), 'one subset per character set');
});

test('numeric character references count as their characters', () => {
  const cps = codePointsOfSvg('<text>a&#x3bc;&#8722;&#1114112;</text>');
  assert.ok(cps.has(0x3bc) && cps.has(0x2212) && cps.has('a'.codePointAt(0)!));
  assert.ok(!cps.has(0x110000), 'past Unicode: ignored');
});

test('a file that is not a TrueType font is used as it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'font-subset-'));
  const notFont = join(dir, 'not-a-font.ttf');
  writeFileSync(notFont, 'OTTO this is not a glyf font');
  assert.deepEqual(fontFilesFor([notFont], '<svg/>'), [notFont]);
  assert.throws(() => subsetFont(readFileSync(notFont), [65]), /not a TrueType/);
});
