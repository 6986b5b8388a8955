/**
 * Our console summary of a nop run: per engine the load-time numbers (— when the log did
 * not have them), the phase table with Uncategorized gaps, and what was missing.
 */
import { categoryElapsedS, type Category } from '../categories.ts';
import type { NopRunResult } from './model.ts';

const s = (x: number | undefined, d = 3, unit = 's'): string => (x === undefined ? '—' : `${x.toFixed(d)} ${unit}`);

function phaseRows(cats: readonly Category[], level: number, out: string[]): void {
  for (const c of cats) {
    const found = c.start !== undefined && c.end !== undefined;
    const name = `${'  '.repeat(level)}${c.title}`;
    out.push(`  ${name.padEnd(28)} ${found ? categoryElapsedS(c).toFixed(3).padStart(9) : '        —'}`);
    phaseRows(c.children, level + 1, out);
  }
}

export function summaryText(r: NopRunResult): string {
  const out: string[] = [`nop: model ${r.model}, load format ${r.loadFormat}, sleep mode ${r.sleepMode ? 'on' : 'off'}`];
  for (const e of r.engines) {
    const m = e.parsed.metrics;
    const rate = m.load?.sizeGiB !== undefined && m.load.timeS ? m.load.sizeGiB / m.load.timeS : undefined;
    out.push(`${e.name} (vLLM ${e.engine.version || 'version unknown'}; log: ${e.source})`);
    out.push(`  vLLM start to ready   ${s(m.vllmStartupS)}`);
    out.push(`  model load            ${s(m.load?.timeS)}  size ${s(m.load?.sizeGiB, 2, 'GiB')}  rate ${s(rate, 2, 'GiB/s')}`);
    out.push(`  dynamo transform      ${s(m.dynamoBytecodeTransformS)}`);
    if (m.loadCachedCompiledGraphS !== undefined) out.push(`  graph from cache      ${s(m.loadCachedCompiledGraphS)}`);
    else out.push(`  graph compile         ${s(m.compileGraphS)}`);
    out.push(`  torch.compile         ${s(m.torchCompileS)}`);
    out.push(`  memory profiling      ${s(m.memoryProfiling?.timeS)}`);
    if (r.sleepMode) out.push(`  sleep ${s(m.sleep?.timeS)} (freed ${s(m.sleep?.gpuFreedGiB, 2, 'GiB')})  wake ${s(m.wakeS)}`);
    out.push(`  ${'phase'.padEnd(28)} ${'seconds'.padStart(9)}`);
    phaseRows(e.categorized.categories, 0, out);
    const w = [...e.parsed.warnings, ...e.categorized.warnings];
    if (w.length > 0) out.push(`  missing or unreadable (${w.length}):`, ...w.map((x) => `    - ${x}`));
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
