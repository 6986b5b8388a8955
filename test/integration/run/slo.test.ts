/**
 * `llmdbench run --slo`: refused at plan time when malformed (exit 2, nothing started), applied
 * by the end-of-run analysis (summary.json, goodput.json, the final table) and by `-z`, with the
 * goodput the records themselves give under the same bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRecords } from '../../../src/engine/record/reader.ts';
import { goodput, sloValuesMs } from '../../../src/metrics/slo.ts';
import { cleanEnv, onlyDir, readJson, runCli, tmp } from './helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('run --slo: a malformed value is refused before anything starts, saying what, where and how', async () => {
  const wd = join(tmp('run-slo-bad'), 'work');
  for (const bad of ['ttft=fast', 'speed=200ms', 'ttft=0ms', ',']) {
    const r = await runCli(['run', '--workdir', wd, '--slo', bad], { env: cleanEnv() });
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--slo/, bad);
    assert.match(r.stderr, /ttft=200ms,tpot=50ms/, `${bad}: an example of a good value`);
    assert.doesNotMatch(r.stderr, /simulator|work directory:/, `${bad}: nothing started`);
  }
  const env = await runCli(['run', '--workdir', wd, '-n'], { env: cleanEnv({ LLMDBENCH_HARNESS_SLO: 'ttft=abc' }) });
  assert.equal(env.code, 2, env.stderr);
  assert.match(env.stderr, /LLMDBENCH_HARNESS_SLO=ttft=abc \(from the environment\)/);
  assert.equal(existsSync(wd), false, 'no work directory made');
});

test('run --slo: the end-of-run analysis, summary.json, goodput.json and the final table carry goodput; -z applies its own --slo', async () => {
  const wd = tmp('run-slo');
  const r = await runCli(['run', '--workdir', wd, '--json', '--slo', 'ttft=200ms,tpot=50ms', '-o', 'duration=2,rate=6'], { env: cleanEnv() });
  assert.equal(r.code, 0, r.stderr);
  const res = onlyDir(wd, 'results');
  const ana = onlyDir(wd, 'analysis');
  const records = await readRecords(join(res, 'records.jsonl'));
  const out: J = JSON.parse(r.stdout);
  const g: J = out.results[0].summary.goodput;
  assert.deepEqual(g.slo_ms, { ttft: 200, tpot: 50 });
  const want = goodput(records, { ttft: 200, tpot: 50 });
  assert.equal(g.total_requests, records.length);
  assert.equal(g.good_requests, want.good);
  assert.equal(g.good_requests_per_s, want.ratePerS);
  assert.deepEqual(readJson<J>(join(ana, 'summary.json')).goodput, g);
  assert.equal(readJson<J>(join(ana, 'goodput.json')).all.good, want.good);
  assert.match(r.stderr, /goodput \(ttft≤200ms tpot≤50ms\): \d+\/\d+ requests/);

  // -z with a TTFT bound at the median: some requests meet it, some do not; the table shows the share.
  const ttfts = records.flatMap((x) => (x.error ? [] : [sloValuesMs(x).ttft!])).sort((a, b) => a - b);
  const bound = ttfts[Math.floor(ttfts.length / 2)]!;
  const z = await runCli(['run', '-z', '--workdir', wd, '--slo', `ttft=${bound}ms`], { env: cleanEnv() });
  assert.equal(z.code, 0, z.stderr);
  const share = goodput(records, { ttft: bound }).share;
  assert.ok(share > 0 && share < 1, `share ${share} strictly between 0 and 1`);
  const row = z.stdout.split('\n').find((l) => l.startsWith('goodput (% of requests)'));
  assert.ok(row, z.stdout);
  assert.equal(row.trim().split(/\s+/).pop(), (share * 100).toFixed(1));
  assert.match(z.stdout, new RegExp(`goodput: requests that succeeded and met every SLO \\(ttft≤${bound}ms\\)`));
  assert.equal(readJson<J>(join(ana, 'summary.json')).goodput.slo_ms.ttft, bound);
});
