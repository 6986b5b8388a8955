/**
 * Waiting for launcher pods by WATCHING their phase (not a fixed sleep, not polling): until
 * every pod is running (or already finished), or until every pod finished. A pod stuck in a
 * crash state ends the wait at once. Progress is reported on every change and every 10 s. A
 * watch the server closes is reopened (bounded); the timeout and the abort signal end it.
 */
import type { Cluster, KubeObject, Watcher } from './cluster.ts';
import { isTerminal, podState, type PodState } from './pod-state.ts';

export interface WaitOptions {
  namespace: string;
  labelSelector: string;
  names: readonly string[];
  until: 'started' | 'finished';
  timeoutMs: number;
  signal?: AbortSignal;
  progress?: (states: ReadonlyMap<string, PodState>, elapsedS: number) => void;
}

export interface WaitResult {
  states: Map<string, PodState>;
  /** Why the wait ended: all pods reached the goal, one is stuck, timeout, aborted. */
  outcome: 'done' | 'stuck' | 'timeout' | 'aborted';
}

export async function waitForPods(cluster: Cluster, o: WaitOptions): Promise<WaitResult> {
  const states = new Map<string, PodState>(o.names.map((n) => [n, { kind: 'pending' } as PodState]));
  const t0 = Date.now();
  const goal = (s: PodState) => (o.until === 'started' ? s.kind !== 'pending' : isTerminal(s));
  const check = (): WaitResult['outcome'] | undefined => {
    if ([...states.values()].some((s) => s.kind === 'stuck' || (s.kind === 'gone' && o.until === 'started'))) return 'stuck';
    if ([...states.values()].every(goal)) return 'done';
    return undefined;
  };
  let finish: (r: WaitResult['outcome']) => void = () => {};
  const ended = new Promise<WaitResult['outcome']>((r) => (finish = r));
  const onEvent = (type: string, pod: KubeObject) => {
    const name = pod.metadata?.name ?? '';
    if (!states.has(name)) return;
    const prev = states.get(name);
    const next = type === 'DELETED' ? podState(undefined) : podState(pod);
    // A pod finished stays finished (a late DELETED after Succeeded is our own cleanup).
    if (prev && isTerminal(prev) && prev.kind !== 'stuck') return;
    states.set(name, next);
    if (prev?.kind !== next.kind || prev.reason !== next.reason) o.progress?.(states, (Date.now() - t0) / 1000);
    const r = check();
    if (r) finish(r);
  };
  const timer = setTimeout(() => finish('timeout'), o.timeoutMs);
  const tick = setInterval(() => o.progress?.(states, (Date.now() - t0) / 1000), 10_000);
  const abort = () => finish('aborted');
  o.signal?.addEventListener('abort', abort, { once: true });
  let watcher: Watcher | undefined;
  let stopped = false;
  let failure: Error | undefined;
  try {
    // Reopen the watch when the server ends it (it does after its own timeout), at most 100 times.
    void (async () => {
      for (let i = 0; i < 100 && !stopped; i++) {
        watcher = await cluster.watchPods(o.namespace, o.labelSelector, onEvent);
        const err = await watcher.done;
        if (stopped) return;
        if (err) await new Promise((r) => setTimeout(r, 500));
      }
    })().catch((e: unknown) => {
      failure = e instanceof Error ? e : new Error(String(e));
      finish('timeout');
    });
    if (o.signal?.aborted) finish('aborted');
    const outcome = await ended;
    if (failure) throw failure;
    return { states, outcome };
  } finally {
    stopped = true;
    watcher?.stop();
    clearTimeout(timer);
    clearInterval(tick);
    o.signal?.removeEventListener('abort', abort);
  }
}

export function summarizeStates(states: ReadonlyMap<string, PodState>): string {
  const counts = new Map<string, number>();
  for (const s of states.values()) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return [...counts.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
}
