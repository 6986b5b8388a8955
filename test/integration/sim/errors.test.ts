import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SimServer } from '../../../src/sim/server.ts';
import { startSim, post, get, chatBody, completionBody, MODEL } from './helpers.ts';

type ErrBody = { error: { message: string; type: string; param: string | null; code: number } };

function errorOf(body: string): ErrBody['error'] {
  const j = JSON.parse(body) as ErrBody;
  assert.deepEqual(Object.keys(j.error).sort(), ['code', 'message', 'param', 'type']);
  return j.error;
}

describe('sim bad requests and failure injection', () => {
  let sim: SimServer;
  before(async () => {
    sim = await startSim({ 'max-model-len': 64 });
  });
  after(() => sim.close());

  const cases: Array<[string, string, unknown, number, string, RegExp]> = [
    ['bad JSON', '/v1/completions', '{"model":', 400, 'BadRequestError', /^Failed to read and parse request body, /],
    ['missing model', '/v1/completions', { prompt: 'x' }, 400, 'BadRequestError', /missing required parameter 'model'/],
    ['stream not a boolean', '/v1/completions', completionBody({ stream: 'yes' }), 400, 'BadRequestError', /^Failed to read and parse request body, stream must be a boolean$/],
    ['ignore_eos not a boolean', '/v1/chat/completions', chatBody({ ignore_eos: 1 }), 400, 'BadRequestError', /^Failed to read and parse request body, ignore_eos must be a boolean$/],
    ['stream_options not an object', '/v1/completions', completionBody({ stream_options: true }), 400, 'BadRequestError', /^Failed to read and parse request body, stream_options must be an object$/],
    ['unknown model', '/v1/chat/completions', chatBody({ model: 'nope' }), 404, 'NotFoundError', /^The model `nope` does not exist\.$/],
    ['missing prompt', '/v1/completions', { model: MODEL }, 400, 'BadRequestError', /missing required parameter 'prompt'/],
    ['empty prompt array', '/v1/completions', { model: MODEL, prompt: [] }, 400, 'BadRequestError', /prompt array must contain at least one prompt/],
    ['missing messages', '/v1/chat/completions', { model: MODEL }, 400, 'BadRequestError', /'messages' must be a non-empty array/],
    ['n = 0', '/v1/completions', completionBody({ n: 0 }), 400, 'BadRequestError', /^n must be at least 1$/],
    ['max_tokens = 0', '/v1/completions', completionBody({ max_tokens: 0 }), 400, 'BadRequestError', /^Max completion tokens and max tokens should be positive$/],
    ['ignore_eos without max', '/v1/chat/completions', chatBody({ max_tokens: undefined }), 400, 'BadRequestError', /^Ignore_eos is true but max_completion_tokens \(or max_tokens\) is not set$/],
    ['stream with remote decode', '/v1/completions', completionBody({ stream: true, kv_transfer_params: { do_remote_decode: true } }), 400, 'BadRequestError', /^Prefill does not support streaming$/],
    [
      'context too long (after dispatch)',
      '/v1/completions',
      completionBody({ prompt: 'word '.repeat(60), max_tokens: 10 }),
      400,
      'BadRequestError',
      /^This model's maximum context length is 64 tokens\. However, you requested 70 tokens \(60 in the messages, 10 in the completion\)\. Please reduce the length of the messages or completion$/,
    ],
  ];
  for (const [name, path, body, status, type, msg] of cases) {
    it(`${name} → ${status}`, async () => {
      for (const stream of [false, true]) {
        const b = typeof body === 'string' ? body : { ...(body as object), ...(stream && !['stream with remote decode', 'stream not a boolean'].includes(name) ? { stream } : {}) };
        const r = await post(`${sim.url}${path}`, b);
        assert.equal(r.status, status, `${name} (stream ${stream}): ${r.body}`);
        assert.match(String(r.headers['content-type']), /application\/json/);
        const e = errorOf(r.body);
        assert.equal(e.code, status);
        assert.equal(e.type, type);
        assert.match(e.message, msg);
      }
    });
  }

  it('unknown path → 404 text, wrong method → 405', async () => {
    assert.equal((await get(`${sim.url}/v1/nothing`)).status, 404);
    assert.equal((await get(`${sim.url}/v1/completions`)).status, 405);
    assert.equal((await post(`${sim.url}/v1/models`, {})).status, 405);
  });

  it('X-Return-Error gives that status with the error body', async () => {
    const r = await post(`${sim.url}/v1/completions`, completionBody(), { 'x-return-error': '429' });
    assert.equal(r.status, 429);
    assert.equal(errorOf(r.body).type, 'RateLimitError');
  });

  it('failure injection at 100 % answers every request with the configured types and statuses', async () => {
    const f = await startSim({ 'failure-injection-rate': 100 });
    try {
      const want: Record<string, [number, string, RegExp]> = {
        rate_limit: [429, 'RateLimitError', /^Rate limit reached for sim-model/],
        invalid_api_key: [401, 'AuthenticationError', /^Incorrect API key provided\.$/],
        context_length: [400, 'BadRequestError', /maximum context length is 4096 tokens/],
        server_error: [503, 'InternalServerError', /^The server is overloaded or not ready yet\.$/],
        invalid_request: [400, 'BadRequestError', /^Invalid request: missing required parameter 'model'\.$/],
        model_not_found: [404, 'NotFoundError', /^The model 'sim-model-nonexistent' does not exist$/],
      };
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const r = await post(`${f.url}/v1/completions`, completionBody());
        const e = errorOf(r.body);
        const hit = Object.entries(want).find(([, [st, ty, re]]) => st === r.status && ty === e.type && re.test(e.message));
        assert.ok(hit, `unexpected injected error ${r.status} ${r.body}`);
        seen.add(hit[0]);
      }
      assert.equal(seen.size, 6, `all six types appear: ${[...seen].join(',')}`);
      // Only the configured types, changed at run time; 0 % turns it off.
      assert.equal((await post(`${f.url}/admin/config`, { 'failure-types': ['server_error'] })).status, 200);
      for (let i = 0; i < 10; i++) assert.equal((await post(`${f.url}/v1/completions`, completionBody())).status, 503);
      assert.equal((await post(`${f.url}/admin/config`, { 'failure-injection-rate': 0 })).status, 200);
      assert.equal((await post(`${f.url}/v1/completions`, completionBody())).status, 200);
    } finally {
      await f.close();
    }
  });

  it('failure injection at 30 % fails about 30 % of requests', async () => {
    const f = await startSim({ 'failure-injection-rate': 30, seed: 7 });
    try {
      let failed = 0;
      for (let i = 0; i < 200; i++) if ((await post(`${f.url}/v1/completions`, completionBody({ max_tokens: 1 }))).status !== 200) failed++;
      assert.ok(failed > 35 && failed < 85, `${failed}/200 failed`);
    } finally {
      await f.close();
    }
  });
});
