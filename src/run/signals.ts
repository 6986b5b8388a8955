/**
 * Ctrl-C / SIGTERM handling for a run. First signal: `stop` aborts (stop dispatching,
 * in-flight requests get a grace period, everything finished is written and marked
 * incomplete). Second signal: `cancel` aborts too (in-flight requests are cancelled now; the
 * run still writes what it has). Third signal: exit now with 130 (nothing more is written; the
 * embedded simulator child exits with its parent).
 * The exit code (130) is set by src/cli from the run's outcome.
 */
import type { Logger } from '../util/logger.ts';

export interface Interrupts {
  /** Aborted on the first SIGINT/SIGTERM. */
  stop: AbortSignal;
  /** Aborted on the second. */
  cancel: AbortSignal;
  /** The signal name that stopped the run, if any. */
  readonly received: string | undefined;
  dispose(): void;
}

export function installInterrupts(log: Logger, proc: NodeJS.Process = process, exit: (code: number) => void = (c) => proc.exit(c)): Interrupts {
  const stop = new AbortController();
  const cancel = new AbortController();
  let received: string | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      received = sig;
      log.warn(`${sig} received: stopping (no new requests; in-flight requests get a short grace period; results so far are kept, marked incomplete). Send again to cancel in-flight requests now.`);
      stop.abort(new Error(sig));
    } else if (!cancel.signal.aborted) {
      log.warn(`${sig} received again: cancelling in-flight requests (results so far are still written). Send a third time to quit at once.`);
      cancel.abort(new Error(sig));
    } else {
      log.warn(`${sig} received a third time: quitting now without writing more`);
      exit(130);
    }
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    cancel: cancel.signal,
    get received() {
      return received;
    },
    dispose() {
      proc.off('SIGINT', onSignal);
      proc.off('SIGTERM', onSignal);
    },
  };
}
