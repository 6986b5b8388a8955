/**
 * `npm run bench [-- <filter>]`: runs every bench/*.bench.ts (or those whose
 * name contains the filter; options after the names, e.g. `--requests N`, go to each) one after another, each in its own process so one
 * benchmark's heap and threads do not disturb the next. Each benchmark prints
 * its own results; record them with the command in docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
// `npm run bench -- memory --requests 1000000`: names first, then options passed to each benchmark.
const args = process.argv.slice(2);
const firstOpt = args.findIndex((a) => a.startsWith('--'));
const filter = firstOpt < 0 ? args : args.slice(0, firstOpt);
const passOn = firstOpt < 0 ? [] : args.slice(firstOpt);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`bench: no benchmark matches ${filter.join(' ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n=== ${f}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f), ...passOn], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
