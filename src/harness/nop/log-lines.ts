/**
 * A vLLM log split into lines with what every later step needs: the line number, the
 * timestamp (vLLM prints `MM-DD HH:MM:SS`, with `.mmm` when the llm-d preprocess adds
 * milliseconds; there is no year) and the process tag `(EngineCore_0 pid=123)`.
 * Same regular expressions as upstream's nop harness, so the same lines carry a time.
 */

/** `MM-DD HH:MM:SS` or `MM-DD HH:MM:SS.mmm` (upstream's DATE_PATTERN). */
export const DATE_PATTERN = /\d{2}-\d{2}\s\d{2}:\d{2}:\d{2}(?:\.\d{3})?/;
const DATE_PARTS = /^(\d{2})-(\d{2})\s(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;
/** Parenthesized groups; the last one holding `pid=` names the process. */
const PAREN = /\(.*?\)/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export interface LogProcess {
  name: string;
  pid: number;
}

export interface LogLine {
  /** 1-based. */
  number: number;
  /** The line as written (colour codes removed). */
  text: string;
  /** ms on a leap-year calendar (year 2000, UTC) — only differences mean anything. */
  timeMs?: number;
  /** Whether the timestamp carried milliseconds. */
  hasMs?: boolean;
  /** The timestamp as printed, e.g. `12-02 10:00:01.250`. */
  stamp?: string;
  process?: LogProcess;
}

/** A month-day-time stamp in ms (fixed leap year so 02-29 parses); undefined when not a date. */
export function stampToMs(stamp: string): number | undefined {
  const m = DATE_PARTS.exec(stamp);
  if (!m) return undefined;
  const [mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(2000, mo - 1, d, h, mi, s, m[6] ? Number(m[6]) : 0);
  // Date.UTC rolls 02-31 over to March: refuse it as upstream's strptime does.
  return new Date(t).getUTCDate() === d ? t : undefined;
}

/** Seconds from a to b, reading a backwards jump of more than half a year as a new year. */
export function elapsedS(a: LogLine, b: LogLine): number | undefined {
  if (a.timeMs === undefined || b.timeMs === undefined) return undefined;
  let d = b.timeMs - a.timeMs;
  if (d < -183 * 86_400_000) d += 366 * 86_400_000;
  return d / 1000;
}

export function processOf(text: string): LogProcess | undefined {
  const groups = text.match(PAREN) ?? [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i] as string;
    const at = g.indexOf('pid=');
    if (at < 0) continue;
    const name = g.slice(0, at).replace(/^[(\s]+|[(\s]+$/g, '');
    const pid = Number.parseInt(g.slice(at + 4, g.length - 1).trim(), 10);
    return { name, pid: Number.isFinite(pid) ? pid : 0 };
  }
  return undefined;
}

export function processDesc(p: LogProcess | undefined): string {
  return p ? `${p.name} pid=${p.pid}` : '';
}

export function splitLog(text: string): LogLine[] {
  const raw = text.split(/\r?\n/);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((line, i) => {
    const clean = line.replace(ANSI, '');
    const out: LogLine = { number: i + 1, text: clean };
    const m = DATE_PATTERN.exec(clean);
    if (m) {
      const t = stampToMs(m[0]);
      if (t !== undefined) {
        out.timeMs = t;
        out.hasMs = m[0].includes('.');
        out.stamp = m[0];
      }
    }
    const p = processOf(clean);
    if (p) out.process = p;
    return out;
  });
}

/** `MM-DD HH:MM:SS.mmm` of a line's time (categories.log prints milliseconds always). */
export function formatStamp(line: LogLine | undefined): string {
  if (line?.timeMs === undefined) return '';
  const d = new Date(line.timeMs);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}
