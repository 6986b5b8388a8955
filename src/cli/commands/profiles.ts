import { Command } from '@commander-js/extra-typings';
import type { CliCommand } from './index.ts';
import { listTemplates, profilesDir } from '../../profiles/catalog.ts';

/** `llmdbench profiles [harness]`: the workload profile catalog, one line per profile. */
export const command: CliCommand = {
  name: 'profiles',
  register(program: Command): void {
    program
      .command('profiles')
      .description('list workload profiles: one line per profile, "<harness>/<name>  <description>"')
      .argument('[harness]', 'only this harness (inference-perf, guidellm, vllm-benchmark, inferencemax, fmperf, nop)')
      .option('--json', 'print a JSON array of {harness, name, path, description}')
      .option('--profiles-dir <dir>', 'profiles directory (default: $LLMDBENCH_HARNESS_PROFILES_DIR, else the built-in catalog)')
      .addHelpText(
        'after',
        '\nProfiles are templates <profiles dir>/<harness>/<name>.yaml.in. Run one with\n' +
          '`llmdbench run -l <harness> -w <name>`; see docs/workloads.md for the use-case catalog.',
      )
      .action((harness, opts) => {
        const catalogOpts = opts.profilesDir ? { dir: opts.profilesDir } : {};
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
