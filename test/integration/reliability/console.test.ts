/**
 * Failure reasons on the console (issue 12): the final table lists the top failure labels with
 * counts and an example message; a server that starts failing 44 % of requests mid-run gets a
 * warning while the run goes on (failure rate of the last interval past 10 %).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTruthServer } from '../../helpers/truth-server.ts';
import { runCli, tmp } from '../run/helpers.ts';
import { truthProfile } from './helpers.ts';

test('every request failing: the final table names the failure label, its count and an example message', async () => {
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 }, { faultFor: () => ({ kind: 'status', status: 503, body: 'overloaded: try later' }) });
  try {
    const wd = tmp('rel-allfail');
    const r = await runCli(['run', '--workdir', wd, '-w', truthProfile(wd, { rate: 8, duration: 1 }), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /failure rate \(%\)\s+100\.00/);
    assert.match(r.stdout, /^failures \(8 of 8\):$/m);
    assert.match(r.stdout, /^ {2}503 - Service Unavailable {2}8 {2}e\.g\. "HTTP 503: overloaded: try later"$/m);
  } finally {
    await truth.close();
  }
});

test('a server failing 44 % of requests from the middle of the run on: a warning during the run', async () => {
  // Requests 0..29 succeed; from then on 4 of every 9 answer 500.
  const truth = await startTruthServer({ ttftMs: 2, itlMs: 1, chunks: 3 }, { faultFor: (n) => (n >= 30 && n % 9 < 4 ? { kind: 'status', status: 500, body: 'boom' } : { kind: 'none' }) });
  try {
    const wd = tmp('rel-midfail');
    const r = await runCli(['run', '--workdir', wd, '-w', truthProfile(wd, { rate: 20, duration: 5 }), '--endpoint', truth.url, '-m', 'truth-model']);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => /requests failed \(\d+ %\), mostly/.test(l));
    assert.ok(warnings.length >= 1, r.stderr);
    // Every warning names the label and an example; the interval that straddles request 30 may
    // read lower (e.g. 5 of 45), but one interval wholly after it reads about 4 of 9 (44 %).
    for (const w of warnings) assert.match(w, /^warn(ing)?\b.*of the last \d+ requests failed \(\d+ %\), mostly 500 - Internal Server Error \(\d+\), e\.g\. "HTTP 500: boom"/);
    const shares = warnings.map((w) => Number(/failed \((\d+) %\)/.exec(w)![1]));
    assert.ok(shares.some((s) => s >= 30 && s < 60), `no interval near 44 %: ${shares.join(', ')} %\n${r.stderr}`);
    assert.match(r.stdout, /^failures \(\d+ of 100\):$/m);
  } finally {
    await truth.close();
  }
});
