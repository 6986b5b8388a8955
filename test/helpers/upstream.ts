/**
 * Where the upstream llm-d-benchmark files live (read-only fixtures; never copied into the repo):
 * LLMDBENCH_UPSTREAM_DIR when set, else `../shared/upstream` next to the repository (the
 * workspace layout). A clone elsewhere sets LLMDBENCH_UPSTREAM_DIR; no machine's absolute path.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function find(): string {
  const env = process.env.LLMDBENCH_UPSTREAM_DIR;
  if (env) return resolve(env);
  return resolve(repoRoot, '..', 'shared', 'upstream');
}

export const upstreamDir = find();
