import { readdirSync } from 'node:fs';
const wd = process.argv[2]!;
const name = readdirSync(wd + '/results')[0]!;
const c0 = process.cpuUsage(); const t0 = performance.now();
const { reportResult } = await import('./src/analysis/reporters/registry.ts');
const { collectPlotData } = await import('./src/analysis/plots/index.ts');
const { plotsReporter } = await import('./src/analysis/reporters/plots.ts');
const { htmlReporter } = await import('./src/analysis/reporters/html.ts');
void reportResult; void collectPlotData;
const ctx = { name, resultsDir: `${wd}/results/${name}`, analysisDir: `/tmp/meas-ana`, summary: JSON.parse((await import('node:fs')).readFileSync(`${wd}/analysis/${name}/summary.json`, 'utf8')) };
(await import('node:fs')).mkdirSync('/tmp/meas-ana', { recursive: true });
for (let i = 0; i < 3; i++) {
  const c = process.cpuUsage(); const t = performance.now();
  await plotsReporter.forResult!(ctx); await htmlReporter.forResult!(ctx);
  const cu = process.cpuUsage(c);
  console.log(i === 0 ? 'cold (incl. vega/resvg import)' : 'warm', 'wall ms', (performance.now() - (i === 0 ? t0 : t)).toFixed(0), 'cpu ms (main thread+workers)', ((cu.user + cu.system) / 1000).toFixed(0), i === 0 ? `total cpu since start ${((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000).toFixed(0)}` : '');
}
