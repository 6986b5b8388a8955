/**
 * fmperf / LMBenchmark: the per-request row definitions on a hand-made record, the CSV against
 * the real LMBench_sharegpt CSVs llm-d collected (../shared/upstream/samples/fmperf), the
 * summary, and what each scenario script runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { upstreamDir } from '../../../helpers/upstream.ts';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { lmbenchDerived, lmbenchRow, lmbenchSummary } from '../../../../src/metrics/lmbench.ts';
import { lmbenchCsv } from '../../../../src/harness/fmperf/outputs.ts';
import { resolveFmperf, scenarioRun } from '../../../../src/harness/fmperf/config-map.ts';
import { planPhases } from '../../../../src/harness/fmperf/load-map.ts';

const anchor = { monoMs: 1000, epochMs: 1_746_154_385_000 };
// sent at mono 2000 (epoch …387.0 s); first content 2150 (TTFT 0.15 s); end 3150 (generation 1.0 s)
const r: RequestRecord = {
  id: 0, stage: 0, worker: 0, api: 'chat', stream: true, scheduledAtMs: 2000, sentAtMs: 2000, chunkTimesMs: [2150, 2400, 3100], chunkTokens: [1, 1, 1], endAtMs: 3150,
  firstChoiceAtMs: 2100, promptTokensServer: 689, completionTokensServer: 11, tags: { user: 7, question: 3 },
};
const close = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-6, `${a} vs ${b}`);

test('row: TTFT to the first content chunk (not the role chunk), generation time to the end, epoch seconds, usage tokens', () => {
  const row = lmbenchRow(r, anchor)!;
  close(row.ttft, 0.15);
  close(row.generation_time, 1.0);
  close(row.launch_time, 1_746_154_386);
  close(row.finish_time, 1_746_154_387.15);
  assert.equal(row.prompt_tokens, 689);
  assert.equal(row.generation_tokens, 11);
  assert.equal(row.user_id, 7);
  assert.equal(row.question_id, 3);
  assert.equal(lmbenchRow({ ...r, error: { label: 'timeout', message: 't' } }, anchor), undefined);
  // llm-d's conversion: latency 1.15 s, TPOT = (1.15 − 0.15)/10
  const d = lmbenchDerived(row);
  close(d.latencyS, 1.15);
  close(d.tpotS, 0.1);
});

test('summary: finished requests in the window, token rates, per-request generation speed, mean TTFT', () => {
  const a = lmbenchRow(r, anchor)!;
  const b = { ...a, prompt_tokens: 311, generation_tokens: 21, ttft: 0.25, generation_time: 0.5, finish_time: a.finish_time + 1 };
  const late = { ...a, finish_time: a.finish_time + 100 };
  const s = lmbenchSummary([a, b, late], { qps: 0.5, pending: 1, startS: a.launch_time, endS: a.launch_time + 2.3 });
  assert.equal(s.finished, 2);
  close(s.windowS, 2.3);
  close(s.finishedPerS, 2 / s.windowS); // the window in epoch seconds carries ~1e-7 s of rounding
  close(s.inputTokensPerS, 1000 / s.windowS);
  close(s.outputTokensPerS, 32 / s.windowS);
  close(s.generationTokensPerSPerRequest, (11 / 1 + 21 / 0.5) / 2);
  close(s.meanTtftS, 0.2);
  assert.equal(s.pending, 1);
});

test('CSV: the sharegpt replay has the real files\' header; multi-round QA adds user_id and question_id; Python floats', () => {
  const dir = join(upstreamDir, 'samples', 'fmperf', 'exp-0-baseline-llm-d-70b');
  const files = readdirSync(dir).filter((f) => /^LMBench_sharegpt_output_[\d.]+\.csv$/.test(f));
  assert.ok(files.length >= 6);
  const header = readFileSync(join(dir, files[0]!), 'utf8').split('\n')[0];
  const row = lmbenchRow({ ...r, tags: {} }, anchor)!;
  const ours = lmbenchCsv([row], false).split('\n');
  assert.equal(ours[0], header);
  assert.equal(ours[1], '689,11,0.15,1.0,1746154386.0,1746154387.15');
  assert.equal(lmbenchCsv([lmbenchRow(r, anchor)!], true).split('\n')[0], 'prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time');
  // every sample row parses into the same columns our rows have
  const sampleRow = readFileSync(join(dir, files[0]!), 'utf8').split('\n')[1]!.split(',');
  assert.equal(sampleRow.length, ours[1]!.split(',').length);
});

test('CSV row order: users that finished all rounds first (by their last answer), then active users by id; rows by question', () => {
  const row = (user: number, q: number, finish: number): ReturnType<typeof lmbenchRow> & object => ({ ...lmbenchRow(r, anchor)!, user_id: user, question_id: q, finish_time: finish });
  // R = 2: user 4 finished at 10, user 2 finished at 12, users 3 and 5 still active
  const rows = [row(5, 1, 9), row(2, 2, 12), row(3, 1, 8), row(4, 1, 5), row(4, 2, 10), row(2, 1, 3)];
  const order = lmbenchCsv(rows, true, 2).trim().split('\n').slice(1).map((l) => l.split(',').slice(4, 6).join('#'));
  assert.deepEqual(order, ['4#1', '4#2', '2#1', '2#2', '3#1', '5#1']);
});

test('scenarios: long-input takes the profile values and a warm-up run; short-input is hard-coded; file names per script', () => {
  const c = resolveFmperf({ model_name: 'm', scenarios: 'long-input short-input', qps_values: '0.1 1.0', num_users_warmup: 4, num_users: 3, num_rounds: 5, system_prompt: 256, chat_history: 1024, answer_len: 32, init_user_id: 1, test_duration: 2, use_chat_completions: false });
  assert.deepEqual(c.qps, [0.1, 1]);
  assert.equal(c.useChat, false);
  const li = scenarioRun(c, 'long-input');
  assert.deepEqual([li.users, li.rounds, li.systemPrompt, li.chatHistory, li.answerLen, li.durationS], [3, 5, 256, 1024, 32, 2]);
  assert.deepEqual(li.warmup, { users: 1, rounds: 2, qps: 2, durationS: 2 });
  assert.equal(li.csvName('1.0'), 'LMBench_long_input_output_1.0.csv');
  const si = scenarioRun(c, 'short-input');
  assert.deepEqual([si.users, si.rounds, si.systemPrompt, si.chatHistory, si.answerLen, si.durationS], [320, 20, 1, 1, 20, 100]);
  assert.equal(si.csvName('0.1'), 'LMBench_short_input_qps0.1.csv');
  assert.equal(scenarioRun(c, 'sharegpt').csvName('0.5'), 'LMBench_sharegpt_output_0.5.csv');
  assert.deepEqual(resolveFmperf({ scenarios: 'all' }).scenarios, ['sharegpt', 'short-input', 'long-input']);
  // phases of long-input: per qps engine warm-up, warm-up run, engine warm-up, measured; users from init + k·warmup
  const phases = planPhases(c, [li], 0);
  assert.deepEqual(phases.map((p) => `${p.qpsText}:${p.kind}`), ['0.1:engine-warmup', '0.1:warmup', '0.1:engine-warmup', '0.1:measured', '1.0:engine-warmup', '1.0:warmup', '1.0:engine-warmup', '1.0:measured']);
  assert.deepEqual(phases.map((p) => p.plan.stage), [0, 1, 2, 3, 4, 5, 6, 7]);
  const firstUser = (k: number): number => Math.min(...phases[k]!.turns!.map((t) => t.user));
  // qps 0.1 (users from 2): only the joining user 5 asks within 2 s; qps 1 (users from 6): user 7 (steady state, next at 1 s)
  assert.deepEqual([firstUser(3), firstUser(7)], [5, 7]);
  assert.equal(phases[3]!.cutoffMs, 2100);
});
