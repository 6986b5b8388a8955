/**
 * The timeline's latency line must not be drawn across time in which no request was sent: a run
 * with an idle gap (requests at 0–2 s and 6–8 s) has null latencies in the gap's bins, and the
 * rendered SVG path of each latency line breaks there (two sub-paths), while the request rate
 * reads a real 0 through the gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../../../src/engine/types.ts';
import { collectPlotData } from '../../../../src/analysis/plots/collect.ts';
import { timelinePlot } from '../../../../src/analysis/plots/timeline.ts';
import { renderSvg } from '../../../../src/analysis/plots/render.ts';

type Row = { t: number; v: number | null; s: string };
type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function gapRun(): Promise<ReturnType<typeof collectPlotData>> {
  const recs: RequestRecord[] = [];
  let id = 0;
  for (const t0 of [0, 6000]) {
    for (let t = t0; t < t0 + 2000; t += 200) {
      recs.push({ id: id++, stage: 0, worker: 0, api: 'completion', httpStatus: 200, scheduledAtMs: t, sentAtMs: t, chunkTimesMs: [t + 50, t + 60], chunkTokens: [1, 1], endAtMs: t + 100 });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'timeline-gap-'));
  writeFileSync(join(dir, 'records.jsonl'), `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return collectPlotData('gap', join(dir, 'records.jsonl'));
}

test('timeline: bins without requests are gaps in the latency line, not interpolated', async () => {
  const d = await gapRun();
  const spec = timelinePlot(d) as J;
  const lat = spec.vconcat[0].data.values as Row[];
  // Sends at 0…1.8 s and 6.0…7.8 s: the bins wholly between them are idle.
  const w = d.timeline[0]!.widthS;
  const idle = d.timeline.filter((b) => b.tS > 1.8 && b.tS + w <= 6).map((b) => b.tS);
  assert.ok(idle.length >= 3, `bins in the idle gap (${w} s wide): ${idle.join(' ')}`);
  for (const s of ['TTFT (mean)', 'E2E latency (mean)']) {
    for (const t of idle) assert.equal(lat.find((r) => r.s === s && r.t === t)?.v, null, `${s} at ${t} s is null (a gap)`);
    assert.ok(lat.filter((r) => r.s === s && r.v !== null).every((r) => !idle.includes(r.t)), `${s}: values only where requests were sent`);
  }
  assert.match(JSON.stringify(spec.vconcat[0].mark), /"invalid":"break-paths/);
  // The drawn line: each latency path has two sub-paths (M … M …), one per busy period.
  const svg = await renderSvg(spec);
  const latPaths = [...svg.matchAll(/<path aria-label="[^"]*s: (TTFT \(mean\)|E2E latency \(mean\))"[^>]*aria-roledescription="line mark" d="([^"]+)"/g)];
  assert.equal(latPaths.length, 2, 'two latency lines drawn');
  for (const m of latPaths) assert.equal(m[2]!.split('M').length - 1, 2, `${m[1]} breaks at the gap: ${m[2]}`);
  // The request rate is a real zero through the gap.
  const rates = spec.vconcat[2].data.values as Row[];
  for (const t of idle) assert.equal(rates.find((r) => r.s === 'sent' && r.t === t)?.v, 0);
});
