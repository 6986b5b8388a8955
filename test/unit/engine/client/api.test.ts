import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiClients, type ChunkView } from '../../../../src/engine/client/api.ts';
import { prepareRequest } from '../../../../src/engine/client/http-client.ts';

test('completion body: model, prompt, max_tokens, ignore_eos, stream, stream_options, extra body last', () => {
  const b = apiClients.get('completion').buildBody(
    { api: 'completion', prompt: 'hi', maxTokens: 5, ignoreEos: true, stream: true, extraBody: { temperature: 0, stream_options: { include_usage: true, continuous_usage_stats: true } } },
    'm',
  );
  assert.deepEqual(b, { model: 'm', prompt: 'hi', max_tokens: 5, ignore_eos: true, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true }, temperature: 0 });
});

test('chat body: messages; no stream_options when not streaming; unset fields omitted', () => {
  const b = apiClients.get('chat').buildBody({ api: 'chat', messages: [{ role: 'user', content: 'q' }], stream: false }, 'm');
  assert.deepEqual(b, { model: 'm', messages: [{ role: 'user', content: 'q' }], stream: false });
});

test('chunk content: completion text; chat delta.content only (role, reasoning ignored)', () => {
  const v: ChunkView = { text: '', hasChoices: false, finishReason: undefined };
  apiClients.get('completion').readChunk({ choices: [{ text: 'ab', finish_reason: 'stop' }] }, v);
  assert.deepEqual({ ...v }, { text: 'ab', hasChoices: true, finishReason: 'stop' });
  const chat = apiClients.get('chat');
  chat.readChunk({ choices: [{ delta: { role: 'assistant', content: '' } }] }, v);
  assert.deepEqual({ ...v }, { text: '', hasChoices: true, finishReason: undefined });
  chat.readChunk({ choices: [{ delta: { reasoning_content: 'think' } }] }, v);
  assert.equal(v.text, '');
  chat.readChunk({ choices: [], usage: { completion_tokens: 3 } }, v);
  assert.equal(v.hasChoices, false);
});

test('prepareRequest: path under the base URL, bearer token, per-request headers', () => {
  const p = prepareRequest(
    { api: 'chat', prompt: 'x', stream: true, headers: { 'x-a': '1' } },
    { baseUrl: 'http://127.0.0.1:9/prefix/', model: 'm', connections: 1, apiKey: 'sk-secret', headers: { 'x-b': '2' } },
  );
  assert.equal(p.path, '/prefix/v1/chat/completions');
  assert.equal(p.headers.authorization, 'Bearer sk-secret');
  assert.equal(p.headers['x-a'], '1');
  assert.equal(p.headers['x-b'], '2');
  assert.deepEqual(JSON.parse(p.body).messages, [{ role: 'user', content: 'x' }]);
});

test('unknown API kind is an error naming the known ones', () => {
  assert.throws(() => apiClients.get('embeddings'), (e: Error & { hint?: string }) => /completion, chat/.test(e.hint ?? ''));
});
