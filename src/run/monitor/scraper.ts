/**
 * Monitoring (`-f`): scrape a list of Prometheus endpoints every N seconds while the load runs,
 * writing each answer as it arrives to `<results>/metrics/raw/<target>_<epoch ms>_metrics.txt`
 * with upstream's header (`# Timestamp:`, `# Pod:`, `# PodIP:`, `# Source: prometheus_metrics`;
 * llm-d-benchmark collect_metrics.sh). Target-agnostic: locally the endpoint's /metrics, on
 * Kubernetes the serving pods' URLs.
 * Never disturbs the load: its own undici Client per target (one connection, never the load's
 * pool), timers unref'd, at most one scrape per target in flight (a slow server skips ticks),
 * nothing kept in memory but counters; a failed scrape is a warning (bounded list), never a throw.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { undici } from '../../util/undici.ts';

export interface ScrapeTarget {
  /** File-name-safe label (a pod name, or host_port locally). */
  name: string;
  /** Full URL of the metrics, e.g. http://127.0.0.1:8000/metrics. */
  url: string;
}

export interface ScraperOptions {
  targets: readonly ScrapeTarget[];
  intervalMs: number;
  /** `<results>/metrics`. */
  dir: string;
  /** Per-scrape timeout (upstream curl --max-time 30 s); default min(30 s, interval). */
  timeoutMs?: number;
}

export interface ScrapeReport {
  snapshots: number;
  failures: number;
  /** At most MAX_WARNINGS, then a count of the rest. */
  warnings: string[];
}

const MAX_WARNINGS = 20;

/** `http://127.0.0.1:8000/v1` → `127.0.0.1_8000`. */
export function targetName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}_${u.port || (u.protocol === 'https:' ? '443' : '80')}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Local targets: each endpoint's metrics path (the embedded simulator or the user's server). */
export function endpointTargets(endpointUrls: readonly string[], path = '/metrics'): ScrapeTarget[] {
  return endpointUrls.map((e) => {
    const u = new URL(e);
    return { name: targetName(e), url: `${u.protocol}//${u.host}${path.startsWith('/') ? path : `/${path}`}` };
  });
}

export interface Scraper {
  /** Settles when the first snapshot of every target was written or failed (bounded by the timeout): await it before the load starts, so counters' increases cover the whole run. */
  readonly first: Promise<void>;
  /** Stops the timer, takes one last snapshot of every target, waits for the writes. */
  stop(): Promise<ScrapeReport>;
}

/** Starts scraping now (a first snapshot right away) and every `intervalMs` until stop(). */
export function startScraper(o: ScraperOptions): Scraper {
  const raw = join(o.dir, 'raw');
  mkdirSync(raw, { recursive: true });
  const timeoutMs = o.timeoutMs ?? Math.min(30_000, Math.max(1000, o.intervalMs));
  const report: ScrapeReport = { snapshots: 0, failures: 0, warnings: [] };
  let extraWarnings = 0;
  const warn = (w: string): void => {
    if (report.warnings.length < MAX_WARNINGS) report.warnings.push(w);
    else extraWarnings++;
  };
  const clients = o.targets.map((t) => {
    const u = new URL(t.url);
    return { t, path: `${u.pathname}${u.search}`, client: new (undici().Client)(u.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }), busy: undefined as Promise<void> | undefined };
  });
  const scrapeOne = async (c: (typeof clients)[number]): Promise<void> => {
    try {
      const res = await c.client.request({ method: 'GET', path: c.path, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.body.text();
      const ts = Date.now();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      const header = `# Timestamp: ${new Date(ts).toISOString()}\n# Pod: ${c.t.name}\n# PodIP: ${new URL(c.t.url).hostname}\n# Source: prometheus_metrics\n`;
      await writeFile(join(raw, `${c.t.name}_${ts}_metrics.txt`), header + text);
      report.snapshots++;
    } catch (e) {
      report.failures++;
      warn(`metrics scrape of ${c.t.url} failed at ${new Date().toISOString()}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const tick = (): void => {
    for (const c of clients) {
      if (c.busy) continue; // a slow target skips this tick rather than piling up
      c.busy = scrapeOne(c).finally(() => {
        c.busy = undefined;
      });
    }
  };
  tick();
  const first = Promise.all(clients.map((c) => c.busy)).then(() => undefined);
  const timer = setInterval(tick, o.intervalMs);
  timer.unref();
  return {
    first,
    async stop(): Promise<ScrapeReport> {
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.busy));
      tick();
      await Promise.all(clients.map((c) => c.busy));
      await Promise.all(clients.map((c) => c.client.close().catch(() => undefined)));
      if (extraWarnings > 0) report.warnings.push(`… and ${extraWarnings} more scrape failures`);
      return report;
    },
  };
}
