/**
 * A simulator child started before anything knows what it will serve (issue 13 item 6, time to
 * the first request). `llmdbench run` calls `spawnStandby()` as its first step, when the run may
 * use the embedded simulator: the child boots Node and loads its modules on the other core while
 * this process loads the run's module graph, resolves the configuration and builds the plan. Then
 * `startEmbeddedSimulator` adopts it (`takeStandby()`) and sends the sources over IPC, so only the
 * configuration, the tokenizer and `listen` remain between the plan and a ready simulator.
 * Nobody adopts it (an endpoint from a scenario, --dry-run, an error): `disposeStandby()` kills it;
 * it also exits by itself when this process goes (the IPC channel closes).
 * Light on purpose: node:child_process and node:url only, so the run pays nothing to start it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The argument that puts child.ts in standby: wait for `{ type: 'sources', sources }` over IPC. */
export const STANDBY_ARG = '--standby';

let standby: ChildProcess | undefined;

/**
 * Starts the standby child (once per process); its stdout/stderr are read by whoever adopts it.
 * `model`: the model it will most likely serve; the child reads that model's tokenizer (when it
 * is local: a path, the HF cache, the shipped Llama-3 one) while it waits, kept if the sources agree.
 */
export function spawnStandby(hint: { model?: string } = {}): void {
  if (standby) return;
  const entry = fileURLToPath(new URL('./child-bootstrap.js', import.meta.url));
  // Own process group as the embedded child (embedded.ts): a terminal Ctrl-C reaches the run only.
  const child = spawn(process.execPath, [entry, STANDBY_ARG, ...(hint.model ? [hint.model] : [])], { detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.on('error', () => {}); // a failed spawn: takeStandby() sees it dead and the simulator starts the usual way
  // Unadopted, it must not keep this process alive.
  child.unref();
  child.channel?.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  standby = child;
}

/** The standby child when it is still alive and connected (then it is no longer this module's). */
export function takeStandby(): ChildProcess | undefined {
  const child = standby;
  standby = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null || !child.connected) {
    child?.kill('SIGKILL');
    return undefined;
  }
  child.ref();
  child.channel?.ref();
  (child.stdout as { ref?: () => void } | null)?.ref?.();
  (child.stderr as { ref?: () => void } | null)?.ref?.();
  return child;
}

/** Stops a standby child nobody adopted. */
export function disposeStandby(): void {
  const child = standby;
  standby = undefined;
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
