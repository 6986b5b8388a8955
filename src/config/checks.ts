import { LlmdbenchError } from '../util/errors.ts';
import type { ValueCheck } from './variables.ts';
import { parseSlo } from '../metrics/slo.ts';

/**
 * Checks a value; returns what is wrong with it, or undefined when it is fine.
 * Applied to flags, scenario and environment values alike.
 */
export function checkValue(check: ValueCheck, value: string): string | undefined {
  switch (check) {
    case 'positive-int':
      return /^[0-9]+$/.test(value) && Number(value) >= 1 && Number.isSafeInteger(Number(value))
        ? undefined
        : 'expected a positive whole number (1, 2, ...)';
    case 'non-negative-int':
      return /^[0-9]+$/.test(value) && Number.isSafeInteger(Number(value)) ? undefined : 'expected a whole number >= 0';
    case 'flag01':
      return value === '0' || value === '1' ? undefined : 'expected 0 or 1';
    case 'bool':
      return /^(true|false)$/i.test(value) ? undefined : 'expected true or false';
    case 'http-base-url':
      return endpointProblem(value);
    case 'path-name':
      return pathNameProblem(value);
    case 'model-list':
      return modelListProblem(value);
    case 'sim-preset':
      return SIM_PRESET_NAMES.includes(value) ? undefined : `expected one of ${SIM_PRESET_NAMES.join(', ')}`;
    case 'slo': {
      const { slo, problems } = parseSlo(value);
      if (problems.length > 0) return `${problems.join('; ')} (e.g. ttft=200ms,tpot=50ms)`;
      return Object.keys(slo).length > 0 ? undefined : 'expected at least one <metric>=<number>[ms|s|us], e.g. ttft=200ms,tpot=50ms';
    }
  }
}

/** The embedded simulator's presets (src/sim/presets.ts; a sim test keeps the two lists equal). */
export const SIM_PRESET_NAMES: readonly string[] = ['instant', 'realistic-small'];

/**
 * What is wrong with a name that becomes one path component (experiment id, stack name,
 * treatment name), or undefined: no separators, no `..`, not absolute, not empty.
 */
export function pathNameProblem(value: string): string | undefined {
  if (value.length === 0) return 'expected a name, got an empty value';
  if (/[/\\]/.test(value)) return 'a name that becomes a folder name may not contain / or \\';
  if (value === '.' || value === '..' || value.includes('..')) return 'a name that becomes a folder name may not contain ..';
  if (/[\0\n\r\t]/.test(value)) return 'a name that becomes a folder name may not contain control characters';
  return undefined;
}

/**
 * Models are separated by commas; upstream loops over words, so `org/a org/b` is two models too.
 * A space-separated word that is not an `org/name` model id (`-m 'my model name'`) would
 * silently make several models sharing one results folder: that is refused.
 */
export function modelListProblem(value: string): string | undefined {
  for (const item of value.split(',').map((m) => m.trim())) {
    const words = item.split(/\s+/).filter((w) => w.length > 0);
    if (words.length > 1 && words.some((w) => !w.includes('/'))) {
      return `"${item}" is not a model name (model names contain no spaces); separate several models with commas`;
    }
  }
  return undefined;
}

/** What is wrong with an endpoint base URL (http(s)://host[:port], no path), or undefined. */
export function endpointProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'expected an http(s) base URL such as http://127.0.0.1:8000';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `expected http:// or https://, got ${u.protocol}//`;
  if (u.pathname !== '/' && u.pathname !== '') {
    return `the endpoint is a base URL without a path (got path ${u.pathname}); llmdbench adds /v1/... itself`;
  }
  if (u.search || u.hash) return 'the endpoint must not have a query or fragment';
  if (u.username || u.password) return 'credentials in the URL are not supported (they would be printed)';
  return undefined;
}

/**
 * The one endpoint normalizer: `http://h:1/` → `http://h:1` (the base URL as upstream forms
 * it, no trailing slash); adds http:// when the scheme is missing; drops a trailing `/v1` (a
 * common slip: requests add /v1/... themselves); rejects any other path.
 */
export function normalizeEndpoint(raw: string): string {
  let u = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) u = `http://${u}`;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new LlmdbenchError('E_ENDPOINT', `endpoint "${raw}" is not a URL`, { hint: 'pass a base URL such as http://127.0.0.1:8000 (no path)' });
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (path === '/v1') {
    parsed.pathname = '/';
  } else if (path !== '') {
    throw new LlmdbenchError('E_ENDPOINT', `endpoint "${raw}" has a path (${parsed.pathname})`, {
      hint: 'pass the base URL only, e.g. http://host:8000; llmdbench adds /v1/completions or /v1/chat/completions',
    });
  }
  return parsed.toString().replace(/\/$/, '');
}
