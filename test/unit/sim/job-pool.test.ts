/**
 * The engine reuses per-request state (src/sim/job.ts). A job must go back to the pool only
 * when nothing can reach it any more: these tests finish requests while their prompt count is
 * still deferred (off-loop, or in the between-turns queue), start other requests meanwhile, and
 * check every request's own trace and metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSimConfig } from '../../../src/sim/sources.ts';
import { SimEngine } from '../../../src/sim/engine.ts';
import type { Sink } from '../../../src/sim/sink.ts';
import { parseRequest, isApiError, type ParsedRequest } from '../../../src/sim/request.ts';

class CaptureSink implements Sink {
  readonly chunked = false;
  status = 0;
  body = '';
  ended = false;
  private readonly onEnd: () => void;
  readonly done: Promise<void>;
  constructor() {
    let res: () => void = () => {};
    this.done = new Promise<void>((r) => (res = r));
    this.onEnd = res;
  }
  head(status: number): void {
    this.status = status;
  }
  writeBytes(b: Uint8Array): void {
    this.body += Buffer.from(b).toString('utf8');
  }
  end(s?: string): void {
    if (s) this.body += s;
    this.ended = true;
    this.onEnd();
  }
  get closed(): boolean {
    return this.ended;
  }
}

function engine(): SimEngine {
  return new SimEngine(buildSimConfig({ preset: 'instant', overrides: { model: 'm', 'time-to-first-token': '1ms', 'inter-token-latency': '1ms', 'trace-capacity': 100 } }));
}

function req(prompt: string, tokens: number): ParsedRequest {
  const p = parseRequest('completion', { model: 'm', prompt, max_tokens: tokens, ignore_eos: true, stream: true });
  assert.ok(!isApiError(p));
  return p;
}

/** The SSE events of a (non-chunked) stream body. */
function events(body: string): string[] {
  return body.split('\n\n').filter(Boolean);
}

test('job pool: a finished job waiting for its off-loop count is not reused by the next requests', async () => {
  const e = engine();
  const pending: Array<(n: number) => void> = [];
  e.offCount = () => new Promise<number | undefined>((resolve) => pending.push(resolve));
  const sinks: CaptureSink[] = [];
  // A finishes (3 tokens) with its count still in flight; B and C start after it and finish too.
  for (const [id, n] of [['a', 3], ['b', 4], ['c', 2]] as const) {
    const s = new CaptureSink();
    sinks.push(s);
    assert.equal(e.submit(req(`prompt ${id}`, n), s, id), undefined);
    await s.done;
  }
  assert.equal(pending.length, 3);
  // Counts arrive out of order.
  pending[2]!(30);
  pending[0]!(10);
  pending[1]!(20);
  await new Promise((r) => setImmediate(r));
  for (const [i, [id, n, count]] of ([['a', 3, 10], ['b', 4, 20], ['c', 2, 30]] as const).entries()) {
    const ev = events(sinks[i]!.body);
    assert.equal(ev.length, n + 1, `${id}: ${n} token events + [DONE]`);
    assert.ok(ev.slice(0, n).every((x) => x.includes(`"id":"cmpl-${id}"`)), `${id}: every chunk carries its own id`);
    const tr = e.trace.get(id);
    assert.ok(tr, `trace of ${id}`);
    assert.equal(tr.id, `cmpl-${id}`);
    assert.equal(tr.promptTokens, count, `${id}: its own prompt count`);
    assert.equal(tr.completionTokens, n);
    assert.equal(tr.tokenDueMs.length, n);
    assert.equal(tr.tokenSentMs.length, n);
  }
  assert.equal(e.metrics.reqPrompt.sum, 60, 'each count booked once');
  await e.stop();
});

test('job pool: counts deferred to the between-turns queue book the right request, also when the job is reused meanwhile', async () => {
  const e = engine();
  const sinks: CaptureSink[] = [];
  const prompts = ['one', 'one two three four five', 'one two', 'one two three four five six seven eight'];
  // Overlapping requests (submitted together) and sequential ones (a finished job's state reused).
  for (let round = 0; round < 3; round++) {
    const batch = prompts.map((p, i) => {
      const s = new CaptureSink();
      sinks.push(s);
      assert.equal(e.submit(req(p, 2 + i), s, `r${round}-${i}`), undefined);
      return s.done;
    });
    await Promise.all(batch);
  }
  e.flushCounts();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < prompts.length; i++) {
      const tr = e.trace.get(`r${round}-${i}`);
      assert.ok(tr);
      assert.equal(tr.promptTokens, e.countPrompt(req(prompts[i]!, 1)), `r${round}-${i}: its own prompt's count`);
      assert.equal(tr.completionTokens, 2 + i);
      assert.equal(events(sinks[round * prompts.length + i]!.body).length, 2 + i + 1);
    }
  }
  await e.stop();
});
