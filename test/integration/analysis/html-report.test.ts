/**
 * The HTML reports in a real headless browser (the system Chromium driven by playwright-core):
 * `llmdbench run` against the embedded simulator leaves report.html per result and per work
 * directory; each opens from file:// with no console error, no network request, the summary's
 * numbers, and every plot visible (non-zero size, inside the viewport once scrolled to), the
 * server-metrics plot of `-f` included; `compare`'s compare.html likewise. `-z` writes them again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_MISSING, findChromium, underCi } from '../../helpers/chromium.ts';
import { SAMPLES } from '../../helpers/report-schema.ts';
import { cleanEnv, onlyDir, readJson, runCli, tmp } from '../run/helpers.ts';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PageCheck {
  errors: string[];
  external: string[];
  plots: Array<{ kind: string; width: number; height: number; inView: boolean }>;
  text: string;
}

async function openReport(browser: Browser, file: string): Promise<PageCheck> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(String(e)));
  // Self-contained: anything but the file itself is a failure (and is not fetched).
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') && url.endsWith('.html')) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const plots: PageCheck['plots'] = [];
  const figs = page.locator('figure.plot');
  for (let i = 0; i < (await figs.count()); i++) {
    const svg = figs.nth(i).locator('svg').first();
    await svg.scrollIntoViewIfNeeded();
    const r = await svg.evaluate((el) => {
      const b = el.getBoundingClientRect();
      return { kind: el.closest('figure')?.getAttribute('data-plot') ?? '', width: b.width, height: b.height, top: b.top, bottom: b.bottom, vh: (globalThis as unknown as { innerHeight: number }).innerHeight };
    });
    // Every plot fits the viewport (the report caps a plot at 85 % of the window's height).
    plots.push({ kind: r.kind, width: r.width, height: r.height, inView: r.top >= -0.5 && r.bottom <= r.vh + 0.5 });
  }
  const text = await page.locator('body').innerText();
  await page.close();
  return { errors, external, plots, text };
}

test('HTML reports of a run open in headless Chromium with every plot visible, no errors, no network', async (t) => {
  const exe = findChromium();
  if (!exe) {
    if (underCi()) assert.fail(`${CHROMIUM_MISSING} (CI=true: a browser test must not skip)`);
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const wd = tmp('html-report');
  // -f: the server-metrics plot joins the report (scraping the embedded simulator's /metrics every second).
  const r = await runCli(['run', '-f', '--workdir', wd, '-o', 'duration=3,rate=5'], { env: cleanEnv({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1' }) });
  assert.equal(r.code, 0, r.stderr);
  const wdReport = join(wd, 'analysis', 'report.html');
  assert.ok(r.stdout.includes(`report: ${wdReport}`), `the run prints where the HTML is:\n${r.stdout}`);
  const ana = onlyDir(wd, 'analysis');
  const resultReport = join(ana, 'report.html');
  assert.ok(existsSync(resultReport));
  const sum: J = readJson(join(ana, 'summary.json'));

  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const res = await openReport(browser, resultReport);
    assert.deepEqual(res.errors, [], 'no console errors');
    assert.deepEqual(res.external, [], 'nothing fetched');
    assert.deepEqual(res.plots.map((p) => p.kind), ['latency-histograms', 'latency-cdfs', 'timeline', 'server-metrics', 'token-rate', 'stage-latency']);
    for (const p of res.plots) {
      assert.ok(p.width > 300 && p.height > 150, `${p.kind} has a size: ${p.width}x${p.height}`);
      assert.ok(p.inView, `${p.kind} is in the viewport after scrolling to it`);
    }
    // The summary table carries the summary's numbers; the configuration is the rendered profile.
    assert.ok(res.text.includes(sum.ttft_ms.p50.toFixed(2)), 'TTFT p50 in the table');
    assert.ok(res.text.includes(sum.output_tokens_per_s.toFixed(2)), 'output tokens/s in the table');
    assert.match(res.text, /Load-generator health/);
    assert.match(res.text, /sanity_random\.yaml/);

    const wdp = await openReport(browser, wdReport);
    assert.deepEqual(wdp.errors, []);
    assert.deepEqual(wdp.external, []);
    assert.deepEqual(wdp.plots.map((p) => p.kind), ['throughput-latency', 'server-metrics']);
    for (const p of wdp.plots) assert.ok(p.width > 300 && p.height > 150 && p.inView, `${p.kind}: ${p.width}x${p.height}, in view ${p.inView}`);
    assert.ok(wdp.text.includes(sum.name), 'the work-dir report names its result');

    // compare.html: this run against GuideLLM's sample (records vs report percentiles), same checks.
    const g = tmp('html-compare-guidellm');
    cpSync(join(SAMPLES, 'guidellm', 'real-run-against-sim', 'benchmarks.json'), join(g, 'benchmarks.json'));
    const out = join(tmp('html-compare'), 'out');
    const c = await runCli(['compare', wd, g, '--out', out]);
    assert.equal(c.code, 0, c.stderr);
    const cmp = await openReport(browser, join(out, 'compare.html'));
    assert.deepEqual(cmp.errors, []);
    assert.deepEqual(cmp.external, []);
    assert.deepEqual(cmp.plots.map((p) => p.kind), ['compare-cdfs', 'compare-throughput-latency']);
    for (const p of cmp.plots) assert.ok(p.width > 300 && p.height > 150 && p.inView, `${p.kind}: ${p.width}x${p.height}, in view ${p.inView}`);
    assert.match(cmp.text, /TTFT p90 \(ms\)/);
  } finally {
    await browser.close();
  }

  // -z writes the reports again from the records.
  rmSync(resultReport);
  rmSync(wdReport);
  const z = await runCli(['run', '-z', '--workdir', wd]);
  assert.equal(z.code, 0, z.stderr);
  assert.ok(existsSync(resultReport) && existsSync(wdReport), '-z rewrote both reports');
  assert.ok(z.stdout.includes(`report: ${wdReport}`));
  assert.ok(readFileSync(resultReport, 'utf8').includes('<svg'), 'plots inlined');
});

test('-j 2 -f --slo: the merged result\'s report.html and the work dir\'s open in headless Chromium: every plot visible (server metrics too), goodput rows with the SLOs, the generators linked, the merged column linked', async (t) => {
  const exe = findChromium();
  if (!exe) {
    if (underCi()) assert.fail(`${CHROMIUM_MISSING} (CI=true: a browser test must not skip)`);
    t.skip(CHROMIUM_MISSING);
    return;
  }
  const wd = tmp('html-merged');
  const r = await runCli(['run', '-j', '2', '-f', '--slo', 'ttft=200ms,tpot=50ms', '--workdir', wd, '-o', 'duration=3,rate=5'], { env: cleanEnv({ LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_INTERVAL: '1' }), timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const merged = readdirSync(join(wd, 'analysis')).find((n) => n.endsWith('_merged'))!;
  assert.ok(merged);
  const sum: J = readJson(join(wd, 'analysis', merged, 'summary.json'));
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const res = await openReport(browser, join(wd, 'analysis', merged, 'report.html'));
    assert.deepEqual(res.errors, [], 'no console errors');
    assert.deepEqual(res.external, [], 'nothing fetched');
    assert.deepEqual(res.plots.map((p) => p.kind), ['latency-histograms', 'latency-cdfs', 'timeline', 'server-metrics', 'token-rate', 'stage-latency']);
    for (const p of res.plots) assert.ok(p.width > 300 && p.height > 150 && p.inView, `${p.kind}: ${p.width}x${p.height}, in view ${p.inView}`);
    assert.ok(res.text.includes(sum.ttft_ms.p50.toFixed(2)), 'the merged TTFT p50 in the table');
    assert.match(res.text, /Merged load generators/);
    assert.match(res.text, new RegExp(`goodput: requests meeting every SLO \\(%\\)\\s+${(sum.goodput.good_fraction * 100).toFixed(2)}`));
    assert.match(res.text, new RegExp(`goodput rate \\(req/s\\)\\s+${sum.goodput.good_requests_per_s.toFixed(3)}`));
    assert.match(res.text, /goodput SLOs\s+ttft ≤ 200 ms, tpot ≤ 50 ms/);
    for (const g of sum.merged_from as string[]) assert.ok(res.text.includes(g), g);

    const wdp = await openReport(browser, join(wd, 'analysis', 'report.html'));
    assert.deepEqual(wdp.errors, []);
    assert.deepEqual(wdp.external, []);
    for (const p of wdp.plots) assert.ok(p.width > 300 && p.height > 150 && p.inView, `${p.kind}: ${p.width}x${p.height}, in view ${p.inView}`);
    assert.ok(wdp.text.includes(merged), 'the work-dir report names the merged result');
    assert.match(wdp.text, /goodput SLOs/);
    assert.ok(readFileSync(join(wd, 'analysis', 'report.html'), 'utf8').includes(`href="${merged}/report.html"`), 'and links its report');
  } finally {
    await browser.close();
  }
});
