// Our EngineClient alone, driven as ../shared/bench/drive_undici.mjs drives undici: C closed-loop
// streams, a warm-up of W s, then a window of T s; CPU of the whole process over the window. Uses
// the built dist/ (npm run build). One JSON line out, with drive_undici's field names.
//
// Usage: taskset -c 1 node bench/drive-engineclient.mjs --url http://127.0.0.1:18080 -c 256 -t 12 -w 2 [--transport h1|undici]
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { EngineClient } from '../dist/engine/client/http-client.js';

const arg = (n, d) => {
  const i = process.argv.indexOf(n);
  return i >= 0 ? process.argv[i + 1] : d;
};
const url = arg('--url', 'http://127.0.0.1:18080');
const C = Number(arg('-c', 256));
const T = Number(arg('-t', 12));
const W = Number(arg('-w', 2));
const transport = arg('--transport', 'h1');
const client = new EngineClient({ baseUrl: url, model: 'm', connections: C, transport });
const snap = {};
let events = 0;
let counting = false;
let stop = false;
setTimeout(() => {
  counting = true;
  snap.c0 = process.cpuUsage();
  snap.w0 = performance.now();
}, W * 1000);
setTimeout(() => {
  snap.c1 = process.cpuUsage(snap.c0);
  snap.w1 = performance.now();
  snap.events = events;
  counting = false;
  stop = true;
}, (W + T) * 1000);
let id = 0;
let failed = 0;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (!stop) {
      const r = await client.sendAsync({ api: 'completion', prompt: 'hello', stream: true, maxTokens: 64, ignoreEos: true }, { id: id++, stage: 0, worker: 0, scheduledAtMs: 0 });
      if (r.error) failed++;
      else if (counting) events += (r.choiceEventCount ?? 0) + (r.completionTokensServer !== undefined ? 1 : 0);
    }
  }),
);
await client.close();
const win = (snap.w1 - snap.w0) / 1000;
process.stdout.write(`${JSON.stringify({ client: `engineclient-${transport}`, concurrency: C, window_s: win, events: snap.events, failed, events_per_s: snap.events / win, cpu_pct: (100 * (snap.c1.user + snap.c1.system)) / 1e6 / win })}\n`);
