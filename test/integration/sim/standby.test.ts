import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startEmbeddedSimulator } from '../../../src/sim/embedded.ts';
import { disposeStandby, spawnStandby, STANDBY_ARG } from '../../../src/sim/standby.ts';
import { createLogger } from '../../../src/util/logger.ts';
import { post } from './helpers.ts';

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
/** This process's children started with --standby. */
const standbyChildren = (): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && cmdline(Number(d)).includes(STANDBY_ARG);
      } catch {
        return false;
      }
    })
    .map(Number);
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('standby simulator child (sim/standby.ts)', { skip: !existsSync('/proc/self/cmdline') && 'needs /proc' }, () => {
  it('is adopted by startEmbeddedSimulator, which sends it the sources over IPC; disposeStandby leaves an adopted child alone', async () => {
    spawnStandby({ model: 'facebook/opt-125m' });
    const sim = await startEmbeddedSimulator({ model: 'facebook/opt-125m', preset: 'instant', log: createLogger('error') });
    try {
      // the serving child is the standby one (started with --standby), serving what the sources said
      assert.ok(cmdline(sim.pid).includes(STANDBY_ARG), cmdline(sim.pid).join(' '));
      disposeStandby();
      assert.ok(alive(sim.pid));
      const r = await post(`${sim.url}/v1/completions`, { model: 'facebook/opt-125m', prompt: 'hi there', max_tokens: 3, ignore_eos: true });
      assert.equal(r.status, 200);
      assert.equal((JSON.parse(r.body) as { model: string }).model, 'facebook/opt-125m');
    } finally {
      await sim.stop();
    }
    assert.equal(alive(sim.pid), false);
  });

  it('a child nobody adopted is stopped by disposeStandby, and then the simulator starts a new child', async () => {
    spawnStandby();
    const [pid] = standbyChildren();
    assert.ok(pid !== undefined && alive(pid));
    disposeStandby();
    for (let i = 0; i < 200 && standbyChildren().includes(pid); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(standbyChildren(), []);
    const sim = await startEmbeddedSimulator({ model: 'm', preset: 'instant', log: createLogger('error') });
    try {
      assert.equal(cmdline(sim.pid).includes(STANDBY_ARG), false);
    } finally {
      await sim.stop();
    }
  });
});
