/**
 * The plan-time ceiling: a unit whose profile plans more requests than LLMDBENCH_RUN_MAX_REQUESTS
 * (default 10 M) or an open-loop rate above LLMDBENCH_RUN_MAX_RATE (default 20,000 req/s) is
 * refused while planning, before anything is allocated or started (`-n` included), with the
 * numbers and the variable that lifts the ceiling. Without it `rate: 1000000` would spend
 * seconds and gigabytes drawing a schedule no host can send.
 */
import { harnesses } from '../harness/registry.ts';
import type { EffectiveConfig } from '../config/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import type { RunUnit } from './types.ts';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The problems of one unit against the ceilings of its configuration (empty: fine). */
export function ceilingProblems(unit: Pick<RunUnit, 'harness' | 'profile' | 'profileName'>, config: EffectiveConfig): string[] {
  const plugin = harnesses.loaded(unit.harness);
  if (!plugin.plannedLoad) return [];
  const maxRequests = Number(config.get('LLMDBENCH_RUN_MAX_REQUESTS') ?? '10000000');
  const maxRate = Number(config.get('LLMDBENCH_RUN_MAX_RATE') ?? '20000');
  const stages = plugin.plannedLoad(unit.profile);
  const out: string[] = [];
  for (const s of stages) {
    if (s.ratePerS !== undefined && s.ratePerS > maxRate) {
      out.push(`${unit.profileName} ${s.keyPath}: rate ${fmt(s.ratePerS)} req/s is above the ceiling of ${fmt(maxRate)} req/s (LLMDBENCH_RUN_MAX_RATE)`);
    }
  }
  const total = stages.reduce((a, s) => a + s.requests, 0);
  if (total > maxRequests) {
    out.push(`${unit.profileName}: ${fmt(total)} requests planned (${stages.map((s) => `${s.keyPath}: ${fmt(s.requests)}`).join(', ')}), above the ceiling of ${fmt(maxRequests)} (LLMDBENCH_RUN_MAX_REQUESTS)`);
  }
  return out;
}

/** Throw E_PLAN_TOO_LARGE naming every unit over a ceiling. */
export function checkCeilings(units: readonly RunUnit[]): void {
  const problems = [...new Set(units.flatMap((u) => ceilingProblems(u, u.config)))];
  if (problems.length === 0) return;
  throw new LlmdbenchError('E_PLAN_TOO_LARGE', `the plan is too large: ${problems[0]}`, {
    details: problems.slice(1),
    hint: 'lower the rate or duration (-o rate=...,duration=...), or lift the ceiling with LLMDBENCH_RUN_MAX_RATE / LLMDBENCH_RUN_MAX_REQUESTS if this host can really send that',
  });
}
