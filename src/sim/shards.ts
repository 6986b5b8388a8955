/**
 * What one shard of a `--workers N` simulator runs with, and how shards ask
 * each other (through the cluster primary, cluster.ts) for what must look like
 * ONE server: /metrics totals, /admin/config changes, sleep mode, traces.
 *
 * The shards behave like N data-parallel ranks of one vLLM deployment behind a
 * connection-level round-robin: `max-num-seqs`, `max-waiting-queue-length` and
 * `kv-cache-size` are the deployment's totals and are SPLIT between the shards
 * (remainders to the first shards), so the configured concurrency a user models
 * (one vLLM pod's max-num-seqs) stays what the server admits in total; each
 * shard has its own FIFO queue and prefix cache (as each DP rank has its own).
 * The seed is offset by the shard index so response ids and samples differ.
 */
import type { SimConfig } from './config.ts';

export interface ShardInfo {
  index: number;
  count: number;
}

function share(total: number, s: ShardInfo): number {
  return Math.floor(total / s.count) + (s.index < total % s.count ? 1 : 0);
}

/** The typed config one shard runs on; `raw` (what GET /admin/config shows) keeps the totals. */
export function shardConfig(c: SimConfig, s: ShardInfo): SimConfig {
  if (s.count <= 1) return c;
  return {
    ...c,
    maxNumSeqs: share(c.maxNumSeqs, s),
    maxWaitingQueueLength: share(c.maxWaitingQueueLength, s),
    kvCacheSize: share(c.kvCacheSize, s),
    seed: (c.seed + s.index) % 2147483647,
  };
}

/** Requests a shard answers for the others. */
export type ShardOp = 'metrics' | 'admin' | 'sleep' | 'trace' | 'trace-last';

/** Ask every shard (this one included) and collect their answers, in shard order. */
export interface ShardPeers {
  readonly info: ShardInfo;
  all(op: ShardOp, arg: unknown): Promise<unknown[]>;
}

/** IPC message tag, so the cluster's own messages are never mistaken for ours. */
export const TAG = 'llmdbench-sim';

export interface AskMsg {
  tag: typeof TAG;
  t: 'ask';
  id: number;
  op: ShardOp;
  arg: unknown;
}
export interface AnswerMsg {
  tag: typeof TAG;
  t: 'answer';
  id: number;
  value: unknown;
}
export interface GatheredMsg {
  tag: typeof TAG;
  t: 'gathered';
  id: number;
  values: unknown[];
}
export type ShardMsg = AskMsg | AnswerMsg | GatheredMsg;

export function isShardMsg(m: unknown): m is ShardMsg {
  return typeof m === 'object' && m !== null && (m as { tag?: unknown }).tag === TAG;
}

/**
 * The worker side: `all()` sends an `ask` to the primary, which forwards it to every shard
 * (an `ask` from the primary) and returns their answers (`gathered`). `handle` answers asks.
 */
export class IpcPeers implements ShardPeers {
  private next = 1;
  private readonly waiting = new Map<number, (v: unknown[]) => void>();

  constructor(
    readonly info: ShardInfo,
    private readonly handle: (op: ShardOp, arg: unknown) => unknown,
  ) {
    process.on('message', (m: unknown) => {
      if (!isShardMsg(m)) return;
      if (m.t === 'gathered') {
        this.waiting.get(m.id)?.(m.values);
        this.waiting.delete(m.id);
      } else if (m.t === 'ask') {
        const value = this.handle(m.op, m.arg);
        process.send?.({ tag: TAG, t: 'answer', id: m.id, value } satisfies AnswerMsg);
      }
    });
  }

  all(op: ShardOp, arg: unknown): Promise<unknown[]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (!process.connected || !process.send) return reject(new Error('the simulator primary is gone'));
      this.waiting.set(id, resolve);
      process.send({ tag: TAG, t: 'ask', id, op, arg } satisfies AskMsg);
    });
  }
}
