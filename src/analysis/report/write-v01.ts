/**
 * CommonReport → llm-d benchmark report v0.1 (`benchmark_report,_<native>.yaml`),
 * field by field as upstream's native_to_br0_1: throughputs are plain numbers (the
 * Statistics' means), `scenario.model.name` is the harness's model or "unknown",
 * `metrics.time` in seconds. Required fields upstream fills with 0 stay 0.
 */
import { plain } from './pyjson.ts';
import { prune } from './prune.ts';
import type { CommonReport, RunContext, Stats } from './types.ts';

const zeroIfMissing = (s: Stats | undefined, units: string): Stats => s ?? { units, mean: 0 };

export function toV01(c: CommonReport, ctx: RunContext): Record<string, unknown> {
  const req = c.v01Requests ?? c.requests;
  const lat = c.latency;
  const tp = c.throughput;
  const report = {
    version: '0.1',
    scenario: {
      model: { name: c.model ?? ctx.model ?? 'unknown' },
      load: { name: c.harness, args: c.v01LoadArgs === undefined ? undefined : plain(c.v01LoadArgs), metadata: c.v01LoadMetadata },
      ...(c.v01Extra?.scenario ?? {}),
    },
    metrics: {
      time: c.v01Time,
      requests: {
        total: req.total,
        failures: req.failures,
        incomplete: req.incomplete,
        input_length: zeroIfMissing(req.inputLength, 'count'),
        output_length: zeroIfMissing(req.outputLength, 'count'),
      },
      latency: {
        time_to_first_token: zeroIfMissing(lat.ttft, c.v01LatencyUnits ?? 's'),
        normalized_time_per_output_token: lat.ntpot,
        time_per_output_token: lat.tpot,
        inter_token_latency: lat.itl,
        request_latency: lat.requestLatency,
      },
      throughput: {
        input_tokens_per_sec: c.v01InputTokensPerSec ? tp.inputTokenRate?.mean : undefined,
        output_tokens_per_sec: tp.outputTokenRate?.mean,
        total_tokens_per_sec: tp.totalTokenRate?.mean ?? 0,
        requests_per_sec: tp.requestRate?.mean,
      },
      ...(c.v01Extra?.metrics ?? {}),
      // Goodput has no schema field; metrics.metadata takes any content.
      ...(c.goodput ? { metadata: { ...((c.v01Extra?.metrics?.['metadata'] as Record<string, unknown> | undefined) ?? {}), goodput: c.goodput } } : {}),
    },
  };
  return prune(report);
}
