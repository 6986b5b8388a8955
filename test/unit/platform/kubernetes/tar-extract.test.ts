/** The streaming tar reader: real `tar` output, GNU long names, chunk boundaries, no escaping the target. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { safeRelative, tarExtractor } from '../../../../src/platform/kubernetes/tar-extract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tar-extract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tar of `files` made by the system's tar. */
function makeTar(files: Record<string, Buffer | string>): Buffer {
  const src = mkdtempSync(join(dir, 'src-'));
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(src, rel, '..'), { recursive: true });
    writeFileSync(join(src, rel), data);
  }
  const r = spawnSync('tar', ['cf', '-', '-C', src, '.'], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/** Feed `buf` in chunks of `size` bytes. */
async function extract(buf: Buffer, size: number, route: (rel: string) => string | undefined) {
  const x = tarExtractor(route);
  const chunks = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  await pipeline(Readable.from(chunks), x);
  return x.files();
}

test('files come out byte-identical whatever the chunk size, long names included', async () => {
  const long = `${'d'.repeat(90)}/${'f'.repeat(90)}.json`;
  const files = { 'a.bin': randomBytes(70_001), 'empty': '', 'x/y/z.txt': 'zz', [long]: '{"long":true}' };
  const tar = makeTar(files);
  for (const size of [1, 511, 512, 513, 65536]) {
    const out = mkdtempSync(join(dir, 'out-'));
    const got = await extract(tar, size, (rel) => join(out, rel));
    assert.deepEqual(got.map((f) => f.path).sort(), Object.keys(files).sort(), `chunk ${size}`);
    for (const [rel, data] of Object.entries(files)) assert.deepEqual(readFileSync(join(out, rel)), Buffer.from(data), `${rel} chunk ${size}`);
    assert.equal(got.find((f) => f.path === 'a.bin')?.bytes, 70_001);
  }
});

test('a truncated stream is an error, not a silently short file', async () => {
  const tar = makeTar({ 'big.bin': randomBytes(10_000) });
  await assert.rejects(extract(tar.subarray(0, 4000), 1000, (rel) => join(dir, 'trunc', rel)), /truncated/);
});

test('paths that would escape the target are refused; route may skip entries', async () => {
  assert.equal(safeRelative('../etc/passwd'), undefined);
  assert.equal(safeRelative('/etc/passwd'), undefined);
  assert.equal(safeRelative('./a/../../b'), undefined);
  assert.equal(safeRelative('./a/./b'), 'a/b');
  const out = mkdtempSync(join(dir, 'skip-'));
  const got = await extract(makeTar({ 'keep.txt': 'k', 'drop.txt': 'd' }), 4096, (rel) => (rel === 'drop.txt' ? undefined : join(out, rel)));
  assert.deepEqual(got.map((f) => f.path), ['keep.txt']);
  assert.equal(existsSync(join(out, 'drop.txt')), false);
});
