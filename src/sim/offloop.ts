/**
 * Tokenizing long prompts off the scheduling loop. A BPE tokenizer takes
 * milliseconds for a prompt of thousands of tokens (~5–7 ms for 2,600 Llama-3
 * tokens on a busy 2-core box); done on the loop, that would delay every other
 * stream's due tokens by as much. Long prompts go to one worker thread (FIFO,
 * so arrival order is kept among them); short ones, and any prompt while the
 * worker is still loading or if it failed, are tokenized inline. Deferred
 * prompt counts (engine.ts: a burst's counts wait until after its first
 * tokens) go there too, whatever their length: count().
 */
import { Worker } from 'node:worker_threads';
import { workerBoot } from '../util/worker-boot.ts';

const BOOT = workerBoot(import.meta.url, './tokenize-worker.ts');

/** Prompts at least this long (characters) are tokenized on the worker. */
export const OFF_LOOP_MIN_CHARS = 2000;

type Reply = { id: number; ids?: number[]; n?: number; error?: string } | { ready: true };

export class OffLoopTokenizer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void }>();
  private nextId = 0;
  private ready = false;
  /** Prompts tokenized on the worker so far. */
  encoded = 0;
  private broken = false;

  /** The worker thread starts with start(): the server listens first (its own tokenizer is loaded), then the worker loads another copy. */
  constructor(
    private readonly model: string,
    private readonly spec: string | undefined,
    private readonly forceDummy: boolean,
  ) {}

  /** Boots the worker thread (idempotent); until it is ready every prompt is tokenized inline. */
  start(): void {
    if (this.worker || this.broken) return;
    const worker = new Worker(BOOT, { eval: true, workerData: { model: this.model, spec: this.spec, forceDummy: this.forceDummy } });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: Reply) => {
      if ('ready' in m) {
        this.ready = true;
        return;
      }
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ids) this.encoded++;
      p?.resolve(m);
    });
    const fail = (): void => {
      this.broken = true;
      for (const p of this.pending.values()) p.resolve({ id: -1, error: 'worker gone' });
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  }

  /** Token ids, or undefined when the caller should tokenize inline (short prompt, worker not ready or failed). */
  encode(text: string, addSpecialTokens = true): Promise<number[] | undefined> | undefined {
    if (!this.ready || this.broken || text.length < OFF_LOOP_MIN_CHARS) return undefined;
    return this.ask(text, addSpecialTokens, false).then((r) => ('ids' in r ? r.ids : undefined));
  }

  /** The token count, or undefined when the caller should count inline (worker not ready or failed). */
  count(text: string, addSpecialTokens = true): Promise<number | undefined> | undefined {
    if (!this.ready || this.broken) return undefined;
    return this.ask(text, addSpecialTokens, true).then((r) => ('n' in r ? r.n : undefined));
  }

  private ask(text: string, addSpecialTokens: boolean, countOnly: boolean): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      (this.worker as Worker).postMessage({ id, text, addSpecialTokens, countOnly });
    });
  }

  /** True once the worker has loaded its tokenizer. */
  get isReady(): boolean {
    return this.ready && !this.broken;
  }

  async close(): Promise<void> {
    this.broken = true;
    await this.worker?.terminate();
  }
}
