/**
 * inference-perf session lifecycle files (`stage_<N>_session_lifecycle_metrics.json`,
 * multi-turn): upstream's import_inference_perf_session. v0.2.1 carries
 * `results.session_performance`; v0.1 puts the same numbers in `metrics.metadata`.
 */
import { basename } from 'node:path';
import { fromInferencePerf, get, num } from '../stats-map.ts';
import type { CommonReport, RunContext } from '../types.ts';

export function readSession(file: string, res: unknown, _ctx: RunContext): CommonReport {
  const m = /stage_(\d+)_/.exec(basename(file));
  const stage = m ? Number(m[1]) : 0;
  const r = (k: string): unknown => get(res, [k]);
  const sps = num(r('sessions_per_second'));
  const sessions = {
    total: num(r('num_sessions')) ?? 0,
    succeeded: num(r('num_sessions_succeeded')),
    failed: num(r('num_sessions_failed')),
    total_events: num(r('total_events')),
    total_events_completed: num(r('total_events_completed')),
    total_events_cancelled: num(r('total_events_cancelled')),
    session_rate: sps === undefined ? undefined : { units: 'queries/s', mean: sps },
    session_duration: fromInferencePerf(r('session_duration_sec'), 's'),
    events_per_session: fromInferencePerf(r('num_events'), 'count'),
    events_cancelled_per_session: fromInferencePerf(r('num_events_cancelled'), 'count'),
    input_tokens_per_session: fromInferencePerf(r('total_input_tokens'), 'count'),
    output_tokens_per_session: fromInferencePerf(r('total_output_tokens'), 'count'),
  };
  const events = num(r('total_events')) ?? 0;
  return {
    harness: 'inference-perf',
    nativeFile: basename(file),
    v01Time: { duration: 0 },
    v01LoadMetadata: { stage, file_type: 'session_lifecycle' },
    load: {
      stage,
      source: 'unknown',
      inputSeqLen: { distribution: 'other', value: num(get(res, ['total_input_tokens', 'mean'])) ?? 0 },
      multiTurn: { enabled: true },
    },
    native: {},
    cfgIdOf: 'config',
    requests: {
      total: events,
      failures: events - (num(r('total_events_completed')) ?? 0),
      inputLength: { units: 'count', mean: num(get(res, ['total_input_tokens', 'mean'])) ?? 0 },
      outputLength: { units: 'count', mean: num(get(res, ['total_output_tokens', 'mean'])) ?? 0 },
    },
    latency: { ttft: { units: 's', mean: 0 } },
    throughput: { totalTokenRate: { units: 'tokens/s', mean: 0 } },
    sessions,
    v01Extra: {
      metrics: {
        metadata: {
          num_sessions: r('num_sessions'),
          num_sessions_succeeded: r('num_sessions_succeeded'),
          num_sessions_failed: r('num_sessions_failed'),
          total_events: r('total_events'),
          total_events_completed: r('total_events_completed'),
          total_events_cancelled: r('total_events_cancelled'),
          sessions_per_second: r('sessions_per_second'),
          session_duration: sessions.session_duration,
          num_events: sessions.events_per_session,
          num_events_cancelled: sessions.events_cancelled_per_session,
          total_input_tokens: sessions.input_tokens_per_session,
          total_output_tokens: sessions.output_tokens_per_session,
        },
      },
    },
  };
}
