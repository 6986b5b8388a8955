/**
 * Any JSON value of a records.jsonl line other than a number (line-parser.ts reads those and the
 * chunk arrays straight into the record): strings, true / false / null, and the objects and arrays
 * of JSON.parse's fresh record (error, tags) up to MAX_DEPTH levels of nesting; anything deeper or
 * not in the scanner's subset sets `failed` (the caller falls back to JSON.parse).
 */
import { NUM, atEnd, fail, isFailed, key, number, peek, peekAt, pos, seek, skip, string, lineEnd } from './json-scan.ts';

const MAX_DEPTH = 3;

export function value(depth: number): unknown {
  const c = peek()!;
  if (c === 0x22) return string();
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    number();
    return NUM[0];
  }
  if (c === 0x5b) return array(depth);
  if (c === 0x7b) return object(depth + 1);
  if (c === 0x74) return literal(0x74, 0x72, 0x75, 0x65, true); // true
  if (c === 0x6e) return literal(0x6e, 0x75, 0x6c, 0x6c, null); // null
  const i = pos();
  if (c === 0x66 && i + 4 < lineEnd() && peekAt(i + 4) === 0x65) {
    // false
    if (peekAt(i + 1) === 0x61 && peekAt(i + 2) === 0x6c && peekAt(i + 3) === 0x73) {
      seek(i + 5);
      return false;
    }
  }
  fail();
  return undefined;
}

function literal(c0: number, c1: number, c2: number, c3: number, v: boolean | null): boolean | null {
  const i = pos();
  if (i + 3 < lineEnd() && peekAt(i) === c0 && peekAt(i + 1) === c1 && peekAt(i + 2) === c2 && peekAt(i + 3) === c3) {
    seek(i + 4);
    return v;
  }
  fail();
  return null;
}

function object(depth: number): Record<string, unknown> | undefined {
  if (depth > MAX_DEPTH) {
    fail();
    return undefined;
  }
  const o: Record<string, unknown> = {};
  skip(); // {
  if (peek() === 0x7d) {
    skip();
    return o;
  }
  for (;;) {
    if (atEnd() || peek() !== 0x22) break;
    const k = key();
    if (isFailed() || peek() !== 0x3a) break;
    skip();
    if (atEnd()) break;
    const v = value(depth);
    if (isFailed()) return undefined;
    o[k] = v;
    const c = peek();
    if (c === 0x2c) {
      skip();
      continue;
    }
    if (c === 0x7d) {
      skip();
      return o;
    }
    break;
  }
  fail();
  return undefined;
}

function array(depth: number): unknown[] | undefined {
  const a: unknown[] = [];
  skip(); // [
  if (peek() === 0x5d) {
    skip();
    return a;
  }
  for (;;) {
    if (atEnd()) break;
    const c = peek()!;
    // numbers inline (the common case: chunk times and token counts), anything else through value()
    const v = (c >= 0x30 && c <= 0x39) || c === 0x2d ? (number(), NUM[0]) : c === 0x5b || c === 0x7b ? nested(depth) : value(depth);
    if (isFailed()) return undefined;
    a.push(v);
    const d = peek();
    if (d === 0x2c) {
      skip();
      continue;
    }
    if (d === 0x5d) {
      skip();
      return a;
    }
    break;
  }
  fail();
  return undefined;
}

function nested(depth: number): unknown {
  if (depth + 1 > MAX_DEPTH) {
    fail();
    return undefined;
  }
  return peek() === 0x5b ? array(depth + 1) : object(depth + 1);
}
