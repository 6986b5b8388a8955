import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { endpointTargets, startScraper, targetName } from '../../../../src/run/monitor/scraper.ts';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('targets: the endpoint host and port, the metrics path', () => {
  assert.deepEqual(endpointTargets(['http://127.0.0.1:8000/v1'], 'metrics'), [{ name: '127.0.0.1_8000', url: 'http://127.0.0.1:8000/metrics' }]);
  assert.equal(targetName('https://gw.example'), 'gw.example_443');
});

test('scraper: a slow target never has two scrapes in flight; HTTP errors and refused connections are warnings; stop() ends it', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;
  const slow = await listen((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      served++;
      res.end('# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running 1\n');
    }, 250);
  });
  const broken = await listen((_req, res) => {
    res.statusCode = 500;
    res.end('no');
  });
  const dir = mkdtempSync(join(tmpdir(), 'scrape-'));
  try {
    const s = startScraper({ targets: [{ name: 'slow', url: `${slow.url}/metrics` }, { name: 'broken', url: `${broken.url}/metrics` }, { name: 'refused', url: 'http://127.0.0.1:1/metrics' }], intervalMs: 50, dir, timeoutMs: 1000 });
    await s.first;
    await new Promise((r) => setTimeout(r, 600));
    const rep = await s.stop();
    assert.equal(maxInFlight, 1, 'one scrape in flight per target');
    // 50 ms ticks for ~850 ms, but a 250 ms answer: about 4, never 17.
    assert.ok(served >= 3 && served <= 6, `served ${served}`);
    const files = readdirSync(join(dir, 'raw'));
    assert.equal(files.length, served);
    assert.equal(rep.snapshots, served);
    for (const f of files) assert.match(readFileSync(join(dir, 'raw', f), 'utf8'), /^# Timestamp: .*\n# Pod: slow\n# PodIP: 127\.0\.0\.1\n# Source: prometheus_metrics\n# TYPE vllm:num_requests_running gauge/);
    assert.ok(rep.failures >= 2);
    assert.ok(rep.warnings.some((w) => /broken|127\.0\.0\.1:\d+\/metrics failed.*HTTP 500/.test(w)), rep.warnings.join('\n'));
    assert.ok(rep.warnings.length <= 21, 'warnings are bounded');
  } finally {
    slow.server.close();
    broken.server.close();
  }
});
