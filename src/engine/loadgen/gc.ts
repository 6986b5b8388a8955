/**
 * A full garbage collection before the load starts. Opening a run (tokenizer JSON, prompt
 * corpus, module loading) leaves a large heap of garbage on the dispatch thread; collecting it
 * now, before the first deadline, keeps a major GC pause (measured 24–50 ms at 1 req/s on the
 * default profile) out of the stages, where it would delay sends and chunk timestamps.
 * Uses V8's gc() (exposed at run time through --expose-gc); a no-op where that is unavailable.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { monoMs } from '../../util/clock.ts';

let gcFn: (() => void) | null | undefined;

function getGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return (gcFn = g);
  try {
    setFlagsFromString('--expose-gc');
    const f = runInNewContext('gc') as unknown;
    gcFn = typeof f === 'function' ? (f as () => void) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Collect garbage now; returns the time it took (ms), or undefined when gc() is unavailable. */
export function collectGarbageNow(): number | undefined {
  const gc = getGc();
  if (!gc) return undefined;
  const t = monoMs();
  gc();
  return monoMs() - t;
}
