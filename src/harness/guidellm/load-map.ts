/**
 * GuideLLM's profile → strategies (one benchmark each) → engine StagePlans (harness-formats §3.2):
 *   synchronous  closed loop, 1 in flight;
 *   concurrent   closed loop, one strategy per `streams` value, in list order;
 *   throughput   closed loop at max_concurrency (GuideLLM releases every request at once, limited
 *                by max_concurrency; default 10240);
 *   constant     evenly spaced k/rate (schedule `evenly-spaced`), one strategy per rate;
 *   poisson      exponential gaps (schedule `exponential`), one strategy per rate;
 *   sweep        synchronous, throughput, then sweep_size − 2 rates linspace(r_sync, r_thr,
 *                sweep_size − 1)[1:] of strategy_type; the rates need the first two measured,
 *                so `sweepRates` is called by the run between strategies.
 * Constraints apply per strategy (list values index by strategy, the last one reused):
 * max_duration → a hard deadline (in-flight requests cancelled → incomplete), max_requests →
 * the request count, max_errors → the stage stops at that many errors, over_saturation → the
 * run's detector (over-saturation.ts) stops it, max_error_rate / max_global_error_rate → the run's
 * error-rate rule (error-rate.ts) stops it.
 * `data_loader.samples` > 0 makes the data finite: a strategy sends at most that many requests.
 */
import type { StagePlan } from '../../engine/types.ts';
import { schedules } from '../../engine/schedule/index.ts';
import { linspace } from '../../engine/schedule/sweep.ts';
import { Rng } from '../../util/rng.ts';
import { LlmdbenchError } from '../../util/errors.ts';
import { nth, type GlConfig, type GlConstraint } from './config-map.ts';
import { withPlan } from '../../engine/schedule/arrivals.ts';

export type GlStrategyType = 'synchronous' | 'concurrent' | 'throughput' | 'constant' | 'poisson';

/** One strategy = one benchmark in the report. */
export interface GlStrategy {
  index: number;
  type_: GlStrategyType;
  rate?: number;
  streams?: number;
  maxConcurrency: number;
  rampupDuration: number;
  /** The constraints in force (resolved for this strategy's index). */
  limits: { seconds?: number; count?: number; maxErrors?: number };
  plan: StagePlan;
}

/** GuideLLM's max_concurrency when none is set. */
export const DEFAULT_MAX_CONCURRENCY = 10240;

function limitsFor(cs: GlConstraint[], i: number): GlStrategy['limits'] {
  const out: GlStrategy['limits'] = {};
  for (const c of cs) {
    if (c.kind === 'max_duration') out.seconds = nth(c.seconds, i);
    else if (c.kind === 'max_requests') out.count = nth(c.count, i);
    else if (c.kind === 'max_errors') out.maxErrors = nth(c.count, i);
  }
  for (const k of Object.keys(out) as (keyof typeof out)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Constraints we accept but do not enforce (one note each). */
export function unenforcedNotes(cfg: GlConfig): string[] {
  const notes = cfg.spec.constraints
    .filter((c) => !['max_duration', 'max_requests', 'max_errors', 'over_saturation', 'max_error_rate', 'max_global_error_rate'].includes(c.kind))
    .map((c) => `constraint ${c.kind} is not enforced by llmdbench (the strategy runs to its duration/request limit)`);
  if (cfg.spec.constraints.some((c) => c.stopping_scope === 'all')) notes.push('stopping_scope: all is not implemented: every strategy runs');
  if (cfg.spec.profile.rampup_duration > 0 && cfg.spec.profile.kind !== 'constant' && cfg.spec.profile.kind !== 'sweep') notes.push(`rampup_duration is ignored for a ${cfg.spec.profile.kind} profile`);
  return notes;
}

/** Plan one strategy of a given type at index i. */
export function planStrategy(cfg: GlConfig, type_: GlStrategyType, i: number, value?: number): GlStrategy {
  const p = cfg.spec.profile;
  const limits = limitsFor(cfg.spec.constraints, i);
  // a finite dataset (data_loader.samples) ends the strategy when it runs out
  const samples = cfg.spec.data_loader.samples;
  if (samples > 0 && (limits.count === undefined || limits.count > samples)) limits.count = samples;
  const where = `strategy ${i} (${type_})`;
  if (limits.seconds === undefined && limits.count === undefined) {
    throw new LlmdbenchError('E_GL_UNBOUNDED', `${where} has no max_duration or max_requests constraint: it would never end`, {
      location: { keyPath: 'spec.constraints' },
      hint: 'add `- kind: max_duration` with `seconds` (or max_requests with `count`) to spec.constraints (legacy form: max_seconds / max_requests)',
    });
  }
  const maxConcurrency = p.max_concurrency ?? DEFAULT_MAX_CONCURRENCY;
  const extra = { ...(limits.maxErrors !== undefined ? { maxErrors: limits.maxErrors } : {}) };
  const base = { index: i, type_, maxConcurrency, rampupDuration: p.rampup_duration, limits };
  if (type_ === 'synchronous' || type_ === 'concurrent' || type_ === 'throughput') {
    const conc = type_ === 'synchronous' ? 1 : type_ === 'concurrent' ? value! : Math.min(maxConcurrency, limits.count ?? maxConcurrency);
    const plan: StagePlan = {
      kind: 'closed',
      stage: i,
      concurrency: conc,
      ...(limits.count !== undefined ? { maxRequests: limits.count } : {}),
      ...(limits.seconds !== undefined ? { durationMs: limits.seconds * 1000, hardDeadline: true } : {}),
      ...extra,
    };
    return { ...base, ...(type_ === 'concurrent' ? { streams: value! } : {}), plan };
  }
  const kind = type_ === 'poisson' ? 'exponential' : 'evenly-spaced';
  const stage = { rate: value!, ...(limits.seconds !== undefined ? { duration: limits.seconds } : {}), ...(limits.count !== undefined ? { count: limits.count } : {}), ...(type_ === 'constant' && p.rampup_duration > 0 ? { rampup: p.rampup_duration } : {}) };
  const plugin = schedules.get(kind);
  const issues = plugin.validate(stage, ['spec', 'profile']).filter((x) => x.severity === 'error');
  if (issues.length > 0) throw new LlmdbenchError('E_GL_CONFIG', `${where}: ${issues[0]!.message}`, { location: { keyPath: issues[0]!.path.join('.') } });
  const plan = plugin.plan(stage, i, new Rng(cfg.spec.seed.value).fork(i));
  return { ...base, rate: value!, plan: withPlan(plan, extra) };
}

/**
 * The strategies known before running: every one for synchronous/concurrent/throughput/
 * constant/poisson; for sweep only the first two (synchronous, throughput).
 */
export function planStrategies(cfg: GlConfig): GlStrategy[] {
  const p = cfg.spec.profile;
  switch (p.kind) {
    case 'synchronous':
      return [planStrategy(cfg, 'synchronous', 0)];
    case 'throughput':
      return [planStrategy(cfg, 'throughput', 0)];
    case 'concurrent':
      return need(p.streams, 'streams').map((s, i) => planStrategy(cfg, 'concurrent', i, s));
    case 'constant':
    case 'poisson':
      return need(p.rate, 'rate').map((r, i) => planStrategy(cfg, p.kind as 'constant' | 'poisson', i, r));
    case 'sweep':
      return [planStrategy(cfg, 'synchronous', 0), planStrategy(cfg, 'throughput', 1)];
    default:
      throw new LlmdbenchError('E_GL_UNSUPPORTED', `profile kind ${String(p.kind)} is not supported by llmdbench`, { location: { keyPath: 'spec.profile.kind' }, hint: 'use synchronous, concurrent, throughput, constant, poisson or sweep' });
  }
}

function need(v: number[] | undefined, what: string): number[] {
  if (!v || v.length === 0) throw new LlmdbenchError('E_GL_CONFIG', `the profile needs ${what}`, { location: { keyPath: `spec.profile.${what}` } });
  return v;
}

/** Sweep: the async rates between the measured synchronous and throughput request rates. */
export function sweepRates(sweepSize: number, syncRate: number, throughputRate: number): number[] {
  if (!(syncRate > 0) && !(throughputRate > 0)) {
    throw new LlmdbenchError('E_GL_SWEEP', `sweep: the synchronous and throughput strategies both measured 0 successful requests/s; no rates to sweep`);
  }
  return linspace(syncRate, throughputRate, sweepSize - 1).slice(1);
}
