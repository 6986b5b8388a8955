import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestTrace } from '../../../src/sim/trace.ts';
import { startSim, post, get, completionBody, chatBody, parseProm, MODEL } from './helpers.ts';

const L = `model_name="${MODEL}"`;

describe('sim /metrics and the prefix cache', () => {
  it('serves Prometheus text with vLLM names, and the counters move', async () => {
    const sim = await startSim({ 'time-to-first-token': '2ms', 'inter-token-latency': '1ms' });
    try {
      const before = parseProm((await get(`${sim.url}/metrics`)).body);
      for (const name of [
        'vllm:num_requests_running',
        'vllm:num_requests_waiting',
        'vllm:kv_cache_usage_perc',
        'vllm:prompt_tokens_total',
        'vllm:generation_tokens_total',
        'vllm:prefix_cache_queries_total',
        'vllm:prefix_cache_hits_total',
        'vllm:time_to_first_token_seconds_count',
        'vllm:inter_token_latency_seconds_count',
        'vllm:e2e_request_latency_seconds_count',
        'vllm:request_queue_time_seconds_count',
        'vllm:request_max_num_generation_tokens_count',
        'vllm:request_params_n_count',
        'vllm:num_preemptions_total',
      ]) {
        assert.ok(before.has(`${name}{${L}}`), `${name} is exported`);
      }
      assert.equal(before.get(`vllm:prompt_tokens_total{${L}}`), 0);
      await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 5 })); // 10 prompt tokens
      await post(`${sim.url}/v1/chat/completions`, chatBody({ max_tokens: 3, stream: true })); // 12 prompt tokens
      await post(`${sim.url}/v1/completions`, completionBody({ model: 'other' })); // 404: not counted
      const m = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m.get(`vllm:prompt_tokens_total{${L}}`), 22);
      assert.equal(m.get(`vllm:generation_tokens_total{${L}}`), 8);
      assert.equal(m.get(`vllm:request_success_total{${L},finished_reason="length"}`), 2);
      assert.equal(m.get(`vllm:time_to_first_token_seconds_count{${L}}`), 2);
      assert.equal(m.get(`vllm:inter_token_latency_seconds_count{${L}}`), 4 + 2);
      assert.equal(m.get(`vllm:e2e_request_latency_seconds_bucket{${L},le="+Inf"}`), 2);
      assert.ok((m.get(`vllm:time_to_first_token_seconds_sum{${L}}`) ?? 0) > 0.0039);
      assert.equal(m.get(`vllm:time_to_first_token_seconds_bucket{${L},le="0.001"}`), 0);
      assert.equal(m.get(`vllm:time_to_first_token_seconds_bucket{${L},le="0.005"}`), 2);
      assert.equal(m.get(`vllm:request_max_num_generation_tokens_sum{${L}}`), 8);
      assert.equal(m.get(`vllm:request_params_n_bucket{${L},le="1"}`), 2);
      const lora = [...m.entries()].find(([k]) => k.startsWith('vllm:lora_requests_info{'));
      assert.ok(lora, 'vllm:lora_requests_info is exported');
      assert.match(lora[0], /max_lora="1",running_lora_adapters="",waiting_lora_adapters=""/);
      assert.ok(Math.abs(lora[1] - Date.now() / 1000) < 60, 'its value is the unix time');
    } finally {
      await sim.close();
    }
  });

  it('histograms use vLLM\'s bucket boundaries (1-2-5 token buckets up to max-model-len)', async () => {
    const sim = await startSim({ 'max-model-len': 2048 });
    try {
      const text = (await get(`${sim.url}/metrics`)).body;
      const les = (name: string): string =>
        [...text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"\\}`, 'gm'))].map((m) => m[1]).join(',');
      const req = '0.3,0.5,0.8,1,1.5,2,2.5,5,10,15,20,30,40,50,60,120,240,480,960,1920,7680,+Inf';
      const itl = '0.01,0.025,0.05,0.075,0.1,0.15,0.2,0.3,0.4,0.5,0.75,1,2.5,5,7.5,10,20,40,80,+Inf';
      assert.equal(les('vllm:time_to_first_token_seconds'), '0.001,0.005,0.01,0.02,0.04,0.06,0.08,0.1,0.25,0.5,0.75,1,2.5,5,7.5,10,20,40,80,160,640,2560,+Inf');
      for (const h of ['inter_token_latency', 'time_per_output_token', 'request_time_per_output_token']) assert.equal(les(`vllm:${h}_seconds`), itl, h);
      for (const h of ['e2e_request_latency', 'request_queue_time', 'request_inference_time', 'request_prefill_time', 'request_decode_time']) assert.equal(les(`vllm:${h}_seconds`), req, h);
      for (const h of ['request_prompt_tokens', 'request_generation_tokens', 'request_params_max_tokens', 'request_max_num_generation_tokens']) {
        assert.equal(les(`vllm:${h}`), '1,2,5,10,20,50,100,200,500,1000,2000,+Inf', h);
      }
    } finally {
      await sim.close();
    }
  });

  it('a repeated prefix gets a faster first token and moves the prefix-cache metrics', async () => {
    const sim = await startSim({ 'latency-calculator': 'per-token', 'prefill-overhead': '10ms', 'prefill-time-per-token': '1ms', 'enable-kvcache': true, 'block-size': 16 });
    try {
      const shared = Array.from({ length: 64 }, (_, i) => `w${i}`).join(' ');
      const ttftOf = async (prompt: string): Promise<{ ttft: number; cached: number; clientMs: number }> => {
        const r = await post(`${sim.url}/v1/completions`, completionBody({ prompt, max_tokens: 2, stream: true }));
        const id = (JSON.parse(r.events[0]?.data ?? '{}') as { id: string }).id;
        const tr = JSON.parse((await get(`${sim.url}/admin/trace?id=${id}`)).body) as RequestTrace;
        return { ttft: tr.ttftMs ?? NaN, cached: tr.cachedTokens, clientMs: (r.events[0]?.atMs ?? NaN) - r.sentMs };
      };
      const cold = await ttftOf(`${shared} first question here`); // 67 tokens, nothing cached
      const warm = await ttftOf(`${shared} another one`); // 66 tokens, 64 cached (4 blocks)
      assert.equal(cold.cached, 0);
      assert.equal(cold.ttft, 10 + 67);
      assert.equal(warm.cached, 64);
      assert.equal(warm.ttft, 10 + 2);
      const m = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m.get(`vllm:prefix_cache_queries_total{${L}}`), 67 + 66);
      assert.equal(m.get(`vllm:prefix_cache_hits_total{${L}}`), 64);
      // The client sees it too (best of three warm requests: a neighbour's burst can stall one).
      let best = warm.clientMs;
      for (let k = 0; k < 2 && best >= cold.clientMs - 30; k++) best = Math.min(best, (await ttftOf(`${shared} more ${k}`)).clientMs);
      assert.ok(best < cold.clientMs - 30, `client TTFT warm ${best.toFixed(1)} vs cold ${cold.clientMs.toFixed(1)} ms`);
      // usage reports the cached tokens
      const r = await post(`${sim.url}/v1/completions`, completionBody({ prompt: `${shared} again`, max_tokens: 1 }));
      assert.equal((JSON.parse(r.body) as { usage: { prompt_tokens_details: { cached_tokens: number } } }).usage.prompt_tokens_details.cached_tokens, 64);
    } finally {
      await sim.close();
    }
  });

  it('kv_cache_usage_perc reflects blocks held by running requests', async () => {
    const sim = await startSim({ 'enable-kvcache': true, 'kv-cache-size': 10, 'block-size': 8, 'time-to-first-token': '150ms' });
    try {
      const prompt = Array.from({ length: 40 }, (_, i) => `t${i}`).join(' '); // 5 blocks
      const p = post(`${sim.url}/v1/completions`, completionBody({ prompt, max_tokens: 1 }));
      await new Promise((r) => setTimeout(r, 50));
      const m = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m.get(`vllm:kv_cache_usage_perc{${L}}`), 0.5);
      await p;
      const m2 = parseProm((await get(`${sim.url}/metrics`)).body);
      assert.equal(m2.get(`vllm:kv_cache_usage_perc{${L}}`), 0);
      // A request needing more blocks than exist → 500 with upstream's message.
      const big = Array.from({ length: 100 }, (_, i) => `u${i}`).join(' ');
      const r = await post(`${sim.url}/v1/completions`, completionBody({ prompt: big, max_tokens: 1 }));
      assert.equal(r.status, 500);
      assert.match(r.body, /kv cache does not have sufficient capacity/);
    } finally {
      await sim.close();
    }
  });
});
