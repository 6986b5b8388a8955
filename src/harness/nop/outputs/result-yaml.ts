/**
 * result.yaml as upstream's shell-era nop harness writes it (spec §5.6): absent metrics are
 * upstream's 0.0 placeholders, so readers of that file work unchanged; what was absent and
 * which wording matched are in each block's `llmdbench` key (readers ignore unknown keys).
 * Categories: only the defined ones (no "Uncategorized"), nested, elapsed in seconds.
 */
import { categoryElapsedS, phaseMatches, type Category } from '../categories.ts';
import type { NopEngineResult, NopRunResult } from './model.ts';

export interface CategoryDump {
  title: string;
  process?: { name: string; pid: number };
  elapsed: number;
  categories?: CategoryDump[];
}

export function dumpCategories(cats: readonly Category[], includeUncategorized = false): CategoryDump[] {
  return cats
    .filter((c) => c.defined || includeUncategorized)
    .map((c) => {
      const p = c.start && c.end ? (c.start.process ?? c.end.process) : undefined;
      const kids = dumpCategories(c.children, includeUncategorized);
      return {
        title: c.title,
        ...(p ? { process: { name: p.name, pid: p.pid } } : {}),
        elapsed: round6(categoryElapsedS(c)),
        ...(c.children.length > 0 ? { categories: kids } : {}),
      };
    });
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const z = (x: number | undefined): number => x ?? 0;

function metricsBlock(e: NopEngineResult): Record<string, unknown> {
  const m = e.parsed.metrics;
  const size = m.load?.sizeGiB;
  const time = m.load?.timeS;
  return {
    name: e.name,
    load: { time: z(time), size: z(size), transfer_rate: size !== undefined && time ? round6(size / time) : 0 },
    size: 0.0,
    dynamo_bytecode_transform: z(m.dynamoBytecodeTransformS),
    ...(m.loadCachedCompiledGraphS !== undefined ? { load_cached_compiled_graph: m.loadCachedCompiledGraphS } : {}),
    ...(m.compileGraphS !== undefined ? { compile_graph: m.compileGraphS } : {}),
    torch_compile: z(m.torchCompileS),
    memory_profiling: {
      initial_free: z(m.memoryProfiling?.initialFreeGiB),
      after_free: z(m.memoryProfiling?.afterFreeGiB),
      time: z(m.memoryProfiling?.timeS),
      ...(m.memoryProfiling?.availableKvCacheGiB !== undefined ? { available_kv_cache: m.memoryProfiling.availableKvCacheGiB } : {}),
    },
    sleep: { time: z(m.sleep?.timeS), gpu_freed: z(m.sleep?.gpuFreedGiB), gpu_in_use: z(m.sleep?.gpuInUseGiB) },
    wake: z(m.wakeS),
    ...(m.vllmStartupS !== undefined ? { vllm_startup: round6(m.vllmStartupS) } : {}),
    categories: dumpCategories(e.categorized.categories),
    llmdbench: {
      source: e.source,
      patterns_matched: e.parsed.matched,
      phases_from_line: e.categorized.fromLine,
      phases_matched: phaseMatches(e.categorized.categories),
      sleep_wake_sent: e.sleepWakeSent,
      warnings: [...e.parsed.warnings, ...e.categorized.warnings],
    },
  };
}

export function resultYaml(r: NopRunResult): Record<string, unknown> {
  return {
    version: '0.1',
    scenario: {
      load_format: r.loadFormat,
      sleep_mode: r.sleepMode,
      model: { name: r.model },
      platform: { engines: r.engines.map((e) => ({ name: e.engine.name, version: e.engine.version, args: e.engine.args })) },
      gpus: r.gpus,
    },
    metrics: r.engines.map(metricsBlock),
    time: { start: r.startS, stop: r.stopS, duration: round6(r.stopS - r.startS) },
    ...(r.notes.length > 0 ? { notes: r.notes } : {}),
  };
}
