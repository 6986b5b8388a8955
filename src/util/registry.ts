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

  constructor(private readonly family: string) {}

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
