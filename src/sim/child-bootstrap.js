// Child-process entry for the embedded simulator. Next to compiled JavaScript (dist/sim/, where the
// build copies this file) it runs the bundled child (dist/bundle/sim-child.js, scripts/bundle.mjs: a
// few files to load instead of child.js's module graph) or, when the build could not
// bundle, child.js directly; next to the TypeScript sources it registers tsx (resolved from this
// file, so it works from any working directory), then runs child.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const compiled = new URL('./child.js', import.meta.url);
const bundled = new URL('../bundle/sim-child.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(existsSync(fileURLToPath(bundled)) ? bundled.href : compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./child.ts');
}
