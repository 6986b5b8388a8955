import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestTrace } from '../../../src/sim/trace.ts';
import { request } from 'undici';
import { startSim, post, get, completionBody, parseProm, MODEL } from './helpers.ts';

describe('sim slots, FIFO queue and 429', () => {
  it('runs max-num-seqs at once, queues the rest in order, and answers 429 when the queue is full', async () => {
    // TTFT long enough that nothing finishes while the test inspects the queue on a loaded box.
    const sim = await startSim({ 'max-num-seqs': 2, 'max-waiting-queue-length': 2, 'time-to-first-token': '500ms' });
    try {
      const started = [0, 1, 2, 3].map((i) => post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 1, prompt: `request ${i}` })));
      // Wait until all four have arrived (running + waiting), not a fixed delay a loaded host can outrun.
      let m = parseProm((await get(`${sim.url}/metrics`)).body);
      for (let tries = 0; tries < 100; tries++) {
        const n = (m.get(`vllm:num_requests_running{model_name="${MODEL}"}`) ?? 0) + (m.get(`vllm:num_requests_waiting{model_name="${MODEL}"}`) ?? 0);
        if (n >= 4) break;
        await new Promise((r) => setTimeout(r, 20));
        m = parseProm((await get(`${sim.url}/metrics`)).body);
      }
      assert.equal(m.get(`vllm:num_requests_running{model_name="${MODEL}"}`), 2);
      assert.equal(m.get(`vllm:num_requests_waiting{model_name="${MODEL}"}`), 2);
      const rejected = await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 1 }));
      assert.equal(rejected.status, 429);
      const e = (JSON.parse(rejected.body) as { error: { message: string; type: string } }).error;
      assert.equal(e.message, 'Failed to enqueue request, waiting requests queue is full');
      assert.equal(e.type, 'RateLimitError');
      const rs = await Promise.all(started);
      assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 200]);
      const traces = await Promise.all(rs.map(async (r) => JSON.parse((await get(`${sim.url}/admin/trace?id=${(JSON.parse(r.body) as { id: string }).id}`)).body) as RequestTrace));
      // (the four requests race on separate connections, so which two arrive first is not fixed)
      const wait = traces.map((t) => (t.startMs ?? NaN) - t.arrivalMs).sort((a, b) => a - b);
      assert.ok(wait[0]! < 20 && wait[1]! < 20, `two start at once: ${wait.join(', ')}`);
      assert.ok(wait[2]! > 400 && wait[3]! > 400, `two wait for a slot (~500 ms): ${wait.join(', ')}`);
      // FIFO: the queued ones start in arrival order.
      const queued = traces.filter((t) => (t.startMs ?? 0) - t.arrivalMs > 400).sort((a, b) => a.arrivalMs - b.arrivalMs);
      assert.ok((queued[0]?.startMs ?? 0) <= (queued[1]?.startMs ?? 0), 'queue is FIFO');
      const m2 = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m2.get(`vllm:request_queue_time_seconds_count{model_name="${MODEL}"}`), 4);
      assert.equal(m2.get(`vllm:num_requests_running{model_name="${MODEL}"}`), 0);
    } finally {
      await sim.close();
    }
  });

  it('max-waiting-queue-length 0 means no queue: 429 as soon as every slot is busy', async () => {
    const sim = await startSim({ 'max-num-seqs': 1, 'max-waiting-queue-length': 0, 'time-to-first-token': '100ms' });
    try {
      const first = post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 1 }));
      await new Promise((r) => setTimeout(r, 30));
      assert.equal((await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 1 }))).status, 429);
      assert.equal((await first).status, 200);
    } finally {
      await sim.close();
    }
  });

  it('a client that disconnects keeps its slot until its simulated generation ends', async () => {
    const sim = await startSim({ 'max-num-seqs': 1, 'time-to-first-token': '10ms', 'inter-token-latency': '10ms' });
    try {
      const ac = new AbortController();
      const res = await request(`${sim.url}/v1/completions`, { method: 'POST', body: JSON.stringify(completionBody({ stream: true, max_tokens: 20 })), signal: ac.signal });
      assert.equal(res.statusCode, 200);
      ac.abort();
      await new Promise((r) => setTimeout(r, 30));
      const m = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m.get(`vllm:num_requests_running{model_name="${MODEL}"}`), 1, 'the aborted request still holds the slot');
      await new Promise((r) => setTimeout(r, 400));
      const m2 = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m2.get(`vllm:num_requests_running{model_name="${MODEL}"}`), 0);
      assert.equal(m2.get(`vllm:request_success_total{model_name="${MODEL}",finished_reason="length"}`), 1);
    } finally {
      await sim.close();
    }
  });
});
