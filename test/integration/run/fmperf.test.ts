/**
 * `llmdbench run -l fmperf` (real CLI) against the ground-truth server, which records what it
 * received (headers, messages) and when it wrote each chunk: LMBenchmark's load model (engine
 * warm-up, warm-up run, then users asking every U/qps s with one request in flight each and a
 * conversation that grows each round) and the CSV's per-request values agree with what the
 * server did. Tolerances (loaded 2-core machine): TTFT never below the server's first-chunk
 * delay (0.5 ms slack) and its median within 5 ms of it; generation time median within 5 ms of
 * the server's first chunk → end; token counts exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { onlyDir, runCli, tmp } from './helpers.ts';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

test('fmperf long-input against the ground-truth server: LMBenchmark load model and CSV values', async () => {
  const truth = await startTruthServer({ ttftMs: 30, itlMs: 8, chunks: 8, tokensPerChunk: 1 });
  try {
    const wd = tmp('run-fmperf');
    const f = join(wd, 'fm.yaml');
    writeFileSync(f, `model_name: truth-model
scenarios: "long-input"
qps_values: "4"
num_users_warmup: 2
num_users: 2
num_rounds: 3
system_prompt: 10
chat_history: 12
answer_len: 8
init_user_id: 1
test_duration: 2
use_chat_completions: true
`);
    const r = await runCli(['run', '--workdir', wd, '-l', 'fmperf', '-w', f, '--endpoint', truth.url, '-m', 'truth-model'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /Finished benchmarking, dumping summary to LMBench_long_input_output_4\.csv/);
    assert.match(r.stdout, /TTFT p50 \(ms\)/);
    const csv = readFileSync(join(onlyDir(wd, 'results'), 'LMBench_long_input_output_4.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time');
    const rows = csv.slice(1).map((l) => l.split(',').map(Number));

    const log = [...truth.log.values()].sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    const lastMsg = (t: (typeof log)[number]): string => {
      const m = t.body.messages as { role: string; content: string }[];
      return m[m.length - 1]!.content;
    };
    // engine warm-up (10), the warm-up run, engine warm-up (10), then the measured run
    assert.ok(log.slice(0, 10).every((t) => lastMsg(t).startsWith('WARMUP: ')));
    const measured = log.slice(log.findLastIndex((t) => lastMsg(t).startsWith('WARMUP: ')) + 1);
    assert.ok(measured.length >= rows.length && rows.length >= 6, `${rows.length} rows, ${measured.length} measured requests`);
    const key = (user: string | number, q: string | number): string => `${user}#${q}`;
    const byKey = new Map(measured.map((t) => [key(String(t.headers['x-user-id']), /question #(\d+)/.exec(lastMsg(t))![1]!), t]));
    const ttftErr: number[] = [];
    const genErr: number[] = [];
    for (const [pt, gt, ttft, gen, user, q] of rows) {
      const t = byKey.get(key(user!, q!));
      assert.ok(t, `row for user ${user} question ${q} was sent`);
      assert.equal(pt, t.promptTokens);
      assert.equal(gt, t.completionTokens);
      assert.equal(t.body.max_tokens, 8);
      const serverTtft = t.chunkWriteMs[0]! - t.receivedAtMs;
      assert.ok(ttft! * 1000 >= serverTtft - 0.5, `TTFT ${ttft! * 1000} < server ${serverTtft}`);
      ttftErr.push(ttft! * 1000 - serverTtft);
      genErr.push(gen! * 1000 - (t.endWriteMs! - t.chunkWriteMs[0]!));
    }
    assert.ok(median(ttftErr) < 5, `TTFT median error ${median(ttftErr)} ms`);
    assert.ok(Math.abs(median(genErr)) < 5, `generation time median error ${median(genErr)} ms`);

    // per user: one request in flight, a request every U/qps = 0.5 s, the conversation grows
    const byUser = new Map<string, typeof measured>();
    for (const t of measured) byUser.set(String(t.headers['x-user-id']), [...(byUser.get(String(t.headers['x-user-id'])) ?? []), t]);
    let followUps = 0;
    for (const [u, ts] of byUser) {
      for (let k = 1; k < ts.length; k++) {
        assert.ok(ts[k]!.receivedAtMs >= ts[k - 1]!.endWriteMs! - 0.5, `user ${u}: one request in flight`);
        const gap = ts[k]!.receivedAtMs - ts[k - 1]!.receivedAtMs;
        assert.ok(gap > 480 && gap < 560, `user ${u}: gap ${gap} ms, expected 500 on the 0.1 s tick`);
        const msgs = ts[k]!.body.messages as { role: string; content: string }[];
        assert.equal(msgs.length, 2 * k + 1, 'history grows by a question and an answer per round');
        assert.equal(msgs[2 * k - 1]!.content, ' hé'.repeat(8), 'the previous answer is sent back');
        followUps++;
      }
      const first = (ts[0]!.body.messages as { content: string }[])[0]!.content;
      assert.match(first, new RegExp(`^Hi, here's some system prompt: (hi ){10}For user ${u}, here are some other context: (hi ){12}\\.Here's question #\\d+`));
    }
    assert.ok(followUps >= 2, `${followUps} follow-up questions`);
  } finally {
    await truth.close();
  }
});
