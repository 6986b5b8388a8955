import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ticker, type Timed } from '../../../src/sim/ticker.ts';
import { monoMs } from '../../../src/util/clock.ts';

describe('sim ticker (one scheduling loop)', () => {
  async function scenario(): Promise<number> {
    const t = new Ticker();
    const fired: Array<{ k: number; due: number; at: number }> = [];
    const base = monoMs() + 20;
    const n = 200;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const items: Timed[] = [];
    for (let k = 0; k < n; k++) {
      const item: Timed = {
        due: 0,
        heapIndex: -1,
        onDue() {
          fired.push({ k, due: item.due, at: monoMs() });
          if (fired.length === n - 1) done();
        },
      };
      items.push(item);
    }
    // Schedule in a scrambled order at 0.37 ms steps (not whole ms).
    for (let k = 0; k < n; k++) {
      const j = (k * 77) % n;
      t.schedule(items[j] as Timed, base + j * 0.37);
    }
    t.cancel(items[100] as Timed);
    await all;
    t.stop();
    assert.equal(fired.length, n - 1);
    assert.ok(!fired.some((f) => f.k === 100), 'cancelled item did not fire');
    for (let i = 1; i < fired.length; i++) assert.ok((fired[i]?.due ?? 0) >= (fired[i - 1]?.due ?? 0), 'due order');
    const late = fired.map((f) => f.at - f.due).sort((a, b) => a - b);
    assert.ok((late[0] ?? -1) >= 0, `never early (min ${late[0]})`);
    return late[Math.floor(late.length / 2)] ?? NaN;
  }

  it('fires items in due order, never early, at sub-ms due times; cancel works', async () => {
    // Order, cancel and never-early must hold every time; the median lateness may suffer from a
    // neighbour's burst on a shared box, so up to 3 attempts for it.
    let med = Infinity;
    for (let attempt = 0; attempt < 3 && med >= 1; attempt++) med = Math.min(med, await scenario());
    assert.ok(med < 1, `median lateness ${med.toFixed(3)} ms`);
  });

  it('reschedules from the scheduled time (no drift)', async () => {
    const t = new Ticker();
    const dues: number[] = [];
    const start = monoMs() + 5;
    await new Promise<void>((resolve) => {
      const item: Timed = {
        due: 0,
        heapIndex: -1,
        onDue() {
          dues.push(item.due);
          if (dues.length === 30) return resolve();
          t.schedule(item, item.due + 2.5);
        },
      };
      t.schedule(item, start);
    });
    t.stop();
    for (let i = 0; i < dues.length; i++) assert.ok(Math.abs((dues[i] ?? 0) - (start + i * 2.5)) < 1e-9);
  });
});
