
export type { CliCommand, CliContext } from './types.ts';
import type { CliCommand } from './types.ts';

type CommandModule = { command: CliCommand };

/**
 * Every command, in `--help` order. Adding a command is one line here plus one
 * file in this folder exporting `command`. A command with heavy dependencies
 * (Kubernetes client, plotting) imports them inside its action, not at top level.
 */
const modules: Array<() => Promise<CommandModule>> = [
  () => import('./run.ts'),
  () => import('./config.ts'),
  () => import('./sim.ts'),
  () => import('./profiles.ts'),
  () => import('./render.ts'),
  () => import('./analyze.ts'),
  () => import('./report.ts'),
  () => import('./compare.ts'),
  () => import('./harness.ts'),
];

export async function loadCommands(): Promise<CliCommand[]> {
  const mods = await Promise.all(modules.map((load) => load()));
  return mods.map((m) => m.command);
}
