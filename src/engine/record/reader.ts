import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { LlmdbenchError } from '../../util/errors.ts';
import type { RequestRecord } from '../types.ts';

/**
 * Read a JSONL file of RequestRecords written by RecordWriter. A torn last
 * line (the process died mid-write) is skipped; any other bad line is an error
 * with its line number.
 */
export async function readRecords(path: string): Promise<RequestRecord[]> {
  const out: RequestRecord[] = [];
  for await (const r of iterateRecords(path)) out.push(r);
  return out;
}

/** Stream the records of a JSONL file one by one. */
export async function* iterateRecords(path: string): AsyncGenerator<RequestRecord> {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let bad: { line: number; text: string } | undefined;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    if (bad) throw badLine(path, bad.line, bad.text);
    try {
      yield JSON.parse(line) as RequestRecord;
    } catch {
      bad = { line: lineNo, text: line };
    }
  }
  // A bad final line is a torn write: tolerated.
}

function badLine(path: string, line: number, text: string): LlmdbenchError {
  return new LlmdbenchError('E_RECORDS_PARSE', `request record is not JSON: ${text.slice(0, 80)}`, {
    location: { file: path, line },
    hint: 'the records file is JSONL, one RequestRecord per line; was it edited by hand?',
  });
}
