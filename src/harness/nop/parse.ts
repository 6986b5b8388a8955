/**
 * The scalar metrics of a vLLM log (upstream `parse_logs`): scanned from the last line
 * backwards so the most recent start (and sleep/wake) wins; each metric is read once, from
 * the newest line carrying its key. Wordings per vLLM generation are in patterns.ts.
 */
import { elapsedS, type LogLine } from './log-lines.ts';
import { METRIC_PATTERNS, type MetricPattern } from './patterns.ts';
import { parsePythonDict } from './py-literal.ts';
import { toLoadFormat, type GpuInfo, type ParsedLog, type VllmMetrics } from './types.ts';

const COMPILED_GRAPH = new Set(['load_cached_compiled_graph', 'compile_graph']);

function assign(m: VllmMetrics, metric: string, nums: number[]): void {
  const [a, b] = nums as [number, number | undefined];
  switch (metric) {
    case 'load':
      m.load = { sizeGiB: a, ...(b !== undefined ? { timeS: b } : {}) };
      return;
    case 'dynamo_bytecode_transform':
      m.dynamoBytecodeTransformS = a;
      return;
    case 'load_cached_compiled_graph':
      m.loadCachedCompiledGraphS = a;
      return;
    case 'compile_graph':
      m.compileGraphS = a;
      return;
    case 'torch_compile':
      m.torchCompileS = a;
      return;
    case 'memory_profiling.initial_free':
      m.memoryProfiling = { ...m.memoryProfiling, initialFreeGiB: a };
      return;
    case 'memory_profiling.after_free':
      m.memoryProfiling = { ...m.memoryProfiling, afterFreeGiB: a };
      return;
    case 'memory_profiling.time':
      m.memoryProfiling = { ...m.memoryProfiling, timeS: a };
      return;
    case 'memory_profiling.available_kv_cache':
      m.memoryProfiling = { ...m.memoryProfiling, availableKvCacheGiB: a };
      return;
    case 'sleep.time':
      m.sleep = { ...m.sleep, timeS: a };
      return;
    case 'sleep.gpu':
      m.sleep = { ...m.sleep, gpuFreedGiB: a, ...(b !== undefined ? { gpuInUseGiB: b } : {}) };
      return;
    case 'wake':
      m.wakeS = a;
  }
}

function lineHas(p: MetricPattern, text: string): boolean {
  return p.keys.some((k) => text.includes(k)) && (p.also === undefined || text.includes(p.also));
}

function parseGpus(lines: readonly LogLine[]): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  let inside = false;
  const field = (line: string, key: string): string => {
    const at = line.indexOf(`${key}='`);
    if (at < 0) return '';
    const end = line.indexOf("'", at + key.length + 2);
    return end < 0 ? '' : line.slice(at + key.length + 2, end).trim();
  };
  for (const l of lines) {
    const t = l.text.trim();
    if (t.includes('--- gpu scenario start name:')) {
      inside = true;
      continue;
    }
    if (t.includes('--- gpu scenario end name:')) break;
    if (!inside) continue;
    gpus.push({ uuid: field(t, 'gpu_uuid'), name: field(t, 'gpu_name'), compute_cap: field(t, 'compute_cap'), persistence_mode: field(t, 'persistence_mode') });
  }
  return gpus;
}

/** Server start (first `non-default args:`) to ready (the next `Available routes are:`), top down as upstream HEAD. */
function startupS(lines: readonly LogLine[]): number | undefined {
  const start = lines.findIndex((l) => l.timeMs !== undefined && l.text.includes('non-default args:'));
  if (start < 0) return undefined;
  const ready = lines.slice(start).find((l) => l.timeMs !== undefined && l.text.includes('Available routes are:'));
  return ready ? elapsedS(lines[start] as LogLine, ready) : undefined;
}

export function parseLog(lines: readonly LogLine[]): ParsedLog {
  const out: ParsedLog = { metrics: {}, loadFormat: 'unknown', gpus: parseGpus(lines), matched: {}, warnings: [] };
  const up = startupS(lines);
  if (up !== undefined) {
    out.metrics.vllmStartupS = up;
    out.matched['vllm_startup'] = 'args-to-routes';
  }
  const done = new Set<string>();
  let argsSeen = false;
  let sleepSeen = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    const text = (lines[i] as LogLine).text.trim();
    const no = (lines[i] as LogLine).number;
    if (!argsSeen && text.includes('non-default args:')) {
      argsSeen = true;
      const raw = text.slice(text.indexOf('non-default args:') + 'non-default args:'.length).trim();
      const args = parsePythonDict(raw);
      if (args) out.args = args;
      else out.warnings.push(`line ${no}: could not read the non-default args dict; engine args left empty`);
    }
    if (!sleepSeen && text.includes("'enable_sleep_mode':")) {
      const rest = text.slice(text.indexOf("'enable_sleep_mode':") + "'enable_sleep_mode':".length);
      const end = rest.search(/[,}]/);
      if (end >= 0) {
        sleepSeen = true;
        out.sleepMode = rest.slice(0, end).trim().toLowerCase() === 'true';
      }
    }
    if (out.loadFormat === 'unknown' && text.includes('load_format=')) {
      const rest = text.slice(text.indexOf('load_format=') + 'load_format='.length);
      const end = rest.indexOf(',');
      if (end >= 0) {
        out.loadFormat = toLoadFormat(rest.slice(0, end));
        if (out.loadFormat !== 'unknown') out.matched['load_format'] = 'engine-config';
      }
    }
    if (out.version === undefined) {
      const v = /vLLM API server version ([^\s,]+)/.exec(text) ?? /LLM engine \(v([^)\s]+)\)/.exec(text);
      if (v) out.version = v[1];
    }
    for (const p of METRIC_PATTERNS) {
      if (done.has(p.metric) || !lineHas(p, text)) continue;
      done.add(p.metric);
      if (COMPILED_GRAPH.has(p.metric)) for (const k of COMPILED_GRAPH) done.add(k);
      const hit = p.variants.map((v) => ({ v, m: v.re.exec(text) })).find((x) => x.m);
      if (!hit?.m) {
        out.warnings.push(`line ${no}: unrecognised wording for ${p.metric}, left absent: "${text.slice(0, 200)}"`);
        out.matched[p.metric] = 'unrecognised';
        continue;
      }
      out.matched[p.metric] = hit.v.id;
      assign(out.metrics, p.metric, hit.m.slice(1).filter((x) => x !== undefined).map(Number));
      if (p.metric === 'load' && out.metrics.load?.timeS === undefined) out.warnings.push(`line ${no}: this vLLM prints no model loading time ("${hit.v.id}"); load.time and load.transfer_rate absent`);
    }
  }
  if (out.loadFormat === 'unknown' && typeof out.args?.['load_format'] === 'string') {
    out.loadFormat = toLoadFormat(out.args['load_format']);
    if (out.loadFormat !== 'unknown') out.matched['load_format'] = 'non-default-args';
  }
  if (out.sleepMode === undefined && typeof out.args?.['enable_sleep_mode'] === 'boolean') out.sleepMode = out.args['enable_sleep_mode'];
  const missing = METRIC_PATTERNS.filter((p) => !done.has(p.metric) && !(p.sleepOnly && !out.sleepMode) && p.metric !== 'memory_profiling.available_kv_cache')
    .map((p) => (COMPILED_GRAPH.has(p.metric) ? 'compiled graph (load from cache or compile)' : p.metric));
  const uniq = [...new Set(missing)];
  if (uniq.length > 0) out.warnings.push(`not found in the log: ${uniq.join(', ')}`);
  if (!argsSeen) out.warnings.push('no "non-default args:" line: engine args unknown');
  return out;
}
