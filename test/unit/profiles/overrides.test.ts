import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { applyOverrides, parseOverrides, parseKey, typeValue } from '../../../src/profiles/overrides/index.ts';
import { throwsCode } from '../../helpers/throws-code.ts';
import { upstreamDir } from '../../helpers/upstream.ts';

const upstream = upstreamDir;
const sanity = readFileSync(path.join(upstream, 'profiles', 'inference-perf', 'sanity_random.yaml.in'), 'utf8');
const FILE = 'inference-perf/sanity_random.yaml';

function apply(spec: string, text = sanity) {
  return applyOverrides(text, parseOverrides(spec), { file: FILE });
}


test('key=value form: bare leaf changes every occurrence and reports each path', () => {
  const r = apply('min=20');
  assert.deepEqual(r.changes, [
    { key: 'min', source: '-o', paths: ['data.input_distribution.min', 'data.output_distribution.min'] },
  ]);
  const doc = parse(r.text);
  assert.equal(doc.data.input_distribution.min, 20);
  assert.equal(doc.data.output_distribution.min, 20);
  assert.equal(doc.data.input_distribution.max, 512);
});

test('key,value pair form (as the seed docs write it) gives the same result as key=value', () => {
  const a = apply('rate,5,min,20');
  const b = apply('rate=5,min=20');
  assert.equal(a.text, b.text);
  assert.equal(parse(a.text).load.stages[0].rate, 5);
  assert.deepEqual(a.changes.map((c) => c.paths.length), [1, 2]);
});

test('dotted path with list index, both spellings', () => {
  for (const key of ['load.stages.0.rate', 'load.stages[0].rate']) {
    const r = apply(`${key}=7`);
    assert.equal(parse(r.text).load.stages[0].rate, 7);
    assert.deepEqual(r.changes[0]?.paths, ['load.stages[0].rate']);
  }
  assert.deepEqual(parseKey('a.b[2][0].c').segments, ['a', 'b', 2, 0, 'c']);
  assert.equal(parseKey('min').bare, true);
  assert.equal(parseKey('data.min').bare, false);
});

test('values are typed as YAML scalars; quoted values stay strings', () => {
  const r = apply('load.stages.0.rate=0.5,server.ignore_eos=false,api.type="5",storage.local_storage.path=null,load.request_timeout=60');
  const doc = parse(r.text);
  assert.equal(doc.load.stages[0].rate, 0.5);
  assert.equal(doc.server.ignore_eos, false);
  assert.equal(doc.api.type, '5');
  assert.equal(doc.storage.local_storage.path, null);
  assert.equal(doc.load.request_timeout, 60);
  assert.equal(typeValue('5').value, 5);
  assert.equal(typeValue("'5'").value, '5');
  assert.equal(typeValue('true').value, true);
  assert.equal(typeValue('~').value, null);
  assert.equal(typeValue('abc').value, 'abc');
});

test('a string that YAML 1.1 reads as a boolean is quoted in the output', () => {
  const r = apply('api.type=yes');
  assert.match(r.text, /^ {2}type: "yes"$/m);
  assert.equal(parse(r.text).api.type, 'yes');
});

test('comments, key order and untouched formatting are kept byte for byte', () => {
  const r = apply('min=20,load.stages[0].rate=0.50');
  const expected = sanity
    .replace('    min: 256            # min length of the synthetic prompts', '    min: 20            # min length of the synthetic prompts')
    .replace('    min: 10             # min length of the output', '    min: 20             # min length of the output')
    .replace('  - rate: 1\n', '  - rate: 0.50\n');
  assert.notEqual(expected, sanity);
  assert.equal(r.text, expected);
});

test('a quoted scalar keeps its quotes; an empty value gets one', () => {
  const text = 'a: "x"   # keep me\nb:\nc: 1\n';
  const r = applyOverrides(text, parseOverrides('a=y,b=3'), { file: 't.yaml' });
  assert.equal(r.text, 'a: "y"   # keep me\nb: 3\nc: 1\n');
});

test('+path adds a missing leaf under an existing map, in place', () => {
  const r = apply('+load.extra_key=2');
  assert.equal(parse(r.text).load.extra_key, 2);
  assert.ok(r.text.includes("  num_workers: 1\n  extra_key: 2\napi:"));
  assert.ok(r.text.includes('    min: 256            # min length of the synthetic prompts'));
  throwsCode(() => apply('+nothere.x=1'), 'E_OVERRIDE_NO_MATCH');
});

test('a key that matches nothing: E_OVERRIDE_NO_MATCH naming the profile, the source and the closest keys', () => {
  const e = throwsCode(() => applyOverrides(sanity, parseOverrides('mni=3', 'LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES'), { file: FILE }), 'E_OVERRIDE_NO_MATCH');
  assert.match(e.message, /"mni"/);
  assert.match(e.message, /LLMDBENCH_HARNESS_EXPERIMENT_PROFILE_OVERRIDES/);
  assert.match(e.message, /inference-perf\/sanity_random\.yaml/);
  assert.equal(e.location?.file, FILE);
  assert.ok(e.details.some((d) => /closest existing keys: .*\bmin\b/.test(d)), e.details.join('\n'));
  const p = throwsCode(() => apply('load.stages.3.rate=1'), 'E_OVERRIDE_NO_MATCH');
  assert.ok(p.details.some((d) => /list of 1 item/.test(d)));
  assert.ok(p.details.some((d) => d.includes('load.stages[0].rate')));
  const s = throwsCode(() => apply('input_distribution.min=1'), 'E_OVERRIDE_NO_MATCH');
  assert.ok(s.details.some((d) => d.includes('data.input_distribution.min')), s.details.join('\n'));
});

test('a scalar may not replace a map or list', () => {
  const e = throwsCode(() => apply('data=5'), 'E_OVERRIDE_NOT_SCALAR');
  assert.equal(e.location?.keyPath, 'data');
  throwsCode(() => apply('load.stages=5'), 'E_OVERRIDE_NOT_SCALAR');
});

test('malformed entries name the entry', () => {
  const cases: [string, RegExp][] = [
    ['a=1,2', /entry "2" is not key=value/],
    ['rate,1,min', /last key "min" has no value/],
    ['min=', /empty value/],
    ['=5', /invalid key/],
    ['a=1,,b=2', /empty entry at position 2/],
    ['a..b=1', /malformed segment/],
    ['x="unterminated', /unterminated/],
    ['a b=1', /invalid key/],
  ];
  for (const [spec, re] of cases) {
    const e = throwsCode(() => parseOverrides(spec), 'E_OVERRIDE_SYNTAX');
    assert.match(e.message, re, spec);
  }
});

test('comma-in-value rule: quotes, \\, and REPLACE_COMMA; first = splits, later = kept', () => {
  const text = 'percentile-metrics: "ttft,tpot"\nurl: x\n';
  for (const spec of ['percentile-metrics="ttft,itl,e2el"', 'percentile-metrics=ttft\\,itl\\,e2el', 'percentile-metrics=ttftREPLACE_COMMAitlREPLACE_COMMAe2el']) {
    const ovs = parseOverrides(spec);
    assert.equal(ovs.length, 1, spec);
    const r = applyOverrides(text, ovs, { file: 't.yaml' });
    assert.equal(r.text, 'percentile-metrics: "ttft,itl,e2el"\nurl: x\n', spec);
  }
  const [eq] = parseOverrides('url=http://h:1/?a=b');
  assert.equal(eq?.value, 'http://h:1/?a=b');
  // A trailing comma is tolerated; pair form with a quoted comma value.
  assert.equal(parseOverrides('a=1,').length, 1);
  assert.deepEqual(parseOverrides('k,"a,b"').map((o) => o.value), ['a,b']);
});

test('later overrides win on the same key; the order of changes follows the input', () => {
  const r = apply('min=1,data.input_distribution.min=2');
  const doc = parse(r.text);
  assert.equal(doc.data.input_distribution.min, 2);
  assert.equal(doc.data.output_distribution.min, 1);
  assert.deepEqual(r.changes.map((c) => c.key), ['min', 'data.input_distribution.min']);
});

test('flow collections and block scalars fall back to the tree printer and keep comments', () => {
  const text = '# head\nlist: [1, 2, 3]   # inline\nbody: |\n  hello\nx: 1\n';
  const r = applyOverrides(text, parseOverrides('list.1=9,body=bye'), { file: 't.yaml' });
  const doc = parse(r.text);
  assert.deepEqual(doc.list, [1, 9, 3]);
  assert.equal(doc.body, 'bye');
  assert.match(r.text, /^# head/);
  assert.match(r.text, /# inline/);
});

test('no overrides: text unchanged; invalid YAML: E_PROFILE_YAML with a line', () => {
  assert.equal(apply('').text, sanity);
  const e = throwsCode(() => applyOverrides('a: [1,\nb: : :\n', parseOverrides('a=1'), { file: 'bad.yaml' }), 'E_PROFILE_YAML');
  assert.equal(e.location?.file, 'bad.yaml');
  assert.equal(typeof e.location?.line, 'number');
});

test('tree-printer fallback also quotes YAML 1.1 booleans', () => {
  const r = applyOverrides('l: [a, b]\n', parseOverrides('l.0=on'), { file: 't.yaml' });
  assert.deepEqual(parse(r.text).l, ['on', 'b']);
  assert.match(r.text, /"on"/);
});

test('"+" needs a path; experiment values may be lists or maps (printed by the YAML library)', async () => {
  const e = throwsCode(() => parseOverrides('+min=1'), 'E_OVERRIDE_SYNTAX');
  assert.match(e.message, /needs a path/);
  const { makeOverride } = await import('../../../src/profiles/overrides/index.ts');
  const r = applyOverrides(sanity, [makeOverride('load.stages', [{ rate: 2, duration: 10 }, { rate: 4, duration: 10 }], 'experiment x.yaml, treatment t')], { file: FILE });
  const doc = parse(r.text);
  assert.deepEqual(doc.load.stages, [{ rate: 2, duration: 10 }, { rate: 4, duration: 10 }]);
  assert.ok(r.text.includes('# min length of the synthetic prompts'));
  assert.deepEqual(r.changes[0]?.paths, ['load.stages']);
});

test('no misleading suggestion for a short key found only inside a longer name', () => {
  const e = throwsCode(() => applyOverrides('api:\n  streaming: true\n', parseOverrides('min=1'), { file: 't.yaml' }), 'E_OVERRIDE_NO_MATCH');
  assert.ok(e.details.some((d) => d === "no similar key; the profile's keys: api, streaming"), e.details.join('\n'));
  assert.ok(!e.details.some((d) => d.startsWith('closest')), e.details.join('\n'));
});

test('-o flow value replaces a list; commas inside brackets do not split; comments elsewhere kept', () => {
  const r = apply('load.stages=[{rate: 2, duration: 2}, {rate: 3, duration: 1}],min=3');
  const doc = parse(r.text);
  assert.deepEqual(doc.load.stages, [{ rate: 2, duration: 2 }, { rate: 3, duration: 1 }]);
  assert.equal(doc.data.input_distribution.min, 3);
  assert.equal(doc.load.request_timeout, 30);
  assert.ok(r.text.includes('# min length of the synthetic prompts'));
  assert.deepEqual(r.changes.map((c) => [c.key, c.paths.length]), [['load.stages', 1], ['min', 2]]);
  assert.deepEqual(r.changes[0]?.paths, ['load.stages']);
  // Pair form too.
  const p = apply('load.stages,[{rate: 2, duration: 2}]');
  assert.deepEqual(parse(p.text).load.stages, [{ rate: 2, duration: 2 }]);
});

test('-o flow value replaces a map (and a scalar); nested brackets, quoted commas and brackets inside', () => {
  const r = apply('data.input_distribution={min: 1, max: 4, mean: 2, std_dev: 1},max=9');
  const doc = parse(r.text);
  assert.deepEqual(doc.data.input_distribution, { min: 1, max: 4, mean: 2, std_dev: 1 });
  assert.equal(doc.data.output_distribution.max, 9);
  assert.ok(r.text.includes('# min length of the output'));
  const ovs = parseOverrides('a={b: [1, {c: 2, d: [3, 4]}], e: "x,]"},f=[\'y,}\', z],g=h\\,i,j="k,l"');
  assert.deepEqual(ovs.map((o) => [o.key, o.value]), [
    ['a', { b: [1, { c: 2, d: [3, 4] }], e: 'x,]' }],
    ['f', ['y,}', 'z']],
    ['g', 'h,i'],
    ['j', 'k,l'],
  ]);
  const s = applyOverrides('x: 1   # c\ny: 2\n', parseOverrides('x=[1, 2]'), { file: 't.yaml' });
  assert.deepEqual(parse(s.text), { x: [1, 2], y: 2 });
  // A quoted bracket value stays a string.
  assert.deepEqual(parseOverrides('k="[1, 2]"').map((o) => o.value), ['[1, 2]']);
});

test('a bad flow value is an error naming the entry', () => {
  const cases: [string, RegExp][] = [
    ['a=1,load.stages=[{rate: 2, duration: 2}', /entry "load\.stages=\[\{rate: 2, duration: 2\}": unclosed "\["/],
    ['load.stages=[{rate: 2]}]', /entry "load\.stages=\[\{rate: 2": "\]" where "\}" was expected/],
    ['load.stages=[1, 2] x,b=1', /entry "load\.stages=\[1, 2\] x": the value is not valid YAML flow/],
    ['k={a: b: c}', /entry "k=\{a: b: c\}": the value is not valid YAML flow/],
  ];
  for (const [spec, re] of cases) {
    const e = throwsCode(() => parseOverrides(spec), 'E_OVERRIDE_SYNTAX');
    assert.match(e.message, re, spec);
  }
});

test('a plain scalar over a list or map is still an error, and the hint shows the flow form', () => {
  const e = throwsCode(() => apply('load.stages=5'), 'E_OVERRIDE_NOT_SCALAR');
  assert.match(e.hint ?? '', /-o 'load\.stages=\[\{rate: 1, duration: 30\}\]'/);
  const m = throwsCode(() => apply('data.input_distribution=1'), 'E_OVERRIDE_NOT_SCALAR');
  assert.match(m.hint ?? '', /data\.input_distribution=\{min: 256, max: 512, mean: 384, std_dev: 10, total_count: 100\}/);
  const d = throwsCode(() => apply('data=5'), 'E_OVERRIDE_NOT_SCALAR');
  assert.match(d.hint ?? '', /data=\{key: value, \.\.\.\}/);
});
