/**
 * The registered HTTP transports, in order of preference: the lean `h1` for
 * plain http, `undici` for everything else (https). An explicit kind is used
 * as asked (and refused when it cannot serve the URL).
 */
import { LlmdbenchError } from '../../util/errors.ts';
import { h1Transport } from './h1-transport.ts';
import { transports, type Transport, type TransportKind } from './transport.ts';
import { undiciTransport } from './undici-transport.ts';

transports.register(h1Transport).register(undiciTransport);

/** The transport for `url`: `kind` when given, else the first registered one that accepts it. */
export function pickTransport(url: URL, kind?: TransportKind): Transport {
  if (kind !== undefined) {
    const t = transports.get(kind);
    if (!t.accepts(url)) {
      throw new LlmdbenchError('E_TRANSPORT_URL', `HTTP transport "${kind}" cannot serve ${url.protocol} URLs`, {
        hint: `use one of: ${transports.all().filter((x) => x.accepts(url)).map((x) => x.kind).join(', ')}`,
      });
    }
    return t;
  }
  const t = transports.all().find((x) => x.accepts(url));
  if (!t) throw new LlmdbenchError('E_TRANSPORT_URL', `no HTTP transport serves ${url.protocol} URLs`, { hint: 'use an http:// or https:// endpoint' });
  return t;
}

export { transports };
