import type { Command } from '@commander-js/extra-typings';

/** What a command may tell main(): its exit code (main sets process.exitCode, nothing else does). */
export interface CliContext {
  setExitCode(code: number): void;
}

/** A CLI command: adds itself (name, options, help, action) to the program. */
export interface CliCommand {
  readonly name: string;
  register(program: Command, ctx: CliContext): void;
}

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
];

export async function loadCommands(): Promise<CliCommand[]> {
  const mods = await Promise.all(modules.map((load) => load()));
  return mods.map((m) => m.command);
}
