/**
 * A/B of the column sidecar: every analysis output (summary, goodput, plot data, every SVG/PNG,
 * report.html, llm-d reports, the work directory's report) is byte-identical whether the records
 * are read from records.jsonl.cols or parsed from records.jsonl, for each harness's definitions,
 * on varied records (errors with escaped messages, warm-ups, multi-turn tags, zero-chunk requests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordWriter } from '../../../src/engine/record/writer.ts';
import { checkSidecar } from '../../../src/engine/record/sidecar-read.ts';
import { analyzeResultDir } from '../../../src/analysis/analyze.ts';
import { definitionsFor } from '../../../src/analysis/definitions.ts';
import { reportWorkDir } from '../../../src/analysis/reporters/registry.ts';
import type { RequestRecord } from '../../../src/engine/types.ts';

const N = 4000;
const STAGES = [20, 40, 80];

function records(): RequestRecord[] {
  let x = 99;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out: RequestRecord[] = [];
  let sent = 1_000_000;
  for (let i = 0; i < N; i++) {
    const stage = Math.floor((i * STAGES.length) / N);
    sent += (1000 / STAGES[stage]!) * (0.5 + rnd());
    const k = i % 29 === 0 ? 0 : 1 + Math.floor(rnd() * 40);
    let t = sent + 30 + rnd() * 80;
    const times = Array.from({ length: k }, () => Math.round((t += rnd() < 0.2 ? 0 : 5 + rnd() * 25) * 1e6) / 1e6);
    const r: RequestRecord = { id: i, stage, worker: i % 2, api: i % 3 ? 'completion' : 'chat', stream: true, scheduledAtMs: sent - rnd(), dispatchedAtMs: sent - 0.1, sentAtMs: sent, headersAtMs: sent + 1, chunkTimesMs: times, chunkTokens: times.map(() => (i % 5 ? 1 : 2)), endAtMs: (k ? times[k - 1]! : sent + 20) + 0.5, httpStatus: 200, finishReason: 'length', promptTokensServer: 50 + Math.floor(rnd() * 500), completionTokensServer: k, maxTokens: 40, firstChoiceAtMs: times[0] ?? sent + 10, lastChoiceAtMs: times[k - 1] ?? sent + 10, choiceEventCount: k, doneSeen: true, requestBytes: 900 + i % 50, sameReadChunks: times.filter((v, j) => j > 0 && v === times[j - 1]).length };
    if (i < 3) r.tags = { phase: 'warmup' };
    if (i % 11 === 0) r.tags = { conversation: i % 7, turn: i % 3 };
    if (i % 37 === 0) {
      Object.assign(r, { chunkTimesMs: [], chunkTokens: [], httpStatus: i % 2 ? 500 : 429, error: { label: i % 2 ? 'http_5xx' : 'http_429', message: i % 4 ? 'HTTP 500: "overloaded"\tretry' : 'HTTP 429: Too Many Requests' }, completionTokensServer: undefined, finishReason: undefined, choiceEventCount: 0 });
    }
    out.push(r);
  }
  return out;
}

function files(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, f);
    try {
      m.set(f, readFileSync(p));
    } catch {
      /* a directory */
    }
  }
  return m;
}

test('every analysis output is byte-identical from the sidecar and from the JSONL (four harnesses)', { timeout: 600_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'cols-ab-'));
  try {
    const src = join(root, 'src');
    mkdirSync(src);
    const w = new RecordWriter(join(src, 'records.jsonl'), { maxBufferChars: 200_000 });
    for (const r of records()) w.add(r);
    await w.close();
    assert.ok(checkSidecar(join(src, 'records.jsonl')));
    for (const harness of ['inference-perf', 'vllm-benchmark', 'guidellm', 'fmperf']) {
      const out: Map<string, Buffer>[] = [];
      for (const side of ['cols', 'jsonl']) {
        const workDir = join(root, harness); // the same path both times (report.html names it)
        const name = `${harness}_ab`;
        const resultsDir = join(workDir, 'results', name);
        const analysisDir = join(workDir, 'analysis', name);
        cpSync(src, resultsDir, { recursive: true });
        if (side === 'jsonl') rmSync(join(resultsDir, 'records.jsonl.cols'));
        assert.equal(existsSync(join(resultsDir, 'records.jsonl.cols')), side === 'cols');
        writeFileSync(join(resultsDir, 'run_metadata.yaml'), `harness_name: ${harness}\ncomplete: true\n`);
        writeFileSync(join(resultsDir, 'loadgen_health.json'), JSON.stringify({ client_bottleneck: false, warnings: [], stages: STAGES.map((rate, stage) => ({ stage, kind: 'open', requestedRate: rate })) }));
        const s = await analyzeResultDir(name, resultsDir, analysisDir, true, { definitions: await definitionsFor(harness), slo: { ttft: 200, tpot: 50 } });
        assert.ok(s);
        await reportWorkDir({ workDir, results: [{ resultsDir, analysisDir, summary: s }] });
        rmSync(join(workDir, 'results'), { recursive: true });
        out.push(files(workDir));
        rmSync(workDir, { recursive: true });
      }
      const [a, b] = out as [Map<string, Buffer>, Map<string, Buffer>];
      assert.ok(a.size > 5, `${harness}: outputs written`);
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${harness}: same files`);
      for (const [f, bytes] of a) assert.ok(bytes.equals(b.get(f)!), `${harness}: ${f} differs`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
