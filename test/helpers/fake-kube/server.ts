/**
 * A fake Kubernetes API server on 127.0.0.1 that the real @kubernetes/client-node talks to:
 * discovery, create/get/list/watch/delete for namespaces, pods, PVCs, ConfigMaps, Services,
 * Events, Gateways, Deployments and InferencePools, Status bodies for 404/409/422/403 (422: validate.ts and the
 * Kubernetes OpenAPI schemas, openapi.ts), pod logs, exec over WebSocket
 * (exec.ts), a scriptable kubelet (kubelet.ts) and injectable API faults. Every request is
 * logged for assertions. One per test file; `stop()` ends everything it started.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../src/platform/kubernetes/cluster.ts';
import { createExecServer, runExec, type ExecFault, type ExecRecord } from './exec.ts';
import { hostPathFor, Kubelet } from './kubelet.ts';
import { matchesFields, matchesLabels } from './selectors.ts';
import { loadOpenApi, openApiProblems } from './openapi.ts';
import { validate } from './validate.ts';

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  body?: KubeObject;
  /** `<verb> <resource>` as RBAC sees it, e.g. `create pods`, `get pods/exec`. */
  rbac?: string;
}

export interface ApiFault {
  method?: string;
  /** Substring of the path (e.g. `/pods`, `/persistentvolumeclaims`). */
  path: string;
  status: number;
  reason?: string;
  message?: string;
  /** How many requests it hits (default 1). */
  times?: number;
  /** Only requests whose body names this object. */
  name?: string;
}

const KINDS: Record<string, { kind: string; apiVersion: string; namespaced: boolean }> = {
  namespaces: { kind: 'Namespace', apiVersion: 'v1', namespaced: false },
  pods: { kind: 'Pod', apiVersion: 'v1', namespaced: true },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespaced: true },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1', namespaced: true },
  services: { kind: 'Service', apiVersion: 'v1', namespaced: true },
  events: { kind: 'Event', apiVersion: 'v1', namespaced: true },
  gateways: { kind: 'Gateway', apiVersion: 'gateway.networking.k8s.io/v1', namespaced: true },
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1', namespaced: true },
  inferencepools: { kind: 'InferencePool', apiVersion: 'inference.networking.k8s.io/v1', namespaced: true },
};

type Watch = { resource: string; ns: string; labels: string | null; fields: string | null; res: ServerResponse };

export class FakeKube {
  readonly requests: RequestRecord[] = [];
  readonly execs: ExecRecord[] = [];
  readonly kubelet: Kubelet;
  /** Host directory standing for every PVC (one sub-folder per claim). */
  readonly pvcRoot: string;
  private readonly dir: string;
  private readonly objects = new Map<string, KubeObject>();
  private readonly logs = new Map<string, string>();
  private readonly watches = new Set<Watch>();
  private faults: ApiFault[] = [];
  private execFaults: ExecFault[] = [];
  private forbidden = new Set<string>();
  private rv = 1;
  private server: Server | undefined;
  private readonly wss = createExecServer();
  url = '';

  constructor(namespaces: string[] = ['ns1']) {
    this.dir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
    this.pvcRoot = join(this.dir, 'pvcs');
    mkdirSync(this.pvcRoot);
    for (const n of namespaces) this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }, 'namespaces', '');
    this.kubelet = new Kubelet({
      update: (pod) => this.put(pod, 'pods', pod.metadata?.namespace ?? '', 'MODIFIED'),
      current: (ns, name) => this.objects.get(`pods/${ns}/${name}`),
      event: (ns, pod, type, reason, message) => this.addEvent(ns, pod, type, reason, message),
      appendLog: (ns, pod, text) => this.logs.set(`${ns}/${pod}`, (this.logs.get(`${ns}/${pod}`) ?? '') + text),
      pvcHostDir: (claim) => this.pvcDir(claim),
    });
  }

  pvcDir(claim: string): string {
    const d = join(this.pvcRoot, claim);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Seed an object (a stack Service, a Gateway, a pod...) as if someone else created it. */
  seed(obj: KubeObject): void {
    const resource = Object.keys(KINDS).find((r) => KINDS[r]!.kind === obj.kind)!;
    this.put(structuredClone(obj), resource, obj.metadata?.namespace ?? '');
  }

  /** Set a pod's log (a seeded stack pod's, e.g. the vLLM server's). */
  setPodLog(ns: string, pod: string, text: string): void {
    this.logs.set(`${ns}/${pod}`, text);
  }

  fault(f: ApiFault): void {
    this.faults.push({ times: 1, ...f });
  }

  execFault(f: ExecFault): void {
    this.execFaults.push(f);
  }

  /** End every open watch stream (as an API server does at its watch timeout); clients must re-watch. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    return n;
  }

  /** Refuse a verb on a resource (e.g. `create`, `pods`) with 403 as RBAC would; in one namespace only when given. */
  forbid(verb: string, resource: string, namespace?: string): void {
    this.forbidden.add(`${verb} ${resource}${namespace ? ` ${namespace}` : ''}`);
  }

  unforbid(verb: string, resource: string, namespace?: string): void {
    this.forbidden.delete(`${verb} ${resource}${namespace ? ` ${namespace}` : ''}`);
  }

  all(kind: string, ns?: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind && (ns === undefined || o.metadata?.namespace === ns));
  }

  getObject(kind: string, ns: string, name: string): KubeObject | undefined {
    return this.all(kind, ns).find((o) => o.metadata?.name === name);
  }

  /** A kubeconfig file pointing at this server (context `fake`, a token user). */
  kubeconfigFile(): string {
    const p = join(this.dir, 'kubeconfig.yaml');
    writeFileSync(
      p,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${this.url}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: fake-user, user: {token: fake-token-not-secret}}]',
        'contexts: [{name: fake, context: {cluster: fake, user: fake-user, namespace: ns1}}]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return p;
  }

  async start(): Promise<this> {
    await loadOpenApi();
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.kubelet.stop();
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    this.wss.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  // --- store ------------------------------------------------------------------
  private put(obj: KubeObject, resource: string, ns: string, type: 'ADDED' | 'MODIFIED' = 'ADDED'): void {
    obj.metadata = { ...obj.metadata, resourceVersion: String(++this.rv) };
    this.objects.set(`${resource}/${ns}/${obj.metadata.name}`, obj);
    this.notify(resource, ns, type, obj);
  }

  private notify(resource: string, ns: string, type: string, obj: KubeObject): void {
    for (const w of this.watches) {
      if (w.resource !== resource || w.ns !== ns || !matchesLabels(obj, w.labels) || !matchesFields(obj, w.fields)) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  private addEvent(ns: string, pod: string, type: string, reason: string, message: string): void {
    const name = `${pod}.${(++this.rv).toString(16)}`;
    this.put({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, involvedObject: { kind: 'Pod', name: pod, namespace: ns }, type, reason, message, lastTimestamp: new Date().toISOString() }, 'events', ns);
  }

  // --- HTTP ---------------------------------------------------------------------
  private status(res: ServerResponse, code: number, reason: string, message: string, details?: object): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) }));
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private injected(method: string, path: string, name: string | undefined): ApiFault | undefined {
    const f = this.faults.find((x) => (x.method === undefined || x.method === method) && path.includes(x.path) && (x.name === undefined || x.name === name) && (x.times ?? 1) > 0);
    if (f) f.times = (f.times ?? 1) - 1;
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    let body: KubeObject | undefined;
    if (method === 'POST' || method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as KubeObject;
    }
    this.requests.push({ method, path: u.pathname, query: u.search, ...(body ? { body } : {}) });
    const f = this.injected(method, u.pathname, body?.metadata?.name);
    if (f) return this.status(res, f.status, f.reason ?? 'InternalError', f.message ?? `injected fault ${f.status}`);
    const p = u.pathname;
    if (p === '/version') return this.json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fake' });
    if (p === '/api') return this.json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (p === '/apis') return this.json(res, 200, { kind: 'APIGroupList', groups: ['gateway.networking.k8s.io', 'apps', 'inference.networking.k8s.io'].map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }] })) });
    if (p === '/api/v1' || p === '/apis/gateway.networking.k8s.io/v1' || p === '/apis/apps/v1' || p === '/apis/inference.networking.k8s.io/v1') {
      const groupVersion = p === '/api/v1' ? 'v1' : p.slice('/apis/'.length);
      const resources = Object.entries(KINDS)
        .filter(([, k]) => k.apiVersion === groupVersion)
        .map(([name, k]) => ({ name, kind: k.kind, namespaced: k.namespaced, verbs: ['create', 'get', 'list', 'watch', 'delete'] }));
      return this.json(res, 200, { kind: 'APIResourceList', groupVersion, resources });
    }
    const m = /^\/(?:api\/v1|apis\/gateway\.networking\.k8s\.io\/v1|apis\/apps\/v1|apis\/inference\.networking\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(p);
    let ns = m?.[1] ?? '';
    let resource = m?.[2] ?? '';
    let name = m?.[3];
    if (m && !m[1] && resource === 'namespaces') ns = '';
    if (m && m[1] && !m[2]) [resource, name, ns] = ['namespaces', m[1], ''];
    if (!m && /^\/api\/v1\/namespaces\/[^/]+$/.test(p)) [resource, name, ns] = ['namespaces', p.split('/')[4], ''];
    const spec = KINDS[resource];
    if (!spec) return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${p})`);
    const verb = method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : u.searchParams.get('watch') === 'true' ? 'watch' : name ? 'get' : 'list';
    const sub = m?.[4] ? `${resource}/log` : resource;
    this.requests[this.requests.length - 1]!.rbac = `${verb} ${sub}`;
    if (this.forbidden.has(`${verb} ${sub}`) || this.forbidden.has(`${verb} ${sub} ${ns}`)) {
      return this.status(res, 403, 'Forbidden', `${sub} is forbidden: User "system:serviceaccount:ns1:bench" cannot ${verb} resource "${sub}" in API group "" in the namespace "${ns}"`, { kind: sub });
    }
    if (spec.namespaced && ns && !this.objects.has(`namespaces//${ns}`)) return this.status(res, 404, 'NotFound', `namespaces "${ns}" not found`);
    const key = (n: string) => `${resource}/${ns}/${n}`;
    if (m?.[4] === 'log') {
      if (!this.objects.has(key(name!))) return this.status(res, 404, 'NotFound', `pods "${name}" not found`);
      const text = this.logs.get(`${ns}/${name}`) ?? '';
      const tail = Number(u.searchParams.get('tailLines') ?? 0);
      res.writeHead(200, { 'content-type': 'text/plain' });
      const lines = text.split('\n').filter(Boolean);
      const out = Buffer.from(tail > 0 && lines.length ? `${lines.slice(-tail).join('\n')}\n` : text);
      // limitBytes: the first N bytes, as the API server (after tailLines).
      const limit = Number(u.searchParams.get('limitBytes') ?? 0);
      return void res.end(limit > 0 ? out.subarray(0, limit) : out);
    }
    if (method === 'POST') {
      const obj: KubeObject = { ...body!, apiVersion: spec.apiVersion, kind: spec.kind };
      const meta = { ...obj.metadata, namespace: spec.namespaced ? ns : undefined, uid: `uid-${++this.rv}`, creationTimestamp: new Date().toISOString() };
      obj.metadata = meta as unknown as KubeObject['metadata'];
      // The semantic checks of validate.ts, then the OpenAPI schema (as a real API server: 422 Invalid).
      const problems = [...validate(obj), ...openApiProblems(obj)];
      if (problems.length) return this.status(res, 422, 'Invalid', `${spec.kind} "${meta.name}" is invalid: ${problems.join(', ')}`);
      if (this.objects.has(key(meta.name!))) return this.status(res, 409, 'AlreadyExists', `${resource} "${meta.name}" already exists`);
      if (spec.kind === 'PersistentVolumeClaim') obj.status = { phase: 'Bound' };
      if (spec.kind === 'Pod') obj.status = { phase: 'Pending' };
      this.put(obj, resource, ns);
      if (spec.kind === 'Pod') this.kubelet.created(obj);
      return this.json(res, 201, obj);
    }
    if (method === 'DELETE') {
      const obj = this.objects.get(key(name!));
      if (!obj) return this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
      this.objects.delete(key(name!));
      this.notify(resource, ns, 'DELETED', obj);
      return this.json(res, 200, obj);
    }
    if (name) {
      const obj = this.objects.get(key(name));
      return obj ? this.json(res, 200, obj) : this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    }
    const labels = u.searchParams.get('labelSelector');
    const fields = u.searchParams.get('fieldSelector');
    const items = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${resource}/${ns}/`) && matchesLabels(o, labels) && matchesFields(o, fields))
      .map(([, o]) => o);
    if (verb === 'watch') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      for (const o of items) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
      const w: Watch = { resource, ns, labels, fields, res };
      this.watches.add(w);
      res.on('close', () => this.watches.delete(w));
      return;
    }
    return this.json(res, 200, { kind: `${spec.kind}List`, apiVersion: spec.apiVersion, metadata: { resourceVersion: String(this.rv) }, items });
  }

  private upgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const u = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: 'UPGRADE', path: u.pathname, query: u.search, rbac: 'get pods/exec' });
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(u.pathname);
    const pod = m ? this.objects.get(`pods/${m[1]}/${m[2]}`) : undefined;
    const refuse = (code: number, msg: string) => {
      socket.end(`HTTP/1.1 ${code} ${msg}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ kind: 'Status', status: 'Failure', code, message: msg })}`);
    };
    if (this.forbidden.has('create pods/exec')) return refuse(403, 'Forbidden');
    if (!pod) return refuse(404, 'Not Found');
    if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running') return refuse(400, 'Bad Request');
    const argv = u.searchParams.getAll('command');
    const spec = pod.spec as { volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>; containers: Array<{ volumeMounts?: Array<{ name: string; mountPath: string }> }> };
    const mounts = (spec.containers[0]?.volumeMounts ?? []).flatMap((vm) => {
      const host = hostPathFor(pod, vm.mountPath, { pvcHostDir: (c) => this.pvcDir(c) });
      return host ? [{ mountPath: vm.mountPath, host }] : [];
    });
    const fault = this.execFaults.find((f) => f.times > 0 && (f.command === undefined || f.command === argv[0]));
    if (fault) fault.times--;
    const record: ExecRecord = { pod: m![2]!, argv, exitCode: null };
    this.execs.push(record);
    this.wss.handleUpgrade(req, socket, head, (ws) => runExec(ws, pod, argv, mounts, fault, record));
  }
}

export async function startFakeKube(namespaces?: string[]): Promise<FakeKube> {
  return new FakeKube(namespaces).start();
}
