import type { Command } from '@commander-js/extra-typings';

/** What a command may tell main(): its exit code (main sets process.exitCode, nothing else does). */
export interface CliContext {
  /** The arguments main() was given (our own command line, for run_metadata.yaml). */
  readonly argv: readonly string[];
  setExitCode(code: number): void;
}

/** A CLI command: adds itself (name, options, help, action) to the program. */
export interface CliCommand {
  readonly name: string;
  register(program: Command, ctx: CliContext): void;
}

