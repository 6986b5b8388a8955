/** The simulator's vLLM-style start-up log (startup-log) and its sleep-mode endpoints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { splitLog } from '../../../src/harness/nop/log-lines.ts';
import { categorize, categoryElapsedS } from '../../../src/harness/nop/categories.ts';
import { STARTUP_PHASES } from '../../../src/sim/keys.ts';
import { MODEL, post, startSim } from './helpers.ts';

async function status(url: string, method = 'GET'): Promise<number> {
  const r = await request(url, { method });
  await r.body.text();
  return r.statusCode;
}

async function waitReady(url: string, withinMs: number): Promise<number> {
  const t0 = Date.now();
  while ((await status(`${url}/health/ready`)) !== 200) {
    assert.ok(Date.now() - t0 < withinMs, 'not ready in time');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

test('startup-log: every phase lasts its configured duration, readiness waits for the last one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-startup-'));
  const durations = [30, 170, 60, 90, 410, 120, 230, 140, 20];
  const keys = Object.fromEntries(STARTUP_PHASES.map((p, i) => [p.key, `${durations[i]}ms`]));
  const sim = await startSim({ 'startup-log': join(dir, 'vllm.log'), 'load-format': 'runai_streamer', 'compile-cache': true, ...keys });
  try {
    assert.equal(await status(`${sim.url}/health/ready`), 503);
    await waitReady(sim.url, 5000);
    const readyAt = Date.now();
    const text = readFileSync(join(dir, 'vllm.log'), 'utf8');
    // Ready only once the whole start-up is logged, and not before its scheduled end.
    assert.match(text, /Route: \/metrics, Methods: GET\n$/);
    const total = durations.reduce((a, b) => a + b, 0);
    const m = /(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(text)!;
    const firstLine = new Date(new Date().getFullYear(), Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
    assert.ok(readyAt >= firstLine + total, `ready ${readyAt - firstLine} ms after the first line, start-up is ${total} ms`);
    assert.match(text, /\(EngineCore_0 pid=\d+\) INFO \d\d-\d\d \d\d:\d\d:\d\d\.\d{3} /);
    assert.match(text, /load_format=runai_streamer,/);
    assert.match(text, /Directly load the compiled graph\(s\) for dynamic shape from the cache, took 0\.230 s/);
    const cats = categorize(splitLog(text), MODEL).categories;
    const flat = cats.flatMap((c) => [c, ...c.children]).filter((c) => c.defined);
    const byTitle = new Map(flat.map((c) => [c.title, categoryElapsedS(c)]));
    STARTUP_PHASES.forEach((p, i) => assert.equal(byTitle.get(p.title), durations[i]! / 1000, p.title));
    assert.equal(byTitle.get('Pytorch Compilation'), (durations[5]! + durations[6]!) / 1000);
    assert.equal(cats.filter((c) => !c.defined).length, 0, 'no gaps');
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sleep mode: /sleep, /is_sleeping, /wake_up; generation refused while asleep; routes absent without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-sleep-'));
  const sim = await startSim({ 'enable-sleep-mode': true, 'startup-log': join(dir, 'vllm.log'), ...Object.fromEntries(STARTUP_PHASES.map((p) => [p.key, 0])) });
  const off = await startSim();
  try {
    await waitReady(sim.url, 2000);
    const sleeping = async (): Promise<unknown> => ((await (await request(`${sim.url}/is_sleeping`)).body.json()) as { is_sleeping: unknown }).is_sleeping;
    assert.equal(await sleeping(), false);
    assert.equal(await status(`${sim.url}/sleep?level=1`, 'POST'), 200);
    assert.equal(await sleeping(), true);
    const r = await post(`${sim.url}/v1/completions`, { model: MODEL, prompt: 'hi', max_tokens: 2 });
    assert.equal(r.status, 503);
    assert.equal(await status(`${sim.url}/wake_up`, 'POST'), 200);
    assert.equal(await sleeping(), false);
    assert.equal((await post(`${sim.url}/v1/completions`, { model: MODEL, prompt: 'hi', max_tokens: 2 })).status, 200);
    const log = readFileSync(join(dir, 'vllm.log'), 'utf8');
    assert.match(log, /Sleep mode freed 2\.30 GiB memory, 0\.00 GiB memory is still in use\.\n.*It took \d+\.\d{6} seconds to fall asleep\.\n.*It took \d+\.\d{6} seconds to wake up/);
    assert.equal(await status(`${off.url}/sleep?level=1`, 'POST'), 404);
    assert.equal(await status(`${off.url}/is_sleeping`), 404);
  } finally {
    await sim.close();
    await off.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
