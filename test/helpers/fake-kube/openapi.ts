/**
 * The Kubernetes OpenAPI schemas (kubernetes-models 4.5, the Node 20 line) for the kinds we
 * create or seed: what a real API server's schema validation would refuse. Loaded once
 * (`loadOpenApi`, async import); `openApiProblems` is then synchronous, so the fake API server
 * answers 422 with it and tests validate every manifest with it.
 */
type Model = new (o: unknown) => { validate(): void };

let models: Record<string, Model> | undefined;

export async function loadOpenApi(): Promise<void> {
  if (models) return;
  const v1 = await import('kubernetes-models/v1');
  const apps = await import('kubernetes-models/apps/v1');
  models = {
    Pod: v1.Pod as unknown as Model,
    ConfigMap: v1.ConfigMap as unknown as Model,
    PersistentVolumeClaim: v1.PersistentVolumeClaim as unknown as Model,
    Service: v1.Service as unknown as Model,
    Namespace: v1.Namespace as unknown as Model,
    Deployment: apps.Deployment as unknown as Model,
  };
}

/** Schema violations of `obj` (by its kind), [] when valid or of a kind without a model here. */
export function openApiProblems(obj: { kind?: string }): string[] {
  if (!models) throw new Error('openApiProblems: call loadOpenApi() first');
  const M = obj.kind ? models[obj.kind] : undefined;
  if (!M) return [];
  try {
    // As the wire sees it: undefined fields dropped.
    new M(JSON.parse(JSON.stringify(obj))).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath?: string; message?: string }> }).errors;
    if (Array.isArray(errors) && errors.length) return errors.map((x) => `${(x.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')}: ${x.message ?? 'invalid'}`);
    return [(e as Error).message];
  }
}

/** Throws with every problem, for tests. */
export async function assertOpenApiValid(obj: { kind?: string; metadata?: { name?: string } }): Promise<void> {
  await loadOpenApi();
  const p = openApiProblems(obj);
  if (p.length) throw new Error(`${obj.kind} ${obj.metadata?.name ?? ''} is invalid against the Kubernetes OpenAPI schema: ${p.join('; ')}`);
}
