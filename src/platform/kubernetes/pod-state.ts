/**
 * What a pod's status means for the run: still pending, running, finished (succeeded or
 * failed, with exit code and reason such as OOMKilled), or stuck in a state it will not leave
 * by itself (ImagePullBackOff, ErrImagePull, CrashLoopBackOff, Unschedulable, ...), which the
 * wait reports at once instead of running into the timeout. Pure.
 */
import type { KubeObject } from './cluster.ts';

export type PodPhaseKind = 'pending' | 'running' | 'succeeded' | 'failed' | 'stuck' | 'gone';

export interface PodState {
  kind: PodPhaseKind;
  /** Kubernetes reason: Completed, Error, OOMKilled, ImagePullBackOff, Unschedulable... */
  reason?: string;
  message?: string;
  exitCode?: number;
}

/** Waiting reasons a pod does not recover from without someone acting. */
export const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'ErrImageNeverPull',
]);

interface ContainerStatus {
  state?: { waiting?: { reason?: string; message?: string }; running?: object; terminated?: { exitCode?: number; reason?: string; message?: string } };
}

export function podState(pod: KubeObject | undefined): PodState {
  if (!pod) return { kind: 'gone', reason: 'Deleted', message: 'the pod was deleted' };
  const status = (pod.status ?? {}) as {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatus[];
  };
  const cs = status.containerStatuses?.[0]?.state;
  if (status.phase === 'Succeeded') return { kind: 'succeeded', reason: cs?.terminated?.reason ?? 'Completed', exitCode: cs?.terminated?.exitCode ?? 0 };
  if (status.phase === 'Failed') {
    const t = cs?.terminated;
    return { kind: 'failed', reason: t?.reason ?? status.reason ?? 'Error', ...(t?.exitCode !== undefined ? { exitCode: t.exitCode } : {}), ...(t?.message || status.message ? { message: t?.message ?? status.message } : {}) };
  }
  const waiting = cs?.waiting;
  if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) return { kind: 'stuck', reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) };
  const sched = status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (sched) return { kind: 'stuck', reason: 'Unschedulable', ...(sched.message ? { message: sched.message } : {}) };
  if (status.phase === 'Running') return { kind: 'running' };
  return { kind: 'pending', ...(waiting?.reason ? { reason: waiting.reason } : {}) };
}

export function isTerminal(s: PodState): boolean {
  return s.kind === 'succeeded' || s.kind === 'failed' || s.kind === 'stuck' || s.kind === 'gone';
}

export function describeState(name: string, s: PodState): string {
  const code = s.exitCode !== undefined ? ` exit code ${s.exitCode}` : '';
  return `${name}: ${s.kind}${s.reason ? ` (${s.reason}${code})` : code}${s.message ? `: ${s.message}` : ''}`;
}
