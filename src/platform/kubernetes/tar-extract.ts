/**
 * A streaming tar reader for the copy-back (client-node's `Cp` is broken in 1.4.0): reads
 * what `tar cf -` writes (ustar, GNU long names, pax path records) and writes each regular
 * file where `route` says, never outside it. Directories are created, links and devices are
 * skipped. Returns what it wrote (relative path and bytes) so the copy can be verified.
 */
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

export interface ExtractedFile {
  /** Path inside the archive, normalised (no leading `./`). */
  path: string;
  bytes: number;
}

/** Normalised archive path, or undefined for one that would escape (absolute, `..`). */
export function safeRelative(p: string): string | undefined {
  const parts = p.replace(/^\.\/+/, '').split('/').filter((s) => s !== '' && s !== '.');
  if (p.startsWith('/') || parts.some((s) => s === '..')) return undefined;
  return parts.join('/');
}

function octal(buf: Buffer, off: number, len: number): number {
  const field = buf.subarray(off, off + len);
  if ((field[0]! & 0x80) !== 0) {
    // base-256 (GNU) for sizes over 8 GiB
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const s = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return s ? parseInt(s, 8) : 0;
}

function cstr(buf: Buffer, off: number, len: number): string {
  const s = buf.subarray(off, off + len);
  const z = s.indexOf(0);
  return (z >= 0 ? s.subarray(0, z) : s).toString('utf8');
}

function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(data.subarray(i, sp).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    i += len;
  }
  return path;
}

/**
 * A Writable that extracts a tar stream. `route(relPath)` gives the local file path (or
 * undefined to skip that entry). `files()` lists what was written once the stream finished.
 */
export function tarExtractor(route: (rel: string) => string | undefined): Writable & { files(): ExtractedFile[] } {
  let pending: Buffer = Buffer.alloc(0);
  const out: ExtractedFile[] = [];
  let state: 'header' | 'data' | 'meta' | 'end' = 'header';
  let remaining = 0;
  let padding = 0;
  let fd: number | undefined;
  let current: ExtractedFile | undefined;
  let meta: Buffer[] = [];
  let metaType = '';
  let nextName: string | undefined;

  function header(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      state = 'end';
      return;
    }
    const type = String.fromCharCode(h[156]!) || '0';
    const size = octal(h, 124, 12);
    const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? cstr(h, 345, 155) : '';
    const raw = nextName ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
    nextName = undefined;
    remaining = size;
    padding = (512 - (size % 512)) % 512;
    if (type === 'L' || type === 'x') {
      metaType = type;
      meta = [];
      state = 'meta';
      return;
    }
    state = 'data';
    current = undefined;
    const rel = safeRelative(raw);
    if (rel === undefined || rel === '') return;
    const dest = route(rel);
    if (dest === undefined) return;
    if (type === '5') {
      mkdirSync(dest, { recursive: true });
      return;
    }
    if (type !== '0' && type !== '\0' && type !== '7') return; // links, devices, fifos: skipped
    mkdirSync(dirname(dest), { recursive: true });
    fd = openSync(dest, 'w');
    current = { path: rel, bytes: 0 };
  }

  function endEntry(): void {
    if (state === 'meta') {
      const data = Buffer.concat(meta);
      nextName = metaType === 'L' ? cstr(data, 0, data.length) : (paxPath(data) ?? nextName);
    }
    if (fd !== undefined) {
      closeSync(fd);
      fd = undefined;
    }
    if (current) out.push(current);
    current = undefined;
    state = 'header';
  }

  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      try {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let off = 0;
        for (;;) {
          if (state === 'end') {
            off = pending.length;
            break;
          }
          if (state === 'header') {
            if (pending.length - off < 512) break;
            header(pending.subarray(off, off + 512));
            off += 512;
            if ((state as string) !== 'end' && remaining === 0) {
              endEntry();
            }
            continue;
          }
          // data or meta, then padding
          if (remaining > 0) {
            const n = Math.min(remaining, pending.length - off);
            if (n === 0) break;
            const part = pending.subarray(off, off + n);
            if (state === 'meta') meta.push(Buffer.from(part));
            else if (fd !== undefined) {
              writeSync(fd, part);
              current!.bytes += n;
            }
            remaining -= n;
            off += n;
            if (remaining > 0) break;
          }
          if (pending.length - off < padding) break;
          off += padding;
          padding = 0;
          endEntry();
        }
        pending = pending.subarray(off);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    final(cb) {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      cb(state === 'data' && remaining > 0 ? new Error('the tar stream ended inside a file (truncated copy)') : null);
    },
  });
  return Object.assign(w, { files: () => out });
}
