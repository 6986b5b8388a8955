/**
 * KV / prefix cache simulation (spec A.11): prompt tokens in full blocks of
 * `block-size`, chained block hashes; cached tokens = leading resident blocks
 * × block-size. Blocks of running requests are pinned; blocks of finished
 * requests stay resident as "unused" and are evicted oldest first.
 */
export class KvCache {
  /** hash → reference count (0 = unused, evictable). Map order = LRU order of unused blocks. */
  private readonly refs = new Map<number, number>();
  private readonly unused = new Map<number, true>();

  constructor(
    readonly capacity: number,
    readonly blockSize: number,
  ) {}

  /** Chained hashes of the prompt's full blocks. */
  blockHashes(ids: readonly number[]): number[] {
    const out: number[] = [];
    let h = 0x811c9dc5;
    const full = Math.floor(ids.length / this.blockSize) * this.blockSize;
    for (let i = 0; i < full; i++) {
      const v = ids[i] as number;
      h = Math.imul(h ^ (v & 0xffff), 0x01000193);
      h = Math.imul(h ^ (v >>> 16), 0x01000193);
      if ((i + 1) % this.blockSize === 0) out.push(h >>> 0);
    }
    return out;
  }

  /** Leading resident blocks × block size. */
  cachedTokens(hashes: readonly number[]): number {
    let n = 0;
    for (const h of hashes) {
      if (!this.refs.has(h)) break;
      n++;
    }
    return n * this.blockSize;
  }

  /** Pins the blocks for a starting request; false when running requests alone would overflow. */
  acquire(hashes: readonly number[]): boolean {
    const fresh = hashes.filter((h) => !this.refs.has(h)).length;
    while (this.refs.size + fresh > this.capacity && this.unused.size > 0) {
      const oldest = this.unused.keys().next().value as number;
      this.unused.delete(oldest);
      this.refs.delete(oldest);
    }
    if (this.refs.size + fresh > this.capacity) return false;
    for (const h of hashes) {
      const r = this.refs.get(h) ?? 0;
      if (r === 0) this.unused.delete(h);
      this.refs.set(h, r + 1);
    }
    return true;
  }

  release(hashes: readonly number[]): void {
    for (const h of hashes) {
      const r = this.refs.get(h);
      if (r === undefined) continue;
      if (r <= 1) {
        this.refs.set(h, 0);
        this.unused.delete(h);
        this.unused.set(h, true);
      } else this.refs.set(h, r - 1);
    }
  }

  /** Fraction of blocks in use by running requests (vllm:kv_cache_usage_perc, 0..1). */
  usage(): number {
    return (this.refs.size - this.unused.size) / this.capacity;
  }
}
