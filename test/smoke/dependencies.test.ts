import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// Many packages' latest majors need Node 22 and only warn at install on Node 20;
// some then crash at import. Importing every runtime dependency here catches that.
test('every runtime dependency imports on this Node version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const names = Object.keys(pkg.dependencies);
  assert.ok(names.length > 0);
  for (const name of names) {
    const mod: unknown = await import(name);
    assert.ok(mod !== undefined && mod !== null, `${name} imported as nothing`);
  }
});
