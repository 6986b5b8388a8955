/**
 * The serving engine's log, as a platform hands it to a harness that reads it (nop): the
 * local platform gives the embedded simulator's start-up log file; the Kubernetes platform
 * will give the vLLM pod's log (found from the stack endpoint). One interface, so the
 * harness does not know where the log lives.
 */
import { readFileSync } from 'node:fs';

export interface ServerLogReader {
  /** For messages and result files: the path, URL or pod. */
  readonly description: string;
  /** Whether reading again returns newer content (false for stdin). */
  readonly rereadable: boolean;
  read(signal?: AbortSignal): Promise<Buffer>;
}

export function fileLogReader(path: string): ServerLogReader {
  return { description: path, rereadable: true, read: () => Promise.resolve(readFileSync(path)) };
}
