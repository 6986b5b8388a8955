import { Registry } from '../../util/registry.ts';
import { concurrentSchedule } from './concurrent.ts';
import { constantSchedule, evenSchedule } from './constant.ts';
import { gammaSchedule } from './gamma.ts';
import { evenlySpacedSchedule, exponentialSchedule } from './guidellm.ts';
import { multiRoundQaSchedule } from './multi-round-qa.ts';
import { poissonSchedule } from './poisson.ts';
import { traceReplaySchedule } from './trace.ts';
import type { SchedulePlugin } from './types.ts';

/** Every stage schedule, keyed by kind. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const schedules = new Registry<string, SchedulePlugin<any>>('schedule');

schedules.register(constantSchedule).register(evenSchedule).register(poissonSchedule).register(gammaSchedule).register(concurrentSchedule).register(traceReplaySchedule).register(evenlySpacedSchedule).register(exponentialSchedule).register(multiRoundQaSchedule);
