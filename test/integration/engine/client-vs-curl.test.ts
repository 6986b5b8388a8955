/**
 * Our client's TTFT and E2E against curl's on the same ground-truth server at
 * low load (one request at a time, ours and curl's interleaved). Each side is
 * paired with the server's own log, so the server's timer jitter cancels:
 *   overhead = client-measured time − server-side time (first chunk written − request received)
 * curl: time_starttransfer − time_pretransfer (its clock starts before the send, after connect;
 * the server flushes its headers with the first chunk). Ours: first content chunk − sentAtMs.
 * Target (issue 13): the median overheads differ by < 0.3 ms with the default transport for http
 * (`h1`). The undici transport (used for https) is held to the same bound as a `todo`: it runs and
 * reports, but its known ~1 ms extra (undici's read path) does not fail the suite.
 * The server runs in a child process so neither client shares its event loop.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { EngineClient } from '../../../src/engine/client/http-client.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';
import { startTruthChild, type TruthChild } from '../../helpers/truth-child.ts';

const hasCurl = spawnSync('curl', ['--version']).status === 0;
const N = 41; // odd: the median is one sample; 41 pairs steady the median against single slow curl spawns
const WARM = 60;
let server: TruthChild;

before(async () => {
  if (!hasCurl) return;
  server = await startTruthChild({ ttftMs: 15, itlMs: 3, chunks: 4, tokenText: ' tok' });
  // Warm the server, not counted. curl opens a new connection per request, and the server's accept and
  // connection set-up lands inside curl's measured time; while the server's code is still cold (JIT) that
  // read 0.2–0.4 ms slower for curl in whichever test of this file ran first (seen on a slow 2-vCPU host,
  // on this code and the code before it; the order swapped, the effect followed the first test).
  const body = JSON.stringify({ model: 'm', prompt: 'one two three', max_tokens: 4, stream: true });
  for (let i = 0; i < WARM; i++) await curl(server.url, `warm-${i}`, body);
});
after(async () => {
  if (hasCurl) await server.stop();
});

const median = (a: number[]): number => {
  const s = a.slice().sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface CurlTimes {
  pre: number;
  start: number;
  total: number;
}

function curl(url: string, id: string, body: string): Promise<CurlTimes> {
  return new Promise((resolve, reject) => {
    const p = spawn('curl', ['-sS', '-N', '-o', '/dev/null', '-w', '%{time_pretransfer} %{time_starttransfer} %{time_total}', '-H', 'content-type: application/json', '-H', `x-request-id: ${id}`, '--data-binary', body, `${url}/v1/completions`]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const [pre, start, total] = out.trim().split(' ').map((x) => Number(x) * 1000);
      if (code !== 0 || !Number.isFinite(total)) reject(new Error(`curl exited ${code}: ${out}`));
      else resolve({ pre: pre!, start: start!, total: total! });
    });
  });
}

// undici (the todo) runs first: on a slow 2-vCPU host curl read ~0.2–0.3 ms slower in the first test of
// this file even after the server's warm-up (the cause is not found); the held test goes second.
for (const transport of ['undici', 'h1'] as const) {
  const todo = transport === 'undici' ? 'undici adds ~1 ms (issue 13); the h1 transport is the default for http' : false;
  test(`${transport}: TTFT and E2E within 0.3 ms (median) of curl's on the same server`, { skip: hasCurl ? false : 'curl is not installed', todo, timeout: 120_000 }, async () => {
    const client = new EngineClient({ baseUrl: server.url, model: 'm', connections: 1, transport });
    const body = JSON.stringify({ model: 'm', prompt: 'one two three', max_tokens: 4, stream: true, stream_options: { include_usage: true } });
    const ours: RequestRecord[] = [];
    const theirs = new Map<string, CurlTimes>();
    try {
      // Warm-up: a kept-alive connection, as in a run (curl opens one per request; its clock excludes the connect).
      await client.sendAsync({ api: 'completion', prompt: 'one two three', maxTokens: 4, stream: true, headers: { 'x-request-id': `${transport}-warm` } }, { id: 0, stage: 0, worker: 0, scheduledAtMs: 0 });
      for (let i = 0; i < N; i++) {
        theirs.set(`${transport}-curl-${i}`, await curl(server.url, `${transport}-curl-${i}`, body));
        ours.push(await client.sendAsync({ api: 'completion', prompt: 'one two three', maxTokens: 4, stream: true, headers: { 'x-request-id': `${transport}-ours-${i}` } }, { id: i, stage: 0, worker: 0, scheduledAtMs: 0 }));
      }
    } finally {
      await client.close();
    }
    const log = await server.log();
    const oTtft: number[] = [];
    const oE2e: number[] = [];
    for (const r of ours) {
      assert.equal(r.error, undefined);
      const s = log.get(`${transport}-ours-${r.id}`)!;
      oTtft.push(r.chunkTimesMs[0]! - r.sentAtMs - (s.chunkWriteMs[0]! - s.receivedAtMs));
      oE2e.push(r.endAtMs - r.sentAtMs - (s.endWriteMs! - s.receivedAtMs));
    }
    const cTtft: number[] = [];
    const cE2e: number[] = [];
    for (const [id, c] of theirs) {
      const s = log.get(id)!;
      cTtft.push(c.start - c.pre - (s.chunkWriteMs[0]! - s.receivedAtMs));
      cE2e.push(c.total - c.pre - (s.endWriteMs! - s.receivedAtMs));
    }
    const dT = median(oTtft) - median(cTtft);
    const dE = median(oE2e) - median(cE2e);
    const msg = `client overhead medians (ms): TTFT ours ${median(oTtft).toFixed(3)} curl ${median(cTtft).toFixed(3)} (Δ ${dT.toFixed(3)}), ` + `E2E ours ${median(oE2e).toFixed(3)} curl ${median(cE2e).toFixed(3)} (Δ ${dE.toFixed(3)})`;
    console.log(`${transport}: ${msg}`);
    assert.ok(Math.abs(dT) < 0.3, msg);
    assert.ok(Math.abs(dE) < 0.3, msg);
  });
}
