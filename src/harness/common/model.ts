/**
 * The served model when a profile names none (inference-perf `server.model_name: null`, and the
 * other harnesses on our engine): ask the server (`GET /v1/models`, data[0].id); falls back to the
 * run's model when the server does not say. Shared by every harness, so none imports another.
 */
import { undici } from '../../util/undici.ts';
import type { Logger } from '../../util/logger.ts';

export async function discoverModel(baseUrl: string, fallback: string, log: Logger): Promise<string> {
  try {
    const res = await undici().request(`${baseUrl}/v1/models`, { method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = (await res.body.json()) as { data?: Array<{ id?: unknown }> };
    const id = body.data?.[0]?.id;
    if (res.statusCode === 200 && typeof id === 'string' && id !== '') return id;
  } catch (e) {
    log.debug(`GET ${baseUrl}/v1/models failed: ${(e as Error).message}`);
  }
  log.warn(`server.model_name is not set and ${baseUrl}/v1/models did not name a model; using ${fallback}`);
  return fallback;
}
