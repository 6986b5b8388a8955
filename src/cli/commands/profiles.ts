import { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './types.ts';
import { listHarnessDirs, listTemplates, profilesDir } from '../../profiles/catalog.ts';
import type { CatalogOptions } from '../../profiles/catalog.ts';

/** One line per harness directory: name, profile count, what the harness is. */
async function harnessLines(opts: CatalogOptions): Promise<string[]> {
  const { harnesses } = await import('../../harness/registry.ts');
  const dirs = listHarnessDirs(opts);
  const w = Math.max(0, ...dirs.map((d) => d.length));
  return dirs.map((d) => {
    const n = listTemplates(d, opts).length;
    const what = harnesses.has(d) ? harnesses.get(d).description : '(no harness plugin of this name)';
    return `${d.padEnd(w)}  ${String(n).padStart(3)} profile${n === 1 ? ' ' : 's'}  ${what}`;
  });
}

/** `llmdbench profiles [harness]`: the workload profile catalog, one line per profile. */
export const command: CliCommand = {
  name: 'profiles',
  register(program: Command): void {
    program
      .command('profiles')
      .description('List workload profiles: one line per profile, "<harness>/<name>  <description>"')
      .argument('[harness]', 'only this harness (inference-perf, guidellm, vllm-benchmark, inferencemax, fmperf, nop)')
      .option('--json', 'print a JSON array of {harness, name, path, description}')
      .option('--harnesses', 'list the harnesses instead: name, number of profiles, what it is')
      .option('--profiles-dir <dir>', 'profiles directory (default: $LLMDBENCH_HARNESS_PROFILES_DIR, else the built-in catalog)')
      .addHelpText(
        'after',
        '\nProfiles are templates <profiles dir>/<harness>/<name>.yaml.in. Run one with\n' +
          '`llmdbench run -l <harness> -w <name>`; see docs/workloads.md for the use-case catalog.',
      )
      .action(async (harness, opts) => {
        const catalogOpts = opts.profilesDir ? { dir: opts.profilesDir } : { env: process.env };
        if (opts.harnesses) {
          process.stdout.write(`${(await harnessLines(catalogOpts)).join('\n')}\n`);
          return;
        }
        const templates = listTemplates(harness, catalogOpts);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(templates, null, 2)}\n`);
          return;
        }
        const ids = templates.map((t) => `${t.harness}/${t.name}`);
        const w = Math.max(0, ...ids.map((s) => s.length));
        const lines = templates.map((t, i) => `${(ids[i] ?? '').padEnd(w)}  ${t.description || '(no description)'}`);
        if (lines.length === 0) lines.push(`(no profiles in ${profilesDir(catalogOpts)}${harness ? `/${harness}` : ''})`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
  },
};
