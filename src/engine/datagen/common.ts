import type { ChatMessage, RequestSpec } from '../types.ts';
import type { DataSourceContext } from './types.ts';
import { monoMs } from '../../util/clock.ts';
import { throwIfInterrupted } from '../../util/interrupt.ts';

/** A RequestSpec for `ctx.api`: completion → prompt; chat → one user message. */
export function specFor(
  ctx: DataSourceContext,
  prompt: string,
  extra: Partial<RequestSpec> & { systemPrompt?: string } = {},
): RequestSpec {
  const { systemPrompt, ...rest } = extra;
  const spec: RequestSpec = { api: ctx.api, stream: ctx.stream, ...rest };
  if (ctx.ignoreEos !== undefined) spec.ignoreEos = ctx.ignoreEos;
  if (ctx.api === 'chat') {
    const messages: ChatMessage[] = [];
    if (systemPrompt !== undefined) messages.push({ role: 'system', content: systemPrompt });
    messages.push({ role: 'user', content: prompt });
    spec.messages = messages;
  } else {
    spec.prompt = systemPrompt !== undefined ? systemPrompt + prompt : prompt;
  }
  return spec;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Serialises the turns of each session: turn r may start once turn r − 1 has
 * been reported (and its think/tool delay has passed). Pending delays keep the
 * process alive (a waiting turn is real work); `close()` cancels them and releases all.
 */
export class SessionGate {
  private readonly done = new Map<string, Deferred>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private slot(key: string, turn: number): Deferred {
    const k = `${key}\0${turn}`;
    let d = this.done.get(k);
    if (!d) {
      d = deferred();
      this.done.set(k, d);
    }
    return d;
  }

  /** Resolves when turn `turn` of `key` may be built (immediately for turn 0). */
  async wait(key: string, turn: number): Promise<void> {
    if (turn <= 0) return;
    const d = this.slot(key, turn - 1);
    await d.promise;
    this.done.delete(`${key}\0${turn - 1}`);
  }

  /** Mark turn `turn` of `key` finished; the next turn may start after `delayMs`. */
  complete(key: string, turn: number, delayMs = 0): void {
    const d = this.slot(key, turn);
    if (delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        d.resolve();
      }, delayMs);
      this.timers.add(t);
    } else d.resolve();
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const d of this.done.values()) d.resolve();
    this.done.clear();
  }
}

/**
 * Long up-front work (building prompts, scanning a dataset) calls `tick()` often: every ~50 ms
 * it yields to the event loop, so a Ctrl-C is seen, and throws E_INTERRUPTED once the signal fired.
 */
export class PlanningYield {
  private last = monoMs();
  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly what: string,
  ) {}

  async tick(): Promise<void> {
    if (monoMs() - this.last < 50) return;
    await new Promise<void>((r) => setImmediate(r));
    this.last = monoMs();
    throwIfInterrupted(this.signal, this.what);
  }
}

/** A numeric tag from a spec, or undefined. */
export function numTag(spec: RequestSpec, name: string): number | undefined {
  const v = spec.tags?.[name];
  return typeof v === 'number' ? v : undefined;
}
