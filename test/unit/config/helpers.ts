import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upstreamDir } from '../../helpers/upstream.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const upstreamScenarios = `${upstreamDir}/scenarios`;

/** A fresh temp folder. */
export function tempDir(prefix = 'llmdbench-config-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A minimal environment (no LLMDBENCH_* leaking in from the developer's shell), TMPDIR and HOME in `dir`. */
export function cleanEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, ...extra };
}

/** Writes `files` (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}
