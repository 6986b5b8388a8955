/**
 * Where the upstream llm-d-benchmark files live (read-only fixtures; never copied into the repo):
 * LLMDBENCH_UPSTREAM_DIR when set, else `../shared/upstream` next to the repository (the
 * workspace layout), else /work/shared/upstream (so a clone elsewhere, e.g. /tmp/fresh, still
 * finds them on this machine).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function find(): string {
  const env = process.env.LLMDBENCH_UPSTREAM_DIR;
  if (env) return resolve(env);
  const sibling = resolve(repoRoot, '..', 'shared', 'upstream');
  if (existsSync(sibling)) return sibling;
  return '/work/shared/upstream';
}

export const upstreamDir = find();
