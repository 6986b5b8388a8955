/**
 * Timestamped phases of a vLLM start (upstream `categorize_logs`): lines grouped by process
 * (`(EngineCore_0 pid=…)`; untagged lines form one group), each group walked line by line
 * against the category chain; a phase takes the first start and the first end it sees and a
 * later group never overwrites them. A start or end on a line without a timestamp moves to
 * the next line that has one. Gaps between siblings become "Uncategorized".
 */
import { CATEGORY_DEFS, type CategoryDef } from './category-table.ts';
import { elapsedS, processDesc, type LogLine } from './log-lines.ts';

export interface Category {
  title: string;
  /** False for the inserted "Uncategorized" gaps (in categories.log, not in result.yaml). */
  defined: boolean;
  startPattern: string;
  endPattern: string;
  start?: LogLine;
  end?: LogLine;
  /** The wording (alternative of the pattern) that opened / closed the phase. */
  startMatched?: string;
  endMatched?: string;
  children: Category[];
}

export interface Categorized {
  categories: Category[];
  /** Line number from which the log was read (after a tensorizer serialization or a first uvicorn run). */
  fromLine: number;
  warnings: string[];
}

function build(defs: readonly CategoryDef[]): Category[] {
  return defs.map((d) => ({ title: d.title, defined: true, startPattern: d.start.source, endPattern: d.end.source, children: d.children ? build(d.children) : [] }));
}

/** Walks one process's lines from `index` through the chain (upstream populate_benchmark_category). */
function populate(index: number, lines: readonly LogLine[], chain: Category[], defs: readonly CategoryDef[]): number {
  for (let c = 0; c < chain.length && index < lines.length; c++) {
    const cat = chain[c] as Category;
    const def = defs[c] as CategoryDef;
    const s = cat.start ? null : def.start.exec((lines[index] as LogLine).text);
    if (s) {
      cat.end = undefined;
      cat.endMatched = undefined;
      cat.startMatched = s[0];
      while ((lines[index] as LogLine).timeMs === undefined) if (++index >= lines.length) return index;
      cat.start = lines[index];
    }
    const e = cat.end ? null : def.end.exec((lines[index] as LogLine).text);
    if (e) {
      cat.endMatched = e[0];
      while ((lines[index] as LogLine).timeMs === undefined) if (++index >= lines.length) return index;
      cat.end = lines[index];
    }
    if (def.children) index = populate(index, lines, cat.children, def.children);
  }
  return index;
}

function addGaps(chain: Category[]): Category[] {
  const out: Category[] = [];
  chain.forEach((cat, i) => {
    out.push({ ...cat, children: addGaps(cat.children) });
    const next = chain[i + 1];
    const gap = cat.end && next?.start ? elapsedS(cat.end, next.start) : undefined;
    if (next && gap !== undefined && gap > 0) {
      out.push({ title: 'Uncategorized', defined: false, startPattern: '', endPattern: '', start: cat.end, end: next.start, children: [] });
    }
  });
  return out;
}

export function categorize(lines: readonly LogLine[], model = ''): Categorized {
  const warnings: string[] = [];
  // Upstream reads only what follows the first tensorizer-serialization end or "Uvicorn running".
  // Some vLLM versions print "Uvicorn running" at the end of every start: the cut is made only
  // when a new start follows it, otherwise it would drop the whole start-up.
  const marker = lines.find((l) => (model !== '' && l.text.includes(`End model ${model} serialization`)) || l.text.includes('Uvicorn running'));
  const restarts = marker !== undefined && lines.slice(marker.number).some((l) => CATEGORY_DEFS.some((d) => d.start.test(l.text)));
  const fromLine = marker && restarts ? marker.number + 1 : 1;
  if (fromLine > 1) warnings.push(`line ${fromLine - 1} ends a tensorizer serialization or a first server run; phases read from line ${fromLine} on`);
  const groups = new Map<string, LogLine[]>();
  for (const l of lines.slice(fromLine - 1)) {
    const k = processDesc(l.process);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(l);
  }
  const chain = build(CATEGORY_DEFS);
  for (const g of groups.values()) for (let i = 0; i < g.length; i++) i = populate(i, g, chain, CATEGORY_DEFS);
  const walk = (cs: Category[]): void => {
    for (const c of cs) {
      if (!c.start || !c.end) warnings.push(`phase "${c.title}" not found (${!c.start ? `no line matches /${c.startPattern}/` : `no line after its start matches /${c.endPattern}/`}); elapsed 0`);
      else if (processDesc(c.start.process) !== processDesc(c.end.process)) warnings.push(`phase "${c.title}" starts in process "${processDesc(c.start.process)}" and ends in "${processDesc(c.end.process)}"`);
      walk(c.children);
    }
  };
  walk(chain);
  if (!lines.some((l) => /\bDEBUG\b/.test(l.text)) && chain.some((c) => !c.start || !c.end)) {
    warnings.push('the log has no DEBUG lines: start vLLM with VLLM_LOGGING_LEVEL=DEBUG (LLMDBENCH_VLLM_COMMON_VLLM_LOGGING_LEVEL=DEBUG) so every phase is logged');
  }
  if (lines.length > 0 && !lines.some((l) => l.hasMs)) warnings.push('timestamps have no milliseconds: phase times are whole seconds (the llm-d standalone preprocess adds milliseconds)');
  return { categories: addGaps(chain), fromLine, warnings };
}

/** title -> the wordings that opened and closed each found phase (which vLLM generation's lines matched). */
export function phaseMatches(cats: readonly Category[]): Record<string, { start?: string; end?: string }> {
  const out: Record<string, { start?: string; end?: string }> = {};
  for (const c of cats) {
    if (c.defined && (c.startMatched || c.endMatched)) out[c.title] = { ...(c.startMatched ? { start: c.startMatched } : {}), ...(c.endMatched ? { end: c.endMatched } : {}) };
    Object.assign(out, phaseMatches(c.children));
  }
  return out;
}

/** Seconds of a category, 0 when its start or end is missing (upstream's convention). */
export function categoryElapsedS(c: Category): number {
  return c.start && c.end ? (elapsedS(c.start, c.end) ?? 0) : 0;
}

export function categoryProcessDesc(c: Category): string {
  const a = processDesc(c.start?.process);
  const b = processDesc(c.end?.process);
  return a === b ? a : [a, b].join(', ');
}
