import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from '@commander-js/extra-typings';
import { addRunShOptions, RUN_SH_OPTIONS, runShOptionsToFlags, type RunShOptionValues } from '../../../src/cli/run-options.ts';
import { variableSpec } from '../../../src/config/variables.ts';
import { isLlmdbenchError, type LlmdbenchError } from '../../../src/util/errors.ts';

/** Parses argv the way `llmdbench config|run|render` do, returns the LLMDBENCH_* flags. */
function parse(argv: string[]): Record<string, string> {
  let got: RunShOptionValues | undefined;
  const cmd = addRunShOptions(new Command('t').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })).action(
    (opts) => {
      got = opts;
    },
  );
  cmd.parse(argv, { from: 'user' });
  assert.ok(got, 'action ran');
  return runShOptionsToFlags(got);
}

const isErr = (code: string, check: (e: LlmdbenchError) => boolean = () => true) => (e: unknown) =>
  isLlmdbenchError(e) && e.code === code && check(e);

const expected: Array<{ short?: string; long: string; value?: string; sets: Record<string, string> }> = [
  { short: 'c', long: 'scenario', value: '/s/x.sh', sets: { LLMDBENCH_DEPLOY_SCENARIO: '/s/x.sh' } },
  { short: 'm', long: 'models', value: 'a/b,c/d', sets: { LLMDBENCH_DEPLOY_MODEL_LIST: 'a/b,c/d' } },
  { short: 't', long: 'methods', value: 'standalone', sets: { LLMDBENCH_DEPLOY_METHODS: 'standalone' } },
  { short: 'l', long: 'harness', value: 'guidellm', sets: { LLMDBENCH_HARNESS_NAME: 'guidellm' } },
  { short: 'w', long: 'workload', value: 'chatbot_synthetic', sets: { LLMDBENCH_HARNESS_EXPERIMENT_PROFILE: 'chatbot_synthetic' } },
  { short: 'k', long: 'pvc', value: 'my-pvc', sets: { LLMDBENCH_HARNESS_PVC_NAME: 'my-pvc' } },
  { short: 'e', long: 'experiment', value: 'e.yaml', sets: { LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: 'e.yaml' } },
  { short: 'o', long: 'overrides', value: 'rate=5,max=20', sets: { LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'rate=5,max=20' } },
  { short: 'r', long: 'output', value: 's3://b', sets: { LLMDBENCH_HARNESS_OUTPUT: 's3://b' } },
  { short: 'z', long: 'skip', sets: { LLMDBENCH_HARNESS_SKIP_RUN: '1' } },
  { short: 'v', long: 'verbose', sets: { LLMDBENCH_CONTROL_VERBOSE: '1' } },
  { short: 'n', long: 'dry-run', sets: { LLMDBENCH_CONTROL_DRY_RUN: '1' } },
  { short: 'x', long: 'dataset', value: 'https://h/a.json', sets: { LLMDBENCH_RUN_DATASET_URL: 'https://h/a.json' } },
  { short: 'f', long: 'monitoring', sets: { LLMDBENCH_VLLM_COMMON_METRICS_SCRAPE_ENABLED: 'true' } },
  { short: 'j', long: 'parallelism', value: '4', sets: { LLMDBENCH_HARNESS_LOAD_PARALLELISM: '4' } },
  { short: 's', long: 'wait', value: '0', sets: { LLMDBENCH_HARNESS_WAIT_TIMEOUT: '0' } },
  { short: 'g', long: 'envvarspod', value: 'MY_,OTHER', sets: { LLMDBENCH_HARNESS_ENVVARS_TO_YAML: 'MY_,OTHER' } },
  { short: 'd', long: 'debug', sets: { LLMDBENCH_HARNESS_DEBUG: '1' } },
  { short: 'q', long: 'serviceaccount', value: 'runner', sets: { LLMDBENCH_VLLM_COMMON_SERVICE_ACCOUNT: 'runner' } },
  { short: 'u', long: 'wva', sets: { LLMDBENCH_WVA_ENABLED: '1' } },
  { short: 'p', long: 'namespace', value: 'ns', sets: { LLMDBENCH_VLLM_COMMON_NAMESPACE: 'ns', LLMDBENCH_HARNESS_NAMESPACE: 'ns', LLMDBENCH_WVA_NAMESPACE: 'ns' } },
  { long: 'endpoint', value: 'http://127.0.0.1:8000', sets: { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000' } },
  { long: 'workdir', value: '/tmp/w', sets: { LLMDBENCH_CONTROL_WORK_DIR: '/tmp/w' } },
  { long: 'vllm-log', value: '/tmp/vllm.log', sets: { LLMDBENCH_HARNESS_NOP_VLLM_LOG: '/tmp/vllm.log' } },
  { long: 'endpoint-url', value: 'http://127.0.0.1:8001', sets: { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8001' } },
  { long: 'executor', value: 'local', sets: { LLMDBENCH_CONTROL_EXECUTOR: 'local' } },
  { long: 'retries', value: '2', sets: { LLMDBENCH_HARNESS_RETRIES: '2' } },
  { long: 'slo', value: 'ttft=200ms,tpot=50ms', sets: { LLMDBENCH_HARNESS_SLO: 'ttft=200ms,tpot=50ms' } },
  { long: 'no-cleanup', sets: { LLMDBENCH_HARNESS_NO_CLEANUP: '1' } },
];

test('the option table has every run.sh flag plus --endpoint (--endpoint-url), --executor, --retries, --slo, --no-cleanup, --workdir and --vllm-log', () => {
  const table = RUN_SH_OPTIONS.map((o) => `${o.short ?? ''}/${o.long}`).sort();
  assert.deepEqual(table, expected.map((e) => `${e.short ?? ''}/${e.long}`).sort());
});

test('every flag, short and long, and -x=value / --long=value, sets its variables', () => {
  for (const e of expected) {
    const forms: string[][] = [];
    if (e.value === undefined) {
      forms.push([`--${e.long}`]);
      if (e.short) forms.push([`-${e.short}`]);
    } else {
      forms.push([`--${e.long}`, e.value], [`--${e.long}=${e.value}`]);
      if (e.short) forms.push([`-${e.short}`, e.value], [`-${e.short}=${e.value}`]);
    }
    for (const argv of forms) assert.deepEqual(parse(argv), e.sets, argv.join(' '));
  }
});

test('--experiments and -envvarspod= (upstream spellings) are accepted', () => {
  assert.deepEqual(parse(['--experiments', 'e.yaml']), { LLMDBENCH_HARNESS_EXPERIMENT_TREATMENTS: 'e.yaml' });
  assert.deepEqual(parse(['-envvarspod=A,B']), { LLMDBENCH_HARNESS_ENVVARS_TO_YAML: 'A,B' });
});

test('-p A / A,B / A,B,C: B and C default to A', () => {
  const ns = (a: string) => {
    const f = parse(['-p', a]);
    return [f.LLMDBENCH_VLLM_COMMON_NAMESPACE, f.LLMDBENCH_HARNESS_NAMESPACE, f.LLMDBENCH_WVA_NAMESPACE];
  };
  assert.deepEqual(ns('a'), ['a', 'a', 'a']);
  assert.deepEqual(ns('a,b'), ['a', 'b', 'a']);
  assert.deepEqual(ns('a,b,c'), ['a', 'b', 'c']);
  assert.deepEqual(ns('a,,c'), ['a', 'a', 'c']);
  assert.throws(() => parse(['-p', ',b']), isErr('E_BAD_FLAG_VALUE'));
  assert.throws(() => parse(['-p', 'a,b,c,d']), isErr('E_BAD_FLAG_VALUE'));
});

test('values containing = are kept whole (upstream truncated them)', () => {
  assert.deepEqual(parse(['-o=a=1,b=c=d']), { LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES: 'a=1,b=c=d' });
});

test('bad numbers are clear errors naming the flag', () => {
  for (const [argv, flag] of [
    [['-j', '0'], '-j/--parallelism'],
    [['-j', '-2'], '-j/--parallelism'],
    [['-j=1.5'], '-j/--parallelism'],
    [['--parallelism', 'many'], '-j/--parallelism'],
    [['-s', '-1'], '-s/--wait'],
    [['-s', '10s'], '-s/--wait'],
  ] as const) {
    assert.throws(() => parse([...argv]), isErr('E_BAD_FLAG_VALUE', (e) => e.message.startsWith(flag)), argv.join(' '));
  }
  assert.throws(
    () => parse(['-j', '0', '-s', 'x']),
    isErr('E_BAD_FLAG_VALUE', (e) => e.details.length === 2),
  );
});

test('--endpoint must be an http(s) base URL without a path; a trailing / is dropped', () => {
  assert.deepEqual(parse(['--endpoint', 'https://h.example:8443/']), { LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'https://h.example:8443' });
  for (const bad of ['http://h:1/v1', 'ftp://h', 'h:8000', 'http://h:1/?q=1', 'http://u:p@h:1']) {
    assert.throws(() => parse(['--endpoint', bad]), isErr('E_BAD_FLAG_VALUE'), bad);
  }
});

test('unknown flags are E_UNKNOWN_FLAG errors naming the closest valid flag', () => {
  assert.throws(() => parse(['--modles', 'x']), isErr('E_UNKNOWN_FLAG', (e) => e.message.includes('--modles') && e.message.includes('--models')));
  assert.throws(() => parse(['--dryrun']), isErr('E_UNKNOWN_FLAG', (e) => e.message.includes('--dry-run')));
  assert.throws(() => parse(['--paralelism=2']), isErr('E_UNKNOWN_FLAG', (e) => e.message.includes('--parallelism')));
  assert.throws(() => parse(['-y']), isErr('E_UNKNOWN_FLAG', (e) => (e.hint ?? '').includes('-m')));
  assert.throws(() => parse(['-M', 'x']), isErr('E_UNKNOWN_FLAG', (e) => e.message.includes('-m')));
});

test('help text of every option names the variable it sets and its default', () => {
  const cmd = addRunShOptions(new Command('t'));
  const help = cmd.helpInformation().replace(/\s+/g, ' ');
  for (const o of RUN_SH_OPTIONS) {
    for (const v of o.variables) {
      assert.ok(help.includes(v), `${o.long}: ${v} missing from help`);
      const d = variableSpec(v)?.default;
      if (typeof d === 'string') assert.ok(help.includes(`${v}${o.arg ? '' : `=${o.on ?? '1'}`} (default: ${d === '' ? 'empty' : d})`), `${o.long}: default of ${v}`);
    }
  }
});

test('commander usage errors throw (no process.exit) even without the program exitOverride', () => {
  const cmd = addRunShOptions(new Command('t').configureOutput({ writeErr: () => {}, writeOut: () => {} })).action(() => {});
  assert.throws(() => cmd.parse(['-j'], { from: 'user' }), (e: unknown) => e instanceof Error && e.name === 'CommanderError');
});
