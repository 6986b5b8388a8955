/**
 * The font resvg draws the PNGs' text with. resvg has no font of its own: without one every
 * label silently disappears. Loading all system fonts costs ~0.3 s per image, so we look once
 * for DejaVu Sans (Debian/Ubuntu `fonts-dejavu-core`, which `.ci/run` installs), then
 * Liberation Sans, then any TrueType font, in the operating system's standard font folders.
 * resvg re-reads a font file for every text element it lays out, so it is handed a subset of
 * the font (font-subset.ts, ~150 KB instead of 760), written once per process to a temporary
 * folder that is removed when the process exits.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codePointsOfSvg, subsetFont } from './font-subset.ts';

/** The operating systems' standard font folders (not one machine's paths). */
const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts'];
const PREFERRED: Array<{ family: string; files: string[] }> = [
  { family: 'DejaVu Sans', files: ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'] },
  { family: 'Liberation Sans', files: ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'] },
];

export interface FontChoice {
  /** Font files to load (empty: fall back to every system font). */
  files: string[];
  family?: string;
}

function walk(dir: string, depth: number, out: Map<string, string>): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (/\.(ttf|otf)$/i.test(n)) {
      if (!out.has(n)) out.set(n, p);
    } else if (depth > 0) {
      try {
        if (statSync(p).isDirectory()) walk(p, depth - 1, out);
      } catch {
        /* unreadable: skip */
      }
    }
  }
}

let cached: FontChoice | undefined;

/** The font to render with, looked up once per process. */
export function findFont(): FontChoice {
  if (cached) return cached;
  const found = new Map<string, string>();
  for (const d of FONT_DIRS) if (existsSync(d)) walk(d, 4, found);
  for (const p of PREFERRED) {
    const files = p.files.flatMap((f) => (found.has(f) ? [found.get(f)!] : []));
    if (files.length) return (cached = { files, family: p.family });
  }
  const any = [...found.values()].find((f) => /\.ttf$/i.test(f));
  return (cached = any ? { files: [any] } : { files: [] });
}

/** Printable ASCII, always in a subset, so that plots with plain-ASCII text share one subset file. */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);
const subsets = new Map<string, string>();
let subsetDir: string | undefined;

function tempDir(): string {
  if (!subsetDir) {
    const dir = mkdtempSync(join(tmpdir(), 'llmdbench-fonts-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    subsetDir = dir;
  }
  return subsetDir;
}

/**
 * The font files to draw `svg` with: each of `files` cut down to the characters the SVG holds.
 * A file that cannot be subset (not TrueType-flavoured, unreadable) or a temporary folder that
 * cannot be written is used as it is: slower, same pixels.
 */
export function fontFilesFor(files: string[], svg: string): string[] {
  const chars = new Set([...ASCII, ...codePointsOfSvg(svg)]);
  const key = [...chars].sort((a, b) => a - b).join(',');
  return files.map((file, i) => {
    const k = `${file}\n${key}`;
    let path = subsets.get(k);
    if (path === undefined) {
      try {
        path = join(tempDir(), `${subsets.size}-${i}-${basename(file)}`);
        writeFileSync(path, subsetFont(readFileSync(file), chars));
      } catch {
        path = file;
      }
      subsets.set(k, path);
    }
    return path;
  });
}
