/**
 * compare's overlay data and plots: a report's percentiles as a CDF in ms (any unit the report
 * uses), stages mixed by their request counts, one CDF line and one throughput curve per run with
 * the table's letter, and the output directory (PNG + SVG + compare.html) from v0.2 report files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { mixCdfs, percentileCdf } from '../../../../src/analysis/report/compare-data.ts';
import { reportsOf, rowsOf } from '../../../../src/analysis/report/compare.ts';
import { writeCompareOutput } from '../../../../src/analysis/report/compare-output.ts';
import { compareCdfs } from '../../../../src/analysis/plots/compare-cdfs.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const stats = (units: string, k: number): J => ({ units, mean: 50 * k, min: 10 * k, p0p1: 11 * k, p1: 12 * k, p5: 15 * k, p10: 20 * k, p25: 30 * k, p50: 50 * k, p75: 60 * k, p90: 80 * k, p95: 90 * k, p99: 99 * k, p99p9: 100 * k, max: 120 * k });

test('percentileCdf: p0.1…p99.9 with min and max, in ms whatever the units; nothing without units', () => {
  const ms = percentileCdf(stats('ms', 1))!;
  assert.deepEqual(percentileCdf(stats('s', 0.001))!.map(([v, q]) => [Math.round(v * 1e6) / 1e6, q]), ms);
  assert.deepEqual(ms[0], [10, 0]);
  assert.deepEqual(ms.find((p) => p[1] === 0.9), [80, 0.9]);
  assert.deepEqual(ms.at(-1), [120, 1]);
  assert.equal(ms.length, 13);
  assert.equal(percentileCdf({ mean: 1, p50: 1 }), undefined);
  // A percentile below the previous one (rounding in a native file) is dropped, never a CDF going back.
  assert.ok(percentileCdf({ ...stats('ms', 1), p75: 40 })!.every((p, i, a) => i === 0 || p[0] >= a[i - 1]![0]));
});

test('mixCdfs: stages mixed by weight; one stage is itself', () => {
  const a: Array<[number, number]> = [[0, 0], [10, 1]];
  const b: Array<[number, number]> = [[10, 0], [20, 1]];
  assert.equal(mixCdfs([{ cdf: a, w: 1 }]), a);
  const m = mixCdfs([{ cdf: a, w: 3 }, { cdf: b, w: 1 }]);
  assert.deepEqual(m, [[0, 0], [10, 0.75], [20, 1]]);
});

function reportDir(name: string, rates: number[], k: number): string {
  const d = mkdtempSync(join(tmpdir(), `${name}-`));
  rates.forEach((rate, i) => {
    const rep = {
      version: '0.2',
      scenario: { load: { standardized: { tool: 'guidellm', stage: i, rate_qps: rate } } },
      results: {
        request_performance: {
          aggregate: {
            requests: { total: 100, failures: 0 },
            latency: { time_to_first_token: stats('s', 0.001 * k * (i + 1)), request_latency: stats('s', 0.01 * k * (i + 1)), inter_token_latency: stats('ms', k) },
            throughput: { output_token_rate: { units: 'tokens/s', mean: 100 * rate }, request_rate: { units: 'queries/s', mean: rate } },
          },
        },
      },
    };
    writeFileSync(join(d, `benchmark_report_v0.2,_b${i}.yaml`), stringify(rep));
  });
  return d;
}

test('overlay plots from report files: one CDF line and one throughput curve per run, PNG + SVG + compare.html', async () => {
  const dirs = [reportDir('run-a', [1, 2, 4], 1), reportDir('run-b', [1, 2], 2)];
  const runs = dirs.map((dir, i) => {
    const reports = reportsOf(dir);
    return { label: `run-${'ab'[i]}`, dir, reports, rows: rowsOf(dir, reports) };
  });
  assert.deepEqual(runs.map((r) => r.rows.length), [3, 2]);
  const out = join(mkdtempSync(join(tmpdir(), 'cmp-out-')), 'plots');
  const files = await writeCompareOutput(runs, out);
  assert.equal(files[0], join(out, 'compare.html'));
  const data = JSON.parse(readFileSync(join(out, 'compare_data.json'), 'utf8')) as J;
  assert.deepEqual(data.runs.map((r: J) => r.label), ['A · run-a', 'B · run-b']);
  assert.deepEqual(data.runs.map((r: J) => r.points.map((p: J) => p.outputTokensPerS)), [[100, 200, 400], [100, 200]]);
  assert.equal(data.runs[1].dists.ttft.from, 'report');
  assert.equal(data.runs[1].dists.tpot, undefined, 'no TPOT in the reports: no line');
  // Run B's two stages (TTFT p50 100 ms and 200 ms) mixed by their request counts (100 each):
  // F(100) = ½·0.5 + ½·F₂(100), F₂(100) between its p10 (80 ms) and p25 (120 ms) = 0.175.
  const b = data.runs[1].dists.ttft.cdf as Array<[number, number]>;
  assert.deepEqual(b[0], [20, 0]);
  assert.ok(Math.abs(b.find((p) => p[0] === 100)![1] - (0.5 * 0.5 + 0.5 * 0.175)) < 1e-9, 'F(100) = ½·F₁(100) + ½·F₂(100)');
  const spec = compareCdfs(data as { runs: [] }) as J;
  assert.deepEqual(spec.vconcat.flatMap((r: J) => r.hconcat.map((p: J) => p.title)), ['TTFT', 'ITL', 'E2E latency']);
  for (const k of ['compare-cdfs', 'compare-throughput-latency']) {
    const svg = readFileSync(join(out, `${k}.svg`), 'utf8');
    assert.ok(svg.includes('A · run-a') && svg.includes('B · run-b'), `${k}: one legend entry per run`);
    assert.ok(readFileSync(join(out, `${k}.png`)).length > 20_000, `${k}.png`);
  }
  const cdfSvg = readFileSync(join(out, 'compare-cdfs.svg'), 'utf8');
  for (const s of ['Latency CDFs by run', 'time to first token (ms)', 'share of requests ≤ x (%)', '(report percentiles)']) assert.ok(cdfSvg.includes(s), s);
  assert.ok(readFileSync(join(out, 'compare-throughput-latency.svg'), 'utf8').includes('output tokens/s'));
  const html = readFileSync(join(out, 'compare.html'), 'utf8');
  assert.match(html, /A = run-a \(guidellm\)/);
  assert.match(html, /<th>Δ B vs A<\/th>/);
  assert.equal((html.match(/<figure class="plot"/g) ?? []).length, 2);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained');
});
