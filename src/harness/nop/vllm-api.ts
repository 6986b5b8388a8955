/**
 * The few vLLM endpoints the nop harness calls besides the log: GET /version, GET /v1/models,
 * and the sleep/wake exercise of upstream when sleep mode is on: POST /sleep?level=1, poll
 * GET /is_sleeping every 0.5 s until true; POST /wake_up, poll until false. Each request times
 * out after 60 s (REQUEST_TIMEOUT), each wait after 15 min (MAX_VLLM_WAIT). sleepAndWake
 * throws on failure; the caller records it as a note.
 */

export const REQUEST_TIMEOUT_MS = 60_000;
export const MAX_VLLM_WAIT_MS = 15 * 60_000;
export const POLL_MS = 500;

export interface SleepWakeOptions {
  requestTimeoutMs?: number;
  maxWaitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

async function call(method: 'GET' | 'POST', url: string, o: SleepWakeOptions): Promise<string> {
  const { request } = await import('undici');
  const t = o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const res = await request(url, { method, headersTimeout: t, bodyTimeout: t, ...(o.signal ? { signal: o.signal } : {}) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${method} ${url} answered ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`);
  return text;
}

export async function isSleeping(base: string, o: SleepWakeOptions = {}): Promise<boolean> {
  const body = JSON.parse(await call('GET', `${base}/is_sleeping`, o)) as { is_sleeping?: unknown };
  if (typeof body.is_sleeping !== 'boolean') throw new Error(`GET ${base}/is_sleeping: no boolean is_sleeping in the answer`);
  return body.is_sleeping;
}

async function waitFor(base: string, want: boolean, o: SleepWakeOptions): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (o.signal?.aborted) throw new Error('interrupted');
    if ((await isSleeping(base, o)) === want) return;
    await new Promise((r) => setTimeout(r, o.pollMs ?? POLL_MS));
    const waited = Date.now() - start;
    if (waited > (o.maxWaitMs ?? MAX_VLLM_WAIT_MS)) throw new Error(`the server did not report is_sleeping=${want} after ${(waited / 1000).toFixed(1)} s`);
  }
}

/** Puts the server to sleep (level 1) and wakes it up again. */
export async function sleepAndWake(base: string, o: SleepWakeOptions = {}): Promise<void> {
  await call('POST', `${base}/sleep?level=1`, o);
  await waitFor(base, true, o);
  await call('POST', `${base}/wake_up`, o);
  await waitFor(base, false, o);
}

/** vLLM's GET /version, or undefined when the server has none (our simulator, as llm-d-inference-sim). */
export async function serverVersion(base: string, o: SleepWakeOptions = {}): Promise<string | undefined> {
  try {
    const body = JSON.parse(await call('GET', `${base}/version`, { ...o, requestTimeoutMs: 5000 })) as { version?: unknown };
    return typeof body.version === 'string' ? body.version : undefined;
  } catch {
    return undefined;
  }
}

/** The first model of GET /v1/models, or undefined. */
export async function servedModel(base: string, o: SleepWakeOptions = {}): Promise<string | undefined> {
  try {
    const body = JSON.parse(await call('GET', `${base}/v1/models`, { ...o, requestTimeoutMs: 5000 })) as { object?: unknown; data?: Array<{ id?: unknown }> };
    const id = body.object === 'list' ? body.data?.[0]?.id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
