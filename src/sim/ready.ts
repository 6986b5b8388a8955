/**
 * Is a simulator ready (GET /health/ready answers 200)? Asked by the embedded simulator's parent
 * (embedded.ts) until it is, and once by the child itself right after it listens (child.ts): the
 * child is idle then while the parent is still busy preparing the run, so the child's
 * `llmdbench sim ready` line spares the parent its own round trip in the usual case. Both read the
 * same endpoint, so a start-up log's phases (startup-duration) delay readiness alike.
 */
import { request } from 'node:http';

/** The embedded child's stdout line once its own /health/ready said 200. */
export const READY_LINE = 'llmdbench sim ready';

/** The HTTP status of GET `url` (0 on a connection error or after 1 s). */
export function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** True when the simulator at `baseUrl` answers /health/ready with 200 now. */
export async function healthReady(baseUrl: string): Promise<boolean> {
  return (await getStatus(`${baseUrl}/health/ready`)) === 200;
}
