import { Command, CommanderError } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatError, isLlmdbenchError } from '../util/errors.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import { loadCommands } from './commands/index.ts';

function packageVersion(): string {
  const pkgPath = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
}

/** Builds the program and runs it; the only place that sets process.exitCode. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('llmdbench')
    .description('Benchmark LLM serving stacks (llm-d-benchmark run phase, re-created on one native load engine)')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride();
  let commandExit: number | undefined;
  const ctx = { argv, setExitCode: (code: number): void => void (commandExit = code) };
  for (const c of await loadCommands(argv[0])) c.register(program, ctx);
  // Commands added with addCommand() do not inherit exitOverride: without it,
  // commander's usage errors would call process.exit(1) instead of exit code 2.
  const override = (cmd: Command<unknown[], Record<string, unknown>>): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) override(sub as unknown as Command<unknown[], Record<string, unknown>>);
  };
  override(program as unknown as Command<unknown[], Record<string, unknown>>);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return commandExit ?? ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit through here with code 0; usage errors were already printed.
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (isLlmdbenchError(e)) {
      process.stderr.write(`${formatError(e)}\n`);
      return exitCodeFor(e.kind);
    }
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.internal;
  }
}

const isEntry = process.argv[1] !== undefined && /llmdbench(\.js)?$|cli[\\/]index\.ts$/.test(process.argv[1]);
/**
 * The reader of stdout went away (`llmdbench ... | head -1`): that is a normal end, not a crash.
 * Exit 0 at once, without a stack; any other stdout error is still reported.
 */
export function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(ExitCode.ok);
  process.stderr.write(`internal error: stdout: ${e.stack ?? e.message}\n`);
  process.exit(ExitCode.internal);
}

if (isEntry) {
  process.stdout.on('error', onStdoutError);
  process.exitCode = await main(process.argv.slice(2));
}
