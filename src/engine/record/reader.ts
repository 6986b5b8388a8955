import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { LlmdbenchError } from '../../util/errors.ts';
import type { RequestRecord } from '../types.ts';
import { FALLBACK, parseRecordLine, parseRecordLineInto, recordSlot } from './line-parser.ts';
import { checkSidecar, forEachSidecarRecord } from './sidecar-read.ts';

/** Bytes per read of records.jsonl (grows only for a longer line). */
const READ_BYTES = 1 << 20;

/**
 * The one reader of records.jsonl (written by RecordWriter). Strict: a line that is not JSON
 * is never dropped silently: scanRecords reports it with its file and line number and counts
 * it; readRecords throws on it unless it is the last line (a torn write: the process died
 * mid-write), which it reports too.
 */

/** A records.jsonl line that is not a record. */
export interface BadRecordLine {
  file: string;
  /** 1-based line number. */
  line: number;
  /** The start of the line (80 characters at most). */
  text: string;
  /** True for the file's last non-empty line (a torn write). */
  last: boolean;
}

export interface RecordScan {
  records: RequestRecord[];
  /** Every bad line, in file order (empty when the file is clean). */
  bad: BadRecordLine[];
}

/** Every record of the file plus every bad line (file and line number). A missing file has none. */
export async function scanRecords(path: string): Promise<RecordScan> {
  const records: RequestRecord[] = [];
  const bad = await streamRecords(path, (r) => void records.push(r));
  return { records, bad };
}

/**
 * Each record of the file handed to `onRecord` as it is read (nothing kept: memory stays
 * bounded however many records there are); returns every bad line. A missing file has none.
 */
export async function streamRecords(path: string, onRecord: (r: RequestRecord) => void): Promise<BadRecordLine[]> {
  const bad: BadRecordLine[] = [];
  if (!existsSync(path)) return bad;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let lastGood = true;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: RequestRecord;
    try {
      rec = JSON.parse(line) as RequestRecord;
      lastGood = true;
    } catch {
      bad.push({ file: path, line: lineNo, text: line.slice(0, 80), last: false });
      lastGood = false;
      continue;
    }
    onRecord(rec);
  }
  if (!lastGood) bad[bad.length - 1]!.last = true;
  return bad;
}

export interface ForEachOptions {
  /**
   * Hand `sink` one reused record object for every line the fast parser takes (every key of
   * RequestRecord present, undefined when the line has none; its arrays reused): no allocation
   * per record. Only for sinks that read each record and keep nothing of it — no reference to
   * it or its arrays, no `in` / Object.keys / spread / JSON.stringify of it. Lines it does not
   * take arrive as JSON.parse's fresh objects.
   */
  reuse?: boolean;
  /**
   * With `reuse`: read the records from the column sidecar (`<path>.cols`, sidecar-format.ts)
   * when it is complete and describes this file exactly (the same records, no JSON parsed).
   * Default true; false: always parse the JSONL (benchmarks, A/B checks).
   */
  sidecar?: boolean;
}

/**
 * Every record of a file handed to `sink` one at a time (memory: one 1 MiB read, never the file),
 * for analyses that must not hold every record (1M-record runs). The file is read as bytes; lines
 * are split by hand and each is parsed synchronously from its bytes by line-parser.ts (the lines
 * RecordWriter writes) or, for any other line, decoded and JSON.parse'd as before — the records
 * are the same either way (readline's async iteration and decoding the whole text cost several
 * times the parse). Bad lines are appended to `bad` exactly as scanRecords reports them.
 */
export async function forEachRecord(path: string, sink: (r: RequestRecord) => void, bad: BadRecordLine[], o: ForEachOptions = {}): Promise<void> {
  if (!existsSync(path)) return;
  if (o.reuse && o.sidecar !== false) {
    const ix = checkSidecar(path);
    if (ix) return forEachSidecarRecord(ix, recordSlot(), sink);
  }
  let lineNo = 0;
  let lastGood = true;
  const first = bad.length;
  let buf = Buffer.allocUnsafe(READ_BYTES);
  const into = o.reuse ? recordSlot() : undefined;
  const line1 = (s: number, e: number): void => {
    lineNo++;
    if (into) {
      if (parseRecordLineInto(buf, s, e, into)) {
        lastGood = true;
        sink(into.record);
        return;
      }
    } else {
      const fast = parseRecordLine(buf, s, e);
      if (fast !== FALLBACK) {
        lastGood = true;
        sink(fast as RequestRecord);
        return;
      }
    }
    const line = buf.toString('utf8', s, e);
    if (line.trim() === '') return;
    let r: RequestRecord;
    try {
      r = JSON.parse(line) as RequestRecord;
      lastGood = true;
    } catch {
      bad.push({ file: path, line: lineNo, text: line.slice(0, 80), last: false });
      lastGood = false;
      return;
    }
    sink(r);
  };
  const fh = await open(path, 'r');
  try {
    let len = 0; // bytes of buf holding data: an unfinished line at its start, then the latest read
    for (;;) {
      if (len === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than the buffer
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) break;
      const stop = len + bytesRead;
      let from = 0;
      for (let nl = buf.indexOf(10, len); nl >= 0 && nl < stop; nl = buf.indexOf(10, from)) {
        line1(from, nl > from && buf[nl - 1] === 13 ? nl - 1 : nl);
        from = nl + 1;
      }
      len = stop - from;
      if (from > 0 && len > 0) buf.copy(buf, 0, from, stop);
    }
    if (len > 0) line1(0, len);
  } finally {
    await fh.close();
  }
  if (!lastGood && bad.length > first) bad[bad.length - 1]!.last = true;
}

/** forEachRecord with readRecords' strictness: throws E_RECORDS_PARSE on a bad line other than a torn last one (after the pass). */
export async function forEachRecordStrict(path: string, sink: (r: RequestRecord) => void): Promise<void> {
  const bad: BadRecordLine[] = [];
  await forEachRecord(path, sink, bad);
  const first = bad.find((b) => !b.last);
  if (first) throw badLine(first);
}

/** The records of a file; throws E_RECORDS_PARSE (file, line) on a bad line other than a torn last one. */
export async function readRecords(path: string): Promise<RequestRecord[]> {
  const scan = await scanRecords(path);
  const first = scan.bad.find((b) => !b.last);
  if (first) throw badLine(first);
  return scan.records;
}

/** One line per bad line: `records.jsonl:12: not JSON (torn write) {"id":...`. */
export function describeBadLine(b: BadRecordLine): string {
  return `${b.file}:${b.line}: request record is not JSON${b.last ? ' (torn last line: the writer was killed)' : ''}: ${b.text}`;
}

function badLine(b: BadRecordLine): LlmdbenchError {
  return new LlmdbenchError('E_RECORDS_PARSE', `request record is not JSON: ${b.text}`, {
    location: { file: b.file, line: b.line },
    hint: 'the records file is JSONL, one RequestRecord per line; was it edited by hand?',
  });
}
