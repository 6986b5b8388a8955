/**
 * LazyRegistry: descriptors registered eagerly, implementations imported once on first use;
 * unknown kinds keep the did-you-mean error, a known kind used before it was loaded is a bug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LlmdbenchError } from '../../../src/util/errors.ts';
import { LazyRegistry } from '../../../src/util/registry.ts';
import { throwsCode } from '../../helpers/throws-code.ts';

type Kind = 'alpha' | 'beta';
interface Widget {
  readonly kind: Kind;
  n: number;
}

function registry(loads: Record<string, number>, impl: (k: Kind) => Promise<Widget> = async (k) => ({ kind: k, n: 1 })) {
  const mk = (kind: Kind) => ({
    kind,
    description: `the ${kind} widget`,
    load: () => {
      loads[kind] = (loads[kind] ?? 0) + 1;
      return impl(kind);
    },
  });
  return new LazyRegistry<Kind, Widget>('widget').register(mk('alpha')).register(mk('beta'));
}

test('load imports each implementation once (concurrent callers share it); loaded() then answers synchronously', async () => {
  const loads: Record<string, number> = {};
  const r = registry(loads);
  assert.deepEqual(r.kinds(), ['alpha', 'beta']);
  assert.equal(r.get('beta').description, 'the beta widget');
  assert.equal(r.isLoaded('alpha'), false);
  const [a1, a2] = await Promise.all([r.load('alpha'), r.load('alpha')]);
  assert.equal(a1, a2);
  assert.equal(await r.load('alpha'), a1);
  assert.equal(r.loaded('alpha'), a1);
  assert.deepEqual(loads, { alpha: 1 });
  assert.equal(r.isLoaded('beta'), false);
  await r.loadMany(['beta', 'alpha', 'beta']);
  assert.deepEqual(loads, { alpha: 1, beta: 1 });
  assert.deepEqual((await r.loadAll()).map((w) => w.kind), ['alpha', 'beta']);
});

test('a known kind not loaded yet is an internal error; an unknown kind is E_UNKNOWN_KIND with a suggestion, for get, load and loaded', async () => {
  const r = registry({});
  const e = throwsCode(() => r.loaded('beta'), 'E_PLUGIN_NOT_LOADED');
  assert.equal(e.kind, 'internal');
  assert.match(e.hint ?? '', /load\("beta"\)/);
  for (const f of [() => r.get('alpah'), () => r.loaded('alpah')]) assert.match(throwsCode(f, 'E_UNKNOWN_KIND').hint ?? '', /did you mean "alpha"\?.*known: alpha, beta/);
  await assert.rejects(r.load('alpah'), (x: unknown) => x instanceof LlmdbenchError && x.code === 'E_UNKNOWN_KIND' && /did you mean "alpha"/.test(x.hint ?? ''));
});

test('a failed load is not cached (the next load tries again); a descriptor loading another kind is refused', async () => {
  const loads: Record<string, number> = {};
  let fail = true;
  const r = registry(loads, async (k) => {
    if (fail) throw new Error('import failed');
    return { kind: k === 'beta' ? 'alpha' : k, n: 2 };
  });
  await assert.rejects(r.load('alpha'), /import failed/);
  assert.equal(r.isLoaded('alpha'), false);
  fail = false;
  assert.equal((await r.load('alpha')).n, 2);
  assert.equal(loads['alpha'], 2);
  await assert.rejects(r.load('beta'), (x: unknown) => x instanceof LlmdbenchError && x.code === 'E_REGISTRY_MISMATCH');
});
