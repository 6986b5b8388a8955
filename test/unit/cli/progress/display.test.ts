import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgressDisplay, formatProgressLine } from '../../../../src/cli/progress/display.ts';
import type { HarnessProgress } from '../../../../src/harness/types.ts';

const p: HarnessProgress = { stage: 0, stages: 2, sent: 12, completed: 10, failed: 1, inFlight: 2, planned: 30, requestedRate: 1, achievedRate: 0.98, ttftP50Ms: 12.34, elapsedS: 12 };

function sink(tty: boolean): { s: Writable & { isTTY?: boolean }; out: () => string } {
  let buf = '';
  const s = new Writable({ write(c, _e, cb) { buf += String(c); cb(); } }) as Writable & { isTTY?: boolean };
  s.isTTY = tty;
  return { s, out: () => buf };
}

test('progress line shows stage, counts, rates, TTFT p50', () => {
  const line = formatProgressLine('run1', p);
  assert.match(line, /stage 1\/2/);
  assert.match(line, /sent 12\/30/);
  assert.match(line, /ok 9 {2}failed 1 {2}in flight 2/);
  assert.match(line, /0\.98\/1\.00 req\/s/);
  assert.match(line, /TTFT p50 12\.3 ms/);
});

test('not a TTY: one plain line per interval and per stage change', () => {
  let now = 0;
  const { s, out } = sink(false);
  const d = createProgressDisplay({ stream: s, plainEveryMs: 5000, nowMs: () => now });
  d.update('u', p);
  now = 1000;
  d.update('u', p);
  now = 6000;
  d.update('u', p);
  now = 6100;
  d.update('u', { ...p, stage: 1 });
  assert.equal(out().split('\n').filter(Boolean).length, 3);
  assert.ok(!out().includes('\x1b'));
});

test('TTY: redraws in place and keeps log lines above the live line', () => {
  let now = 0;
  const { s, out } = sink(true);
  const d = createProgressDisplay({ stream: s, nowMs: () => now });
  d.update('u', p);
  d.write('warning: x\n');
  now = 500;
  d.update('u', p);
  d.stop();
  assert.ok(out().includes('\r\x1b[2K'));
  assert.ok(out().includes('warning: x\n'));
  assert.ok(!out().includes('\n\r'));
});

test('a stage that has sent everything it planned shows "draining: N in flight", not a falling rate', () => {
  const line = formatProgressLine('run1', { ...p, sent: 30, completed: 26, inFlight: 4, achievedRate: 0.57, requestedRate: 4 });
  assert.match(line, /failed 1 {2}draining: 4 in flight {2}TTFT/);
  assert.doesNotMatch(line, /req\/s/);
  assert.doesNotMatch(formatProgressLine('run1', { ...p, sent: 30, completed: 30, inFlight: 0 }), /draining/);
});
