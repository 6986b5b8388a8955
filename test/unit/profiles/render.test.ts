import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderTemplate, listTemplateTokens, templateVariables } from '../../../src/profiles/render.ts';
import { LlmdbenchError, formatError } from '../../../src/util/errors.ts';

const vars: Record<string, string> = {
  LLMDBENCH_DEPLOY_CURRENT_MODEL: 'meta-llama/Llama-3.2-1B-Instruct',
  LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000',
  EMPTY: '',
};
const lookup = (n: string): string | undefined => vars[n];
const render = (t: string, l = lookup): string => renderTemplate(t, { file: 'p.yaml.in', lookup: l });

function catchErr(fn: () => unknown): LlmdbenchError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LlmdbenchError, `not an LlmdbenchError: ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('plain token, token inside a path, token inside quotes', () => {
  const t = 'model: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL\nurl: REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL/v1\nq: "REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL"\n';
  assert.equal(
    render(t),
    'model: meta-llama/Llama-3.2-1B-Instruct\nurl: http://127.0.0.1:8000/v1\nq: "meta-llama/Llama-3.2-1B-Instruct"\n',
  );
});

test('default is used when unset or empty, and ignored when set', () => {
  assert.equal(render('a: REPLACE_ENV_NOPE++++default=42\n'), 'a: 42\n');
  assert.equal(render('a: REPLACE_ENV_EMPTY++++default=7\n'), 'a: 7\n');
  assert.equal(render('a: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL++++default=x\n'), 'a: meta-llama/Llama-3.2-1B-Instruct\n');
});

test('default ends where upstream splits tokens, at quotes and at flow terminators', () => {
  assert.equal(render('a: "REPLACE_ENV_NOPE++++default=abc"\n'), 'a: "abc"\n');
  assert.equal(render("a: 'REPLACE_ENV_NOPE++++default=abc'\n"), "a: 'abc'\n");
  assert.equal(render('a: [REPLACE_ENV_NOPE++++default=1, 2]\n'), 'a: [1, 2]\n');
  assert.equal(render('a: {x: REPLACE_ENV_NOPE++++default=1}\n'), 'a: {x: 1}\n');
  assert.equal(render('a: REPLACE_ENV_NOPE++++default=abc/def\n'), 'a: abc/def\n');
  // `.` ends the default (as upstream): when set, the rest stays in the text.
  assert.equal(render('a: REPLACE_ENV_V++++default=0.5\n', (n) => (n === 'V' ? '3' : undefined)), 'a: 3.5\n');
  assert.equal(render('a: REPLACE_ENV_NOPE++++default=hello____world\n'), 'a: hello world\n');
  assert.equal(render('a: REPLACE_ENV_NOPE++++default=1REPLACE_COMMA2\n'), 'a: 1,2\n');
  assert.equal(render('a: REPLACE_ENV_NOPE++++default= # c\n'), 'a:  # c\n');
});

test('REPLACE_COMMA and ____ in template text; values inserted verbatim', () => {
  assert.equal(render('a: 1REPLACE_COMMA2\nb: x____y\n'), 'a: 1,2\nb: x y\n');
  const v = (n: string): string | undefined => (n === 'V' ? 'a&b^c/d\\1 $1 ____ REPLACE_COMMA' : undefined);
  assert.equal(render('k: "REPLACE_ENV_V"\n', v), 'k: "a&b^c/d\\1 $1 ____ REPLACE_COMMA"\n');
});

test('token followed by ____ does not swallow the underscores into the name', () => {
  assert.equal(render('a: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL____x\n'), 'a: meta-llama/Llama-3.2-1B-Instruct x\n');
});

test('comments are kept; # in URL, quoted string and block scalar is content', () => {
  const t = [
    '# description: a test # with hash',
    'url: REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL/#frag # trailing comment REPLACE_ENV_IN_COMMENT',
    'q: "a # b REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_MODEL"',
    "s: 'c # d'",
    'block: |',
    '  line # still content REPLACE_COMMA',
    '# REPLACE_ENV_ONLY_IN_COMMENT ____ REPLACE_COMMA',
    'x: 1 #REPLACE_ENV_ALSO_COMMENT',
    '',
  ].join('\n');
  const out = render(t);
  assert.equal(
    out,
    [
      '# description: a test # with hash',
      'url: http://127.0.0.1:8000/#frag # trailing comment REPLACE_ENV_IN_COMMENT',
      'q: "a # b meta-llama/Llama-3.2-1B-Instruct"',
      "s: 'c # d'",
      'block: |',
      '  line # still content ,',
      '# REPLACE_ENV_ONLY_IN_COMMENT ____ REPLACE_COMMA',
      'x: 1 #REPLACE_ENV_ALSO_COMMENT',
      '',
    ].join('\n'),
  );
  assert.deepEqual(parse(out), {
    url: 'http://127.0.0.1:8000/#frag',
    q: 'a # b meta-llama/Llama-3.2-1B-Instruct',
    s: 'c # d',
    block: 'line # still content ,\n',
    x: 1,
  });
  assert.deepEqual(templateVariables(t), ['LLMDBENCH_HARNESS_STACK_ENDPOINT_URL', 'LLMDBENCH_DEPLOY_CURRENT_MODEL']);
});

test('unresolved tokens: one error listing all, with file, line, column and a hint', () => {
  const t = 'a: 1\nb: REPLACE_ENV_LLMDBENCH_HARNESS_PVC_NAME\nc:\n  d: x-REPLACE_ENV_MY_VAR\n  e: REPLACE_ENV_EMPTY\n';
  const e = catchErr(() => render(t));
  assert.equal(e.code, 'E_UNRESOLVED_TOKEN');
  assert.deepEqual(e.location, { file: 'p.yaml.in', line: 2, column: 4 });
  assert.match(e.message, /3 unresolved .*p\.yaml\.in.*LLMDBENCH_HARNESS_PVC_NAME, MY_VAR, EMPTY/);
  assert.equal(e.details.length, 3);
  assert.match(e.details[0] ?? '', /^p\.yaml\.in:2:4: REPLACE_ENV_LLMDBENCH_HARNESS_PVC_NAME .*-k\/--pvc/);
  assert.match(e.details[1] ?? '', /^p\.yaml\.in:4:8: REPLACE_ENV_MY_VAR/);
  assert.match(e.details[2] ?? '', /^p\.yaml\.in:5:6: REPLACE_ENV_EMPTY/);
  assert.match(e.hint ?? '', /-k\/--pvc.*export LLMDBENCH_HARNESS_PVC_NAME=.*scenario/);
  assert.match(formatError(e), /error\[E_UNRESOLVED_TOKEN\] p\.yaml\.in:2:4/);
});

test('listTemplateTokens reports names, defaults and positions', () => {
  const toks = listTemplateTokens('# REPLACE_ENV_X\na: REPLACE_ENV_A++++default=d____e\nb: "REPLACE_ENV_B"\n');
  assert.deepEqual(
    toks.map((t) => [t.name, t.defaultValue, t.line, t.column]),
    [
      ['A', 'd e', 2, 4],
      ['B', undefined, 3, 5],
    ],
  );
});

test('a template with no tokens renders unchanged', () => {
  const t = '# c\nload:\n  type: constant # x\n';
  assert.equal(render(t), t);
});

test('a secret variable is never copied into a rendered profile', () => {
  const text = 'server:\n  base_url: REPLACE_ENV_LLMDBENCH_HARNESS_STACK_ENDPOINT_URL\n  api_key: REPLACE_ENV_LLMDBENCH_HF_TOKEN\n';
  const lookup = (n: string): string | undefined => ({ LLMDBENCH_HF_TOKEN: 'hf_secretvalue123456', LLMDBENCH_HARNESS_STACK_ENDPOINT_URL: 'http://127.0.0.1:8000' })[n];
  let err: unknown;
  try {
    renderTemplate(text, { file: 'p.yaml.in', lookup });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof LlmdbenchError);
  assert.equal(err.code, 'E_SECRET_IN_PROFILE');
  assert.deepEqual(err.location, { file: 'p.yaml.in', line: 3, column: 12 });
  assert.ok(!`${err.message}${err.details.join('')}${err.hint ?? ''}`.includes('hf_secretvalue'));
  // Names that only look like secrets but are not (the tokenizer) render.
  assert.equal(renderTemplate('t: REPLACE_ENV_LLMDBENCH_DEPLOY_CURRENT_TOKENIZER\n', { file: 'q', lookup: () => 'm/x' }), 't: m/x\n');
});
