/**
 * A parser for the Prometheus text exposition format (version 0.0.4), as vLLM, the llm-d
 * inference scheduler, DCGM and cAdvisor serve it on `/metrics`. Monitoring (`-f`) keeps the raw
 * text and summarises it afterwards with these pure functions; nothing here touches the network.
 * Lines: `# TYPE name kind`, `# HELP ...` (ignored), `name{l="v",...} value [timestamp]`.
 * Histogram / summary children (`_bucket`, `_sum`, `_count`) keep their own sample names and are
 * tied to their family through `familyOf`.
 */

export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  /** The sample's own name (`vllm:e2e_request_latency_seconds_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromParse {
  samples: PromSample[];
  /** `# TYPE` of each family (by family name). */
  types: Map<string, PromType>;
  /** Lines that were neither comments nor samples (1-based line numbers), never silently dropped. */
  badLines: number[];
}

const KINDS = new Set<PromType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A Prometheus float: `NaN`, `+Inf`, `-Inf` and decimal / exponent forms. */
export function parsePromNumber(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const v = Number(s);
  return s.trim() === '' ? NaN : v;
}

/** Parses `{a="x",b="y\"z"}` starting at `i` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, i: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') return undefined;
    const key = line.slice(i, eq).trim();
    let j = eq + 2;
    let val = '';
    while (j < line.length && line[j] !== '"') {
      if (line[j] === '\\') {
        const n = line[j + 1];
        val += n === 'n' ? '\n' : (n ?? '');
        j += 2;
      } else val += line[j++];
    }
    if (j >= line.length) return undefined;
    labels[key] = val;
    i = j + 1;
  }
}

/** Every sample of one exposition text, with the families' declared types. */
export function parsePrometheusText(text: string): PromParse {
  const samples: PromSample[] = [];
  const types = new Map<string, PromType>();
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (m && KINDS.has(m[2] as PromType)) types.set(m[1]!, m[2] as PromType);
      continue;
    }
    const brace = line.indexOf('{');
    const space = line.search(/\s/);
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.slice(0, brace);
      const l = parseLabels(line, brace);
      if (!l) {
        badLines.push(n + 1);
        continue;
      }
      labels = l.labels;
      rest = line.slice(l.end).trim();
    } else {
      if (space < 0) {
        badLines.push(n + 1);
        continue;
      }
      name = line.slice(0, space);
      rest = line.slice(space).trim();
    }
    const value = parsePromNumber(rest.split(/\s+/)[0] ?? '');
    if (name === '' || (Number.isNaN(value) && !/^NaN\b/.test(rest))) {
      badLines.push(n + 1);
      continue;
    }
    samples.push({ name, labels, value });
  }
  return { samples, types, badLines };
}

/** The family a sample belongs to: `x_bucket`/`x_sum`/`x_count` of a declared histogram or summary is `x`. */
export function familyOf(name: string, types: ReadonlyMap<string, PromType>): string {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.has(base)) return base;
    }
  }
  return name;
}
