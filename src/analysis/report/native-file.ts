/** Read a harness's native JSON / YAML result file (plain numbers; configs use pyjson). */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function readNative(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Python's json.dump writes NaN / Infinity, which JSON.parse refuses; YAML reads them.
    }
  }
  return parse(text.replace(/\bNaN\b/g, '.nan').replace(/-Infinity\b/g, '-.inf').replace(/\bInfinity\b/g, '.inf'), { maxAliasCount: -1 }) as unknown;
}
