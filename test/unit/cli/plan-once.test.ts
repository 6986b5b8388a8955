/**
 * One buildPlan per invocation (issue 7): --dry-run, -z and a real run against the embedded
 * simulator each build the plan exactly once; the dry run names the executor and why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../../src/cli/index.ts';
import { planCalls } from '../../../src/cli/commands/run-action.ts';

/** Run main() with no inherited LLMDBENCH_* variables and stdout captured. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string }> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('LLMDBENCH_') || k === 'HF_TOKEN') delete process.env[k];
  Object.assign(process.env, env);
  const write = process.stdout.write.bind(process.stdout);
  let stdout = '';
  // Only our own text output (other writers, e.g. a child's piped bytes, pass through).
  process.stdout.write = ((s: string | Uint8Array, ...rest: unknown[]) => (typeof s === 'string' ? ((stdout += s), true) : (write as (...a: unknown[]) => boolean)(s, ...rest))) as typeof process.stdout.write;
  try {
    const code = await main(args);
    return { code, stdout };
  } finally {
    process.stdout.write = write;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('run --dry-run builds the plan once and says which executor and why', async () => {
  const before = planCalls.count;
  const r = await cli(['run', '-n', '--json', '--workdir', mkdtempSync(join(tmpdir(), 'once-n-'))]);
  assert.equal(r.code, 0);
  assert.equal(planCalls.count - before, 1);
  const plan = JSON.parse(r.stdout) as { executor: string; executorReason: string };
  assert.equal(plan.executor, 'local');
  assert.match(plan.executorReason, /no namespace/);
  const k = await cli(['run', '-n', '-p', 'ns1', '--workdir', mkdtempSync(join(tmpdir(), 'once-k-'))]);
  assert.equal(k.code, 0);
  assert.match(k.stdout, /^executor: kubernetes \(a namespace \(-p\) was named by flag/m);
});

test('choosing Kubernetes with no reachable cluster is an environment error (exit 3); LLMDBENCH_CLIOVERRIDE_* acts as --executor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'once-k8s-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // a loopback port nothing listens on (refused at once)
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
  const r = await cli(['run', '-t', 'standalone', '--quiet', '--workdir', dir], { LLMDBENCH_KUBECONFIG: kubeconfig });
  assert.equal(r.code, 3);
  const env = await cli(['run', '-n', '--json', '--workdir', mkdtempSync(join(tmpdir(), 'once-env-'))], { LLMDBENCH_CLIOVERRIDE_CONTROL_EXECUTOR: 'kubernetes' });
  assert.equal((JSON.parse(env.stdout) as { executor: string }).executor, 'kubernetes', 'LLMDBENCH_CLIOVERRIDE_* acts as the flag');
});

test('a real run and a -z re-analysis each build the plan once; the result dir holds the profile and harness_args', async () => {
  const wd = mkdtempSync(join(tmpdir(), 'once-run-'));
  const before = planCalls.count;
  const r = await cli(['run', '--quiet', '--json', '--workdir', wd, '-o', 'duration=1,rate=4'], { LLMDBENCH_SIM_PRESET: 'instant' });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(planCalls.count - before, 1);
  const out = JSON.parse(r.stdout) as { results: { resultsDir: string; complete: boolean }[] };
  const dir = out.results[0]!.resultsDir;
  const meta = parse(readFileSync(join(dir, 'run_metadata.yaml'), 'utf8')) as { harness_args: string; llmdbench_args: string; harness_workload: string };
  assert.equal(meta.harness_args, `--config_file ${join(dir, meta.harness_workload)}`);
  assert.match(meta.llmdbench_args, /--workdir/);
  const profile = readFileSync(join(dir, meta.harness_workload), 'utf8');
  assert.match(profile, /base_url: http:\/\/127\.0\.0\.1:\d+/, 'the copied profile has the bound endpoint');
  assert.ok(existsSync(join(dir, 'llmdbench_complete.json')), 'completion marker');
  const z0 = planCalls.count;
  const z = await cli(['run', '-z', '--quiet', '--json', '--workdir', wd]);
  assert.equal(z.code, 0);
  assert.equal(planCalls.count - z0, 1);
  assert.equal((JSON.parse(z.stdout) as { results: unknown[] }).results.length, 1);
});
