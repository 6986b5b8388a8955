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
