import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { LlmdbenchError } from '../../util/errors.ts';
import type { RequestRecord } from '../types.ts';

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

/**
 * Every record of a file handed to `sink` one at a time (memory: one 1 MiB read, never the file),
 * for analyses that must not hold every record (1M-record runs). Lines are split by hand and
 * parsed synchronously per read (readline's async iteration costs several times the JSON.parse).
 * Bad lines are appended to `bad` exactly as scanRecords reports them.
 */
export async function forEachRecord(path: string, sink: (r: RequestRecord) => void, bad: BadRecordLine[]): Promise<void> {
  if (!existsSync(path)) return;
  let lineNo = 0;
  let lastGood = true;
  const first = bad.length;
  const line1 = (line: string): void => {
    lineNo++;
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
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      line1(text.charCodeAt(nl - 1) === 13 ? text.slice(from, nl - 1) : text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest !== '') line1(rest);
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
