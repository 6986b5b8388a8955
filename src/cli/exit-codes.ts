import type { ErrorKind } from '../util/errors.ts';

/**
 * Exit codes, defined once. Distinguishes "the benchmark ran but reported
 * failures" from "the tool could not run" from "interrupted".
 */
export const ExitCode = {
  ok: 0,
  /** The benchmark ran to the end but some part failed (e.g. a treatment, or every request failed). */
  benchmarkFailed: 1,
  /** Bad input: flag, profile, override, scenario, experiment file. Nothing was started. */
  usage: 2,
  /** The environment is not usable (missing file, port in use, cluster unreachable). */
  environment: 3,
  /** A bug in llmdbench. */
  internal: 70,
  /** Interrupted by SIGINT/SIGTERM; results written so far are kept and marked incomplete. */
  aborted: 130,
} as const;

export function exitCodeFor(kind: ErrorKind): number {
  const map: Record<ErrorKind, number> = {
    usage: ExitCode.usage,
    environment: ExitCode.environment,
    aborted: ExitCode.aborted,
    internal: ExitCode.internal,
  };
  return map[kind];
}
