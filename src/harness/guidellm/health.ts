/**
 * Load-generator health (loadgen_health.json) over a GuideLLM run's strategies: each strategy is
 * its own engine run, so their stages, records and thread health are merged before
 * src/metrics' loadgenHealth gives the verdict (was our client, or the machine, the bottleneck?).
 */
import type { LoadHealth, LoadResult } from '../../engine/loadgen/types.ts';
import { RecordColumns } from '../../engine/loadgen/columns.ts';
import { loadgenHealth } from '../../metrics/health.ts';
import type { LoadgenHealthFile } from '../../metrics/seed-summary.ts';

export function mergedHealth(results: readonly LoadResult[]): LoadgenHealthFile {
  const cpu = { userMs: 0, systemMs: 0, wallMs: 0, utilisation: 0, cores: 1 };
  const health: LoadHealth = { threads: [], cpu, maxInFlight: 0, samples: [], workers: 0 };
  for (const r of results) {
    health.threads.push(...r.health.threads);
    cpu.userMs += r.health.cpu.userMs;
    cpu.systemMs += r.health.cpu.systemMs;
    cpu.wallMs += r.health.cpu.wallMs;
    cpu.cores = r.health.cpu.cores;
    health.maxInFlight = Math.max(health.maxInFlight, r.health.maxInFlight);
    health.samples.push(...r.health.samples);
    health.workers = Math.max(health.workers, r.health.workers);
  }
  cpu.utilisation = cpu.wallMs > 0 ? (cpu.userMs + cpu.systemMs) / cpu.wallMs : 0;
  const rep = loadgenHealth(RecordColumns.merge(results.map((r) => r.columns)), results.flatMap((r) => r.stages), health);
  return { client_bottleneck: rep.clientBottleneck, warnings: rep.reasons, notes: [], ...rep };
}
