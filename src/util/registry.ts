import { closest } from './suggest.ts';
import { LlmdbenchError } from './errors.ts';

/**
 * A typed registry of plugins keyed by `kind`. Registering a duplicate kind
 * throws; looking up an unknown kind throws an error listing the registered
 * kinds and the closest match. Generic code asks the registry, never
 * `if (kind === ...)`.
 */
export class Registry<K extends string, P extends { readonly kind: K }> {
  private readonly items = new Map<K, P>();

  constructor(protected readonly family: string) {}

  register(plugin: P): this {
    if (this.items.has(plugin.kind)) {
      throw new LlmdbenchError('E_REGISTRY_DUPLICATE', `${this.family} "${plugin.kind}" is registered twice`, {
        kind: 'internal',
      });
    }
    this.items.set(plugin.kind, plugin);
    return this;
  }

  has(kind: string): kind is K {
    return this.items.has(kind as K);
  }

  get(kind: string): P {
    const p = this.items.get(kind as K);
    if (p) return p;
    const known = [...this.items.keys()];
    const near = closest(kind, known);
    throw new LlmdbenchError('E_UNKNOWN_KIND', `unknown ${this.family} "${kind}"`, {
      hint: `${near ? `did you mean "${near}"? ` : ''}known: ${known.join(', ')}`,
    });
  }

  kinds(): K[] {
    return [...this.items.keys()];
  }

  all(): P[] {
    return [...this.items.values()];
  }
}

/**
 * What is registered eagerly for a plugin whose implementation loads on demand: its kind, one
 * line for listings (`llmdbench profiles --harnesses`, `run --dry-run`), and `load()`, which
 * imports the implementation module. Start-up then pays only for the plugins a command uses.
 */
export interface LazyPlugin<K extends string, P extends { readonly kind: K }> {
  readonly kind: K;
  readonly description: string;
  load(): Promise<P>;
}

/**
 * A `Registry` of `LazyPlugin` descriptors (unknown kinds: the same did-you-mean error) that
 * loads each implementation once: `load(kind)` imports it, `loaded(kind)` hands it back
 * synchronously to code that runs after the caller loaded it (plan validation, checks).
 */
export class LazyRegistry<K extends string, P extends { readonly kind: K }> extends Registry<K, LazyPlugin<K, P>> {
  private readonly impls = new Map<K, P>();
  private readonly pending = new Map<K, Promise<P>>();

  /** The implementation of `kind`, imported on first use (E_UNKNOWN_KIND with a suggestion for an unknown kind). */
  async load(kind: string): Promise<P> {
    const d = this.get(kind);
    const done = this.impls.get(d.kind);
    if (done) return done;
    let p = this.pending.get(d.kind);
    if (!p) {
      p = d.load().then((impl) => {
        if (impl.kind !== d.kind) throw new LlmdbenchError('E_REGISTRY_MISMATCH', `${this.family} "${d.kind}" loaded a plugin of kind "${impl.kind}"`, { kind: 'internal' });
        this.impls.set(d.kind, impl);
        return impl;
      });
      p.catch(() => this.pending.delete(d.kind));
      this.pending.set(d.kind, p);
    }
    return p;
  }

  /** Load several kinds (duplicates once); resolves in the order given. */
  loadMany(kinds: Iterable<string>): Promise<P[]> {
    return Promise.all([...new Set(kinds)].map((k) => this.load(k)));
  }

  /** Every registered implementation (listings and tests that check every plugin). */
  loadAll(): Promise<P[]> {
    return this.loadMany(this.kinds());
  }

  /**
   * The implementation of `kind`, which the caller's command loaded before (`load`): an unknown
   * kind is E_UNKNOWN_KIND as for `get`; a known kind not loaded yet is a bug (internal error).
   */
  loaded(kind: string): P {
    const d = this.get(kind);
    const impl = this.impls.get(d.kind);
    if (impl) return impl;
    throw new LlmdbenchError('E_PLUGIN_NOT_LOADED', `${this.family} "${d.kind}" is used before it was loaded`, {
      kind: 'internal',
      hint: `await the registry's load("${d.kind}") before this synchronous step`,
    });
  }

  /** Whether `kind`'s implementation is loaded (and so `loaded(kind)` answers). */
  isLoaded(kind: string): boolean {
    return this.impls.has(kind as K);
  }
}
