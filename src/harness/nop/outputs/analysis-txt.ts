/**
 * analysis/result.txt, as upstream's nop analyzer (nop-analyze_results.py) writes it from the
 * v0.1 report: the scenario block, the benchmark block, per metrics entry the load-time
 * numbers and a `Category | Process | Elapsed(secs)` table with a Total row per level.
 */

type Obj = Record<string, unknown>;
const num = (x: unknown): number => (typeof x === 'number' ? x : 0);
const val = (x: unknown): number => num((x as Obj | undefined)?.['value']);
const f = (x: number, w: number, d: number): string => x.toFixed(d).padStart(w);

interface Row {
  category: string;
  process: string;
  elapsed: string;
}

function rows(cats: Obj[], level: number, out: Row[]): void {
  const b = '  '.repeat(level);
  let total = 0;
  for (const c of cats) {
    const e = val(c['elapsed']);
    total += e;
    out.push({ category: b + String(c['title']), process: String(c['process'] ?? ''), elapsed: e !== 0 ? e.toFixed(3) : '' });
    if (Array.isArray(c['categories'])) rows(c['categories'] as Obj[], level + 1, out);
  }
  out.push({ category: `${b}Total`, process: '', elapsed: total.toFixed(3) });
}

export function categoryTable(cats: Obj[], pad = 4): string {
  const rs: Row[] = [];
  rows(cats, 0, rs);
  const head: Row = { category: 'Category', process: 'Process', elapsed: 'Elapsed(secs)' };
  const wc = Math.max(...[head, ...rs].map((r) => r.category.length));
  const wp = Math.max(...[head, ...rs].map((r) => r.process.length));
  const we = Math.max(...[head, ...rs].map((r) => r.elapsed.length));
  const line = (r: Row): string => `${r.category.padEnd(wc)} ${r.process.padEnd(wp)} ${r.elapsed.padStart(we)}`;
  const lines = [line(head), '-'.repeat(line(head).length), ...rs.map(line)];
  return lines.map((l) => ' '.repeat(pad) + l).join('\n') + '\n';
}

export function analysisText(report: Obj): string {
  const sc = report['scenario'] as Obj;
  const md = (sc['metadata'] as Obj) ?? {};
  const metrics = report['metrics'] as Obj;
  const time = metrics['time'] as Obj;
  let out = 'Scenario\n';
  out += `  Harness              : ${String((sc['load'] as Obj)['name'])}\n`;
  out += `  Load Format          : ${String(md['load_format'])}\n`;
  out += `  Sleep Mode On        : ${md['sleep_mode'] ? 'True' : 'False'}\n`;
  out += `  Model                : ${String((sc['model'] as Obj)['name'])}\n`;
  for (const e of ((sc['platform'] as Obj)['engine'] as Obj[]) ?? []) {
    out += '  Engine\n';
    out += `    Name               : ${String(e['name'])}\n`;
    out += `    Version            : ${String(e['version'] ?? '')}\n`;
    out += `    Args               : ${JSON.stringify(e['args'] ?? {})}\n`;
  }
  for (const g of (md['gpus'] as Obj[]) ?? []) {
    out += '  GPU\n';
    out += `    UUID               : ${String(g['uuid'])}\n`;
    out += `    Name               : ${String(g['name'])}\n`;
    out += `    Compute capability : ${String(g['compute_cap'])}\n`;
    out += `    Persistence Mode   : ${String(g['persistence_mode'])}\n`;
  }
  out += '\nBenchmark\n';
  out += `  Start                             : ${new Date(num(time['start']) * 1000).toISOString()}\n`;
  out += `  Elapsed(secs)                     : ${f(num(time['duration']), 7, 3)}\n`;
  for (const m of (metrics['metadata'] as Obj[]) ?? []) {
    const load = m['load'] as Obj;
    const mp = m['memory_profiling'] as Obj;
    out += `\n  Name                              : ${String(m['name'])}\n`;
    out += '    Model Load\n';
    out += `      Elapsed(secs)                 : ${f(val(load['time']), 7, 3)}\n`;
    out += `      Rate(GiB/secs)                : ${f(val(load['transfer_rate']), 7, 3)}\n`;
    out += `    Dynamo Bytecode Transform(secs) : ${f(val(m['dynamo_bytecode_transform']), 7, 2)}\n`;
    if (m['load_cached_compiled_graph'] !== undefined || m['compile_graph'] !== undefined) {
      out += '    Compiled Graph\n';
      if (m['load_cached_compiled_graph'] !== undefined) out += `      Load from Cache(secs)         : ${f(val(m['load_cached_compiled_graph']), 7, 3)}\n`;
      if (m['compile_graph'] !== undefined) out += `      Compile(secs)                 : ${f(val(m['compile_graph']), 7, 3)}\n`;
    }
    out += `    Torch Compile(secs)             : ${f(val(m['torch_compile']), 7, 2)}\n`;
    out += '    Memory Profiling\n';
    out += `      Elapsed(secs)                 : ${f(val(mp['time']), 7, 2)}\n`;
    out += '      Free Memory GPU(GiB)\n';
    out += `        Initial                     : ${f(val(mp['initial_free']), 7, 2)}\n`;
    out += `        After                       : ${f(val(mp['after_free']), 7, 2)}\n`;
    if (md['sleep_mode']) {
      const s = m['sleep'] as Obj;
      out += '    Sleep\n';
      out += `      Elapsed(secs)                 : ${f(val(s['time']), 7, 3)}\n`;
      out += '      Memory GPU(GiB)\n';
      out += `        Freed                       : ${f(val(s['gpu_freed']), 7, 2)}\n`;
      out += `        in Use                      : ${f(val(s['gpu_in_use']), 7, 2)}\n`;
      out += '    Wake\n';
      out += `      Elapsed(secs)                 : ${f(val(m['wake']), 7, 3)}\n`;
    }
    const cats = (m['categories'] as Obj[]) ?? [];
    if (cats.length > 0) out += '\n' + categoryTable(cats);
  }
  return out;
}
