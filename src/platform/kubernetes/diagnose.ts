/**
 * What to show when a pod is stuck or failed: its state, its recent events and the last lines
 * of its log, so the user sees "ImagePullBackOff: pull access denied" instead of a timeout.
 * Best effort: a diagnosis that cannot be read (no permission) says so and never throws.
 */
import type { Cluster } from './cluster.ts';
import { describeState, type PodState } from './pod-state.ts';

export async function diagnosePod(cluster: Cluster, ns: string, pod: string, state: PodState, tailLines = 20): Promise<string[]> {
  const lines = [describeState(pod, state)];
  try {
    const events = await cluster.list('Event', ns, { fieldSelector: `involvedObject.name=${pod}` });
    for (const e of events.slice(-8)) lines.push(`  event ${String(e.type ?? '')} ${String(e.reason ?? '')}: ${String(e.message ?? '')}`);
  } catch (e) {
    lines.push(`  (events not readable: ${(e as Error).message})`);
  }
  try {
    const log = (await cluster.logs(ns, pod, { tailLines })).trimEnd();
    if (log) lines.push(`  last ${tailLines} log lines:`, ...log.split('\n').map((l) => `    ${l}`));
  } catch {
    // No log yet (image never pulled) is the usual case here.
  }
  return lines;
}
