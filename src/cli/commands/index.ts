
export type { CliCommand, CliContext } from './types.ts';
import type { CliCommand } from './types.ts';

type CommandModule = { command: CliCommand };

/**
 * Every command, in `--help` order. Adding a command is one line here plus one
 * file in this folder exporting `command` (named as here: a unit test checks). A command with heavy
 * dependencies (Kubernetes client, plotting) imports them inside its action, not at top level.
 */
const modules: ReadonlyArray<{ name: string; load: () => Promise<CommandModule> }> = [
  { name: 'run', load: () => import('./run.ts') },
  { name: 'config', load: () => import('./config.ts') },
  { name: 'sim', load: () => import('./sim.ts') },
  { name: 'profiles', load: () => import('./profiles.ts') },
  { name: 'render', load: () => import('./render.ts') },
  { name: 'analyze', load: () => import('./analyze.ts') },
  { name: 'report', load: () => import('./report.ts') },
  { name: 'compare', load: () => import('./compare.ts') },
  { name: 'harness', load: () => import('./harness.ts') },
];

export const COMMAND_NAMES: readonly string[] = modules.map((m) => m.name);

/**
 * The commands to register. `first`: the invocation's first argument; when it names a command,
 * only that one is loaded (`llmdbench run ...` needs none of the others' modules: start-up time);
 * otherwise (no command, `--help`, `help`, a typo to suggest a name for) every one.
 */
export async function loadCommands(first?: string): Promise<CliCommand[]> {
  const one = modules.find((m) => m.name === first);
  const mods = await Promise.all((one ? [one] : modules).map((m) => m.load()));
  return mods.map((m) => m.command);
}
