/**
 * Is a result's JSON file whole? `-z` and `analyze` warn about torn files (a copy cut short, a disk
 * that filled up) before analysing. Small files are parsed (full validation). Large ones — inference-perf's
 * per_request_lifecycle_metrics.json holds every response verbatim, hundreds of MiB to GiB — are
 * scanned for their structure in 1 MiB reads instead: strings and escapes followed, brackets matched,
 * nothing but whitespace after the top-level value. That finds every truncation (the file ends inside a
 * string or with brackets open) without holding the file's text in memory, and costs a byte loop instead
 * of a JSON.parse that allocated the whole document (it was most of `-z`'s CPU on a big run).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

/** Files up to this size are JSON.parse'd; larger ones are scanned. */
export const PARSE_MAX_BYTES = 8 << 20;
const READ_BYTES = 1 << 20;
const MAX_DEPTH = 4096;

/** Why the JSON file is not whole, or undefined when it is. */
export function jsonFileProblem(file: string, parseMaxBytes = PARSE_MAX_BYTES): string | undefined {
  if (statSync(file).size <= parseMaxBytes) {
    try {
      JSON.parse(readFileSync(file, 'utf8'));
      return undefined;
    } catch (e) {
      return (e as Error).message.split('\n')[0];
    }
  }
  return scanJsonStructure(file);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The structural check of a JSON file, read in 1 MiB pieces (see the header). A string's body is
 * skipped by its own tight loop (stop at a quote, step over each escape's next byte): most of a
 * per_request file is strings full of escapes.
 */
export function scanJsonStructure(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(READ_BYTES);
    const stack = new Uint8Array(MAX_DEPTH);
    let depth = 0;
    let inString = false;
    /** The piece ended right after a backslash inside a string: the next piece's first byte is escaped. */
    let escape = false;
    let started = false;
    let ended = false;
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, READ_BYTES, offset);
      if (n === 0) break;
      let i = 0;
      if (escape) {
        escape = false;
        i = 1;
      }
      while (i < n) {
        if (inString) {
          while (i < n) {
            const b = buf[i]!;
            if (b === QUOTE) break;
            i += b === BACKSLASH ? 2 : 1;
          }
          if (i >= n) {
            escape = i > n;
            break;
          }
          inString = false;
          if (depth === 0) ended = true;
          i++;
          continue;
        }
        const b = buf[i]!;
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
          i++;
          continue;
        }
        if (ended) return `data after the end of the JSON value at byte ${offset + i}`;
        if (b === QUOTE) {
          inString = true;
          started = true;
        } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
          if (depth === MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels at byte ${offset + i}`;
          stack[depth++] = b;
          started = true;
        } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
          const opener = b === CLOSE_ARRAY ? OPEN_ARRAY : OPEN_OBJECT;
          if (depth === 0 || stack[depth - 1] !== opener) return `unexpected '${String.fromCharCode(b)}' at byte ${offset + i}`;
          depth--;
          if (depth === 0) ended = true;
        } else started = true;
        i++;
      }
      offset += n;
    }
    if (!started) return 'empty file (no JSON value)';
    if (inString) return `ends inside a string (${offset} bytes)`;
    if (depth > 0) return `ends with ${depth} bracket(s) open (${offset} bytes): cut short`;
    return undefined;
  } finally {
    closeSync(fd);
  }
}
