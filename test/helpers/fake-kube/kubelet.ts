/**
 * A scriptable kubelet for the fake API server: moves each created pod Pending → Running →
 * Succeeded/Failed on timers, or into a crash state (ImagePullBackOff, ErrImagePull,
 * CrashLoopBackOff, Unschedulable, OOMKilled), with the events and log lines a real node
 * would produce. While "running", a launcher pod's files are written into the host
 * directory standing for its PVC, under its LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../../src/platform/kubernetes/cluster.ts';

export type PodBehaviour =
  | {
      kind: 'complete';
      exitCode?: number;
      /** Terminated reason; default Completed (exit 0) or Error. */
      reason?: string;
      runMs?: number;
      /** Written (relative to the results dir) when the pod starts running. */
      files?: Record<string, string | Buffer>;
      log?: string;
    }
  | {
      /** Runs `run` while the pod is Running (e.g. the real in-pod command, in-process); its result is the exit code. */
      kind: 'process';
      run: (pod: RunningPod) => Promise<number>;
    }
  | { kind: 'waiting'; reason: string; message?: string; log?: string }
  | { kind: 'unschedulable'; message?: string }
  | { kind: 'run' }
  | { kind: 'pending' };

export interface KubeletHost {
  update(pod: KubeObject): void;
  current(ns: string, name: string): KubeObject | undefined;
  event(ns: string, pod: string, type: 'Normal' | 'Warning', reason: string, message: string): void;
  appendLog(ns: string, pod: string, text: string): void;
  pvcHostDir(claim: string): string;
}

/** What a `process` behaviour sees: the pod, its literal env, and where a path in the pod lands on the host. */
export interface RunningPod {
  pod: KubeObject;
  env: Record<string, string>;
  hostPath(inPod: string): string | undefined;
  /** Append to the pod's log (what `kubectl logs` shows). */
  log(text: string): void;
}

type Rule = { match: (pod: KubeObject) => boolean; behaviour: PodBehaviour };

function container(pod: KubeObject): Record<string, unknown> {
  return ((pod.spec as { containers?: Array<Record<string, unknown>> })?.containers ?? [])[0] ?? {};
}

function envOf(pod: KubeObject, name: string): string | undefined {
  return ((container(pod).env ?? []) as Array<{ name: string; value?: string }>).find((e) => e.name === name)?.value;
}

/** Where a path inside the pod lands on the host (the PVC mount mapped to its host dir). */
export function hostPathFor(pod: KubeObject, inPod: string, host: Pick<KubeletHost, 'pvcHostDir'>): string | undefined {
  const spec = pod.spec as { volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> };
  const mounts = (container(pod).volumeMounts ?? []) as Array<{ name: string; mountPath: string }>;
  for (const m of mounts) {
    const claim = spec.volumes?.find((v) => v.name === m.name)?.persistentVolumeClaim?.claimName;
    if (claim && (inPod === m.mountPath || inPod.startsWith(`${m.mountPath}/`))) return join(host.pvcHostDir(claim), inPod.slice(m.mountPath.length));
  }
  return undefined;
}

export class Kubelet {
  private rules: Rule[] = [];
  private timers = new Set<NodeJS.Timeout>();
  /** Pods started, in order (name), for assertions. */
  readonly started: string[] = [];

  constructor(private readonly host: KubeletHost) {}

  /** Pods matching (name regex or predicate) behave so; the first matching rule wins. */
  script(match: RegExp | ((pod: KubeObject) => boolean), behaviour: PodBehaviour): void {
    const m = match instanceof RegExp ? (p: KubeObject) => match.test(p.metadata?.name ?? '') : match;
    this.rules.push({ match: m, behaviour });
  }

  reset(): void {
    this.rules = [];
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }

  private behaviourFor(pod: KubeObject): PodBehaviour {
    const rule = this.rules.find((r) => r.match(pod));
    if (rule) return rule.behaviour;
    const args = JSON.stringify([container(pod).command, container(pod).args]);
    return /sleep/.test(args) ? { kind: 'run' } : { kind: 'complete' };
  }

  /** Move the pod (if it still exists) to the status `f` builds. */
  private set(ns: string, name: string, f: (status: Record<string, unknown>) => Record<string, unknown>): KubeObject | undefined {
    const pod = this.host.current(ns, name);
    if (!pod) return undefined;
    const next = { ...pod, status: f({ ...((pod.status as Record<string, unknown>) ?? {}) }) };
    this.host.update(next);
    return next;
  }

  created(pod: KubeObject): void {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const cname = String(container(pod).name ?? 'c');
    const b = this.behaviourFor(pod);
    const now = () => new Date().toISOString();
    const cs = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => [{ name: cname, image: container(pod).image, ready: 'running' in state, restartCount: 0, state, ...extra }];
    const pending = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: cs({ waiting: { reason: 'ContainerCreating' } }) };
    if (b.kind === 'unschedulable') {
      const message = b.message ?? '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.';
      this.later(5, () => {
        this.set(ns, name, () => ({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] }));
        this.host.event(ns, name, 'Warning', 'FailedScheduling', message);
      });
      return;
    }
    this.later(5, () => {
      if (this.set(ns, name, () => pending)) this.host.event(ns, name, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to fake-node-1`);
    });
    if (b.kind === 'pending') return;
    if (b.kind === 'waiting') {
      this.later(15, () => {
        const message = b.message ?? `Back-off pulling image "${String(container(pod).image)}"`;
        const crash = b.reason === 'CrashLoopBackOff';
        if (b.log) this.host.appendLog(ns, name, b.log);
        this.set(ns, name, () => ({
          phase: crash ? 'Running' : 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
          containerStatuses: cs({ waiting: { reason: b.reason, message } }, crash ? { restartCount: 3, lastState: { terminated: { exitCode: 1, reason: 'Error' } } } : {}),
        }));
        this.host.event(ns, name, 'Warning', crash ? 'BackOff' : 'Failed', crash ? 'Back-off restarting failed container' : `Failed to pull image "${String(container(pod).image)}": ${message}`);
      });
      return;
    }
    this.later(20, () => {
      const startedAt = now();
      const p = this.set(ns, name, () => ({
        phase: 'Running',
        podIP: '10.0.0.7',
        startTime: startedAt,
        conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }],
        containerStatuses: cs({ running: { startedAt } }),
      }));
      if (!p) return;
      this.started.push(name);
      this.host.event(ns, name, 'Normal', 'Started', `Started container ${cname}`);
      if (b.kind === 'process') {
        const env = Object.fromEntries(((container(pod).env ?? []) as Array<{ name: string; value?: string }>).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
        const finish = (exitCode: number) =>
          this.set(ns, name, (s) => ({
            ...s,
            phase: exitCode === 0 ? 'Succeeded' : 'Failed',
            conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
            containerStatuses: cs({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now() } }),
          }));
        b.run({ pod, env, hostPath: (p) => hostPathFor(pod, p, this.host), log: (t) => this.host.appendLog(ns, name, t) }).then(finish, (e: unknown) => {
          this.host.appendLog(ns, name, `${e instanceof Error ? e.message : String(e)}\n`);
          finish(1);
        });
        return;
      }
      if (b.kind !== 'complete') return;
      const results = envOf(pod, 'LLMDBENCH_RUN_EXPERIMENT_RESULTS_DIR');
      const dir = results ? hostPathFor(pod, results, this.host) : undefined;
      if (dir) {
        mkdirSync(dir, { recursive: true });
        for (const [rel, data] of Object.entries(b.files ?? { 'stdout.log': `ran ${name}\n` })) {
          mkdirSync(dirname(join(dir, rel)), { recursive: true });
          writeFileSync(join(dir, rel), data);
        }
      }
      this.host.appendLog(ns, name, b.log ?? `harness ${name} running\n`);
      this.later(b.runMs ?? 40, () => {
        const exitCode = b.exitCode ?? 0;
        const reason = b.reason ?? (exitCode === 0 ? 'Completed' : 'Error');
        this.set(ns, name, (s) => ({
          ...s,
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
          containerStatuses: cs({ terminated: { exitCode, reason, startedAt, finishedAt: now() } }),
        }));
      });
    });
  }
}
