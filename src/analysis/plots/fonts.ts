/**
 * The font resvg draws the PNGs' text with. resvg has no font of its own: without one every
 * label silently disappears. Loading all system fonts costs ~0.3 s per image, so we look once
 * for DejaVu Sans (Debian/Ubuntu `fonts-dejavu-core`, which `.ci/run` installs), then
 * Liberation Sans, then any TrueType font, in the operating system's standard font folders.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
