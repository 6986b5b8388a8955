/**
 * A real short run (the CLI, against the embedded simulator) of the very profile a real
 * inference-perf v0.6.1 ran for ../shared/upstream/samples/inference-perf/v0.6.1-run/: every
 * native file has v0.6.1's keys and nesting (null vs object included), config.yaml matches it
 * line for line except the run's own values, and the new numbers agree with the raw records:
 * request_size_bytes with the bytes each request body had, the same-read share in
 * loadgen_health.json and summary.txt with the records' counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { onlyDir, readJson, runCli, tmp, upstream } from './helpers.ts';
import { shapeDiff } from '../../helpers/json-shape.ts';
import { percentile } from '../../../src/metrics/stats.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SAMPLE = join(upstream, 'samples', 'inference-perf', 'v0.6.1-run');
const sample = (f: string): J => readJson<J>(join(SAMPLE, f));

test('run: the v0.6.1 sample profile against the embedded simulator writes v0.6.1-shaped files', { timeout: 120_000 }, async () => {
  const wd = tmp('run-v061');
  const profile = join(wd, 'v061_profile.yaml');
  copyFileSync(join(SAMPLE, 'profile.yaml'), profile);
  const r = await runCli(['run', '--workdir', wd, '-w', profile, '-o', 'duration=3']);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const res = onlyDir(wd, 'results');

  const summary = readJson<J>(join(res, 'summary_lifecycle_metrics.json'));
  // Python's JSON conventions: floats spelled as floats, ASCII only, no trailing newline.
  const text = readFileSync(join(res, 'summary_lifecycle_metrics.json'), 'utf8');
  assert.match(text, /"images_per_sec": 0\.0,\n/);
  assert.match(text, /"count": \d+,\n/);
  const perText = readFileSync(join(res, 'per_request_lifecycle_metrics.json'));
  assert.ok(perText.every((byte) => byte < 0x80) && text.endsWith('}'));
  assert.deepEqual(shapeDiff(summary, sample('summary_lifecycle_metrics.json')), []);
  assert.deepEqual(shapeDiff(readJson(join(res, 'stage_0_lifecycle_metrics.json')), sample('stage_0_lifecycle_metrics.json')), []);
  const per = readJson<J[]>(join(res, 'per_request_lifecycle_metrics.json'));
  const refEntry = sample('per_request_lifecycle_metrics.json')[0];
  assert.equal(per.length, summary.load_summary.count);
  for (const e of per) assert.deepEqual(shapeDiff(e, refEntry), []);

  const ours = readFileSync(join(res, 'config.yaml'), 'utf8');
  const ref = readFileSync(join(SAMPLE, 'config.yaml'), 'utf8');
  assert.deepEqual(shapeDiff(parse(ours), parse(ref)), []);
  const own = /^\s*(duration|num_workers|base_seed|path|base_url):/;
  const a = ours.split('\n');
  const b = ref.split('\n');
  assert.equal(a.length, b.length);
  a.forEach((l, i) => {
    if (!own.test(l)) assert.equal(l, b[i], `config.yaml line ${i + 1}`);
  });

  // Raw records: request bytes and same-read counts; nothing verbatim in records.jsonl.
  const recs = readFileSync(join(res, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as J);
  assert.ok(recs.every((x) => x.raw === undefined && typeof x.requestBytes === 'number' && typeof x.sameReadChunks === 'number'));
  const byStart = new Map(recs.map((x) => [x.sentAtMs / 1000, x]));
  for (const e of per) {
    const rec = byStart.get(e.start_time)!;
    assert.equal(Buffer.byteLength(e.request, 'utf8'), rec.requestBytes, 'request_size_bytes is the body as sent');
    const rm = e.info.response_metrics;
    assert.equal(rm.response_chunks.length, rm.chunk_times.length);
    assert.ok(e.response.startsWith('data: ') && e.response.endsWith('data: [DONE]\n\n'));
    assert.equal(rm.server_usage.total_tokens, rm.server_usage.prompt_tokens + rm.server_usage.completion_tokens);
    assert.deepEqual(Object.keys(rm.server_usage.prompt_tokens_details), ['cached_tokens']);
    for (const c of rm.response_chunks) assert.ok(e.response.includes(`data: ${c}\n\n`));
  }
  const sizes = recs.map((x) => x.requestBytes as number).sort((x, y) => x - y);
  assert.equal(summary.successes.request_size_bytes.mean, sizes.reduce((x, y) => x + y, 0) / sizes.length);
  assert.equal(summary.successes.request_size_bytes.p90, percentile(sizes, 90));

  const health = readJson<J>(join(res, 'loadgen_health.json'));
  const gaps = recs.reduce((n, x) => n + Math.max(0, x.chunkTimesMs.length - 1), 0);
  const same = recs.reduce((n, x) => n + x.sameReadChunks, 0);
  assert.deepEqual(health.sameReadGaps, { gaps, sameRead: same, share: same / gaps });
  // Same-read events carry identical stamps: the count equals the exact-zero gaps.
  const zeros = recs.reduce((n, x) => n + x.chunkTimesMs.filter((t: number, i: number) => i > 0 && t === x.chunkTimesMs[i - 1]).length, 0);
  assert.equal(zeros, same);
  const txt = readFileSync(join(onlyDir(wd, 'analysis'), 'summary.txt'), 'utf8');
  assert.match(txt, new RegExp(`stream events in the same read as the previous one: [0-9.]+% of ${gaps} gaps \\(${same} gaps of exactly 0 ms\\)`));
});
