import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SimServer } from '../../../src/sim/server.ts';
import { startSim, post, get, chatBody, completionBody, MODEL } from './helpers.ts';

type Chunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ index: number; finish_reason: string | null; delta?: Record<string, unknown>; text?: string }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

describe('sim wire format', () => {
  let sim: SimServer;
  before(async () => {
    sim = await startSim({ 'time-to-first-token': '5ms', 'inter-token-latency': '1ms' });
  });
  after(() => sim.close());

  it("streams chat as vLLM: role chunk, one chunk per token with finish_reason on the last token's chunk, usage only when asked, [DONE]", async () => {
    const r = await post(`${sim.url}/v1/chat/completions`, chatBody({ stream: true, max_tokens: 4, stream_options: { include_usage: true } }));
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /text\/event-stream/);
    assert.equal(r.events.at(-1)?.data, '[DONE]');
    const chunks = r.events.slice(0, -1).map((e) => JSON.parse(e.data) as Chunk);
    assert.equal(chunks.length, 1 + 4 + 1);
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.id, chunks[0]?.id);
      assert.match(c.id, /^chatcmpl-/);
      assert.equal(c.model, MODEL);
      assert.equal(c.created, chunks[0]?.created);
    }
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
    assert.equal(chunks[0]?.choices[0]?.finish_reason, null);
    for (const c of chunks.slice(1, 5)) {
      assert.equal(typeof c.choices[0]?.delta?.['content'], 'string');
      assert.ok((c.choices[0]?.delta?.['content'] as string).length > 0);
      assert.equal(c.usage, undefined);
    }
    assert.deepEqual(chunks.slice(1, 5).map((c) => c.choices[0]?.finish_reason), [null, null, null, 'length']);
    assert.equal((chunks[4]?.choices[0] as Record<string, unknown>)['stop_reason'], null, 'the finishing chunk carries stop_reason, as vLLM');
    assert.equal('stop_reason' in (chunks[1]?.choices[0] ?? {}), false, 'chat token chunks have no stop_reason (exclude_unset)');
    assert.deepEqual(chunks[5]?.choices, []);
    assert.equal(chunks[5]?.usage?.completion_tokens, 4);
    assert.equal(chunks[5]?.usage?.total_tokens, (chunks[5]?.usage?.prompt_tokens ?? 0) + 4);
    // upstream's regex tokenizer: "### user: Hello there, how are you?\n" = #,#,# ,user,: ,Hello ,there,, ,how ,are ,you,?\n
    assert.equal(chunks[5]?.usage?.prompt_tokens, 12);
  });

  it('streams completions without a usage chunk unless include_usage', async () => {
    const r = await post(`${sim.url}/v1/completions`, completionBody({ stream: true, max_tokens: 3 }));
    assert.equal(r.status, 200);
    assert.equal(r.events.at(-1)?.data, '[DONE]');
    const chunks = r.events.slice(0, -1).map((e) => JSON.parse(e.data) as Chunk);
    assert.equal(chunks.length, 3, 'one chunk per token, no separate finish chunk');
    for (const c of chunks) {
      assert.equal(c.object, 'text_completion');
      assert.match(c.id, /^cmpl-/);
      assert.equal(c.usage, undefined);
      assert.equal(c.choices.length, 1);
      assert.equal((c.choices[0] as Record<string, unknown>)['stop_reason'], null);
    }
    assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason), [null, null, 'length']);
    assert.ok(chunks.every((c) => typeof c.choices[0]?.text === 'string' && c.choices[0].text.length > 0));
  });

  it('continuous_usage_stats puts cumulative usage on every chunk', async () => {
    const r = await post(`${sim.url}/v1/chat/completions`, chatBody({ stream: true, max_tokens: 3, stream_options: { include_usage: true, continuous_usage_stats: true } }));
    const chunks = r.events.slice(0, -1).map((e) => JSON.parse(e.data) as Chunk);
    assert.deepEqual(chunks.map((c) => c.usage?.completion_tokens), [0, 1, 2, 3, 3]);
    assert.equal(chunks[3]?.choices[0]?.finish_reason, 'length');
  });

  it('answers non-streaming chat and completions with usage', async () => {
    const c = await post(`${sim.url}/v1/chat/completions`, chatBody({ max_completion_tokens: 6, max_tokens: 99 }));
    assert.equal(c.status, 200);
    const cj = JSON.parse(c.body) as { object: string; choices: Array<{ message: { role: string; content: string }; finish_reason: string }>; usage: Record<string, unknown> };
    assert.equal(cj.object, 'chat.completion');
    assert.equal(cj.choices[0]?.message.role, 'assistant');
    assert.equal(cj.choices[0]?.finish_reason, 'length');
    assert.equal(cj.usage['completion_tokens'], 6, 'max_completion_tokens wins over max_tokens');
    const t = await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 7 }));
    const tj = JSON.parse(t.body) as { object: string; choices: Array<{ text: string }>; usage: Record<string, number> };
    assert.equal(tj.object, 'text_completion');
    assert.equal(tj.usage['completion_tokens'], 7);
    assert.equal(tj.usage['prompt_tokens'], 10);
  });

  it('without ignore_eos draws lengths up to max_tokens with finish_reason stop or length', async () => {
    const reasons = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await post(`${sim.url}/v1/completions`, completionBody({ ignore_eos: false, max_tokens: 10 }));
      const j = JSON.parse(r.body) as { choices: Array<{ finish_reason: string }>; usage: { completion_tokens: number } };
      assert.ok(j.usage.completion_tokens >= 1 && j.usage.completion_tokens <= 10);
      assert.equal(j.choices[0]?.finish_reason, j.usage.completion_tokens === 10 ? 'length' : 'stop');
      reasons.add(j.choices[0]?.finish_reason ?? '');
    }
    assert.ok(reasons.has('stop'));
  });

  it('enable-request-id-headers: X-Request-Id is echoed and becomes the response id (JSON-escaped)', async () => {
    const rid = await startSim({ 'enable-request-id-headers': true });
    try {
      const id = 'req-"7\\x';
      for (const stream of [false, true]) {
        const r = await post(`${rid.url}/v1/completions`, completionBody({ max_tokens: 2, stream }), { 'x-request-id': id });
        assert.equal(r.status, 200, r.body);
        assert.equal(r.headers['x-request-id'], id);
        const bodies = stream ? r.events.slice(0, -1).map((e) => e.data) : [r.body];
        for (const b of bodies) assert.equal((JSON.parse(b) as Chunk).id, `cmpl-${id}`);
      }
      const plain = await post(`${sim.url}/v1/completions`, completionBody({ max_tokens: 1 }), { 'x-request-id': 'ignored' });
      assert.equal(plain.headers['x-request-id'], undefined, 'off by default');
      assert.match((JSON.parse(plain.body) as Chunk).id, /^cmpl-[0-9a-f]{32}$/);
    } finally {
      await rid.close();
    }
  });

  it('echo mode returns the prompt', async () => {
    const echo = await startSim({ mode: 'echo' });
    try {
      const r = await post(`${echo.url}/v1/completions`, completionBody({ max_tokens: 100 }));
      const j = JSON.parse(r.body) as { choices: Array<{ text: string; finish_reason: string }> };
      assert.equal(j.choices[0]?.text, 'The quick brown fox jumps over the lazy dog.');
      assert.equal(j.choices[0]?.finish_reason, 'stop');
      const c = await post(`${echo.url}/v1/chat/completions`, chatBody({ stream: true, max_tokens: 100 }));
      const text = c.events.slice(1, -1).map((e) => (JSON.parse(e.data) as Chunk).choices[0]?.delta?.['content']).join('');
      assert.equal(text, 'Hello there, how are you?');
    } finally {
      await echo.close();
    }
  });

  it('serves /v1/models, /health, /health/ready and /tokenize', async () => {
    const m = await get(`${sim.url}/v1/models`);
    const mj = JSON.parse(m.body) as { object: string; data: Array<Record<string, unknown>> };
    assert.equal(mj.object, 'list');
    assert.equal(mj.data[0]?.['id'], MODEL);
    assert.equal(mj.data[0]?.['owned_by'], 'vllm');
    assert.equal(mj.data[0]?.['max_model_len'], 1024);
    assert.equal((await get(`${sim.url}/health`)).status, 200);
    assert.equal((await get(`${sim.url}/health/ready`)).status, 200);
    const t = await post(`${sim.url}/tokenize`, { prompt: 'Hello, world!' });
    const tj = JSON.parse(t.body) as { count: number; tokens: number[]; max_model_len: number };
    assert.equal(tj.count, 4);
    assert.equal(tj.tokens.length, 4);
    assert.equal(tj.max_model_len, 1024);
    assert.equal((await post(`${sim.url}/tokenize`, { prompt: 'a', messages: [] })).status, 400);
  });

  it('/health/ready answers 503 during startup-duration', async () => {
    const slow = await startSim({ 'startup-duration': '400ms' });
    try {
      assert.equal((await get(`${slow.url}/health/ready`)).status, 503);
      assert.equal((await get(`${slow.url}/health`)).status, 200);
      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await get(`${slow.url}/health/ready`)).status, 200);
    } finally {
      await slow.close();
    }
  });

  it('long streams (several pre-framed windows) with continuous usage: every token once, in order, cumulative usage', async () => {
    const r = await post(`${sim.url}/v1/chat/completions`, chatBody({ stream: true, max_tokens: 150, stream_options: { include_usage: true, continuous_usage_stats: true } }));
    assert.equal(r.status, 200);
    const chunks = r.events.slice(0, -1).map((e) => JSON.parse(e.data) as Chunk);
    assert.equal(chunks.length, 1 + 150 + 1);
    assert.deepEqual(chunks.slice(0, -1).map((c) => c.usage?.completion_tokens), [...Array(151).keys()]);
    assert.deepEqual(chunks.slice(1, -1).map((c) => c.choices[0]?.finish_reason), [...new Array<null>(149).fill(null), 'length']);
    assert.equal(r.events.at(-1)?.data, '[DONE]');
  });

  it('an HTTP/1.0 client gets a close-delimited (unframed) stream', async () => {
    const { connect } = await import('node:net');
    const body = JSON.stringify(completionBody({ stream: true, max_tokens: 3 }));
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(sim.port, '127.0.0.1', () => {
        s.write(`POST /v1/completions HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      let out = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    const [head, payload] = raw.split('\r\n\r\n', 2) as [string, string];
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(head, /transfer-encoding/i);
    const events = payload.split('\n\n').filter((e) => e !== '');
    assert.equal(events.length, 3 + 1);
    assert.ok(events.every((e) => e.startsWith('data: ')), payload);
    assert.deepEqual(events.slice(0, 3).map((e) => (JSON.parse(e.slice(6)) as Chunk).choices[0]?.finish_reason), [null, null, 'length']);
    assert.equal(events[3], 'data: [DONE]');
  });
});
