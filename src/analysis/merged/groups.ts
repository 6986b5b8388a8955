/**
 * Which results directories are the generators of one -j N unit: `<base>_1 … <base>_N` (N ≥ 2)
 * side by side in one `results/` folder (upstream's `<harness>_<eid>_<stack>_<i>` naming, local
 * and Kubernetes alike). Their merged analysis goes to `<workdir>/analysis/<base>_merged/`:
 * `_merged` sorts next to the generators and can never be an index.
 */
import { basename, dirname, join } from 'node:path';

export const MERGED_SUFFIX = '_merged';

/** `<harness>_<eid>_<stack>_1` → `<harness>_<eid>_<stack>_merged`. */
export function mergedName(firstResultsDir: string): string {
  return basename(firstResultsDir).replace(/_\d+$/, '') + MERGED_SUFFIX;
}

export interface MergeGroup {
  /** `<base>_merged` */
  name: string;
  /** The generators' results directories, by index (…_2 before …_10). */
  dirs: string[];
  /** `<workdir>/analysis/<base>_merged` */
  analysisDir: string;
}

/** The -j N groups among `resultsDirs` (directories of a `results/` folder; others are ignored). */
export function mergeGroups(resultsDirs: readonly string[]): MergeGroup[] {
  const groups = new Map<string, { i: number; dir: string }[]>();
  for (const dir of resultsDirs) {
    const m = /^(.*)_(\d+)$/.exec(basename(dir));
    if (!m || basename(dirname(dir)) !== 'results') continue;
    const key = join(dirname(dir), m[1]!);
    groups.set(key, [...(groups.get(key) ?? []), { i: Number(m[2]), dir }]);
  }
  const out: MergeGroup[] = [];
  for (const [key, members] of groups) {
    if (members.length < 2) continue;
    const dirs = members.sort((a, b) => a.i - b.i).map((x) => x.dir);
    const name = basename(key) + MERGED_SUFFIX;
    out.push({ name, dirs, analysisDir: join(dirname(dirname(key)), 'analysis', name) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
