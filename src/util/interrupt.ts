/**
 * Ctrl-C while planning (issue 12: "Ctrl-C is honoured at every moment, planning included"):
 * the steps before the first request (tokenizer, schedule, data source, model discovery) check
 * the run's stop signal between them, so a SIGINT that lands while they run stops the unit as
 * soon as the current step returns, before anything is sent. The error's kind `aborted` makes
 * the CLI exit with 130.
 */
import { LlmdbenchError } from './errors.ts';

export const E_INTERRUPTED = 'E_INTERRUPTED';

/** Throw E_INTERRUPTED (kind `aborted`) when `signal` has fired; `while` names the step. */
export function throwIfInterrupted(signal: AbortSignal | undefined, while_: string): void {
  if (!signal?.aborted) return;
  throw new LlmdbenchError(E_INTERRUPTED, `interrupted while ${while_}: no request was sent`, { kind: 'aborted', hint: 'nothing was measured, so nothing was kept for this run' });
}

/** True for the error `throwIfInterrupted` throws. */
export function isInterrupted(e: unknown): boolean {
  return e instanceof LlmdbenchError && e.code === E_INTERRUPTED;
}
