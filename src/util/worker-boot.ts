/**
 * The code of an eval'd worker thread that loads a sibling module, from
 * TypeScript sources or from compiled JavaScript alike. From sources (tsx),
 * worker threads on Node 20 do not inherit tsx's loader, so the code registers
 * tsx first (resolved from this package, so any cwd works); from dist/ (this
 * file is then worker-boot.js) it imports the compiled .js sibling directly.
 */
export function workerBoot(fromUrl: string, tsModule: string): string {
  const compiled = fromUrl.endsWith('.js');
  const target = new URL(compiled ? tsModule.replace(/\.ts$/, '.js') : tsModule, fromUrl).href;
  const register = compiled ? '' : `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});\n  register();\n  `;
  return `(async () => {\n  ${register}await import(${JSON.stringify(target)});\n})().catch((e) => { setImmediate(() => { throw e; }); });`;
}
