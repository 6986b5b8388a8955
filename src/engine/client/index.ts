/** The API client's public API. */
export { EngineClient, prepareRequest } from './http-client.ts';
export type { ClientOptions, PreparedRequest, SendMeta } from './http-client.ts';
export { apiClients, completionClient, chatClient } from './api.ts';
export type { ApiClient, ChunkView } from './api.ts';
export { SseFramer } from './sse.ts';
export { recycleRaw } from './body-pool.ts';
export { SseByteFramer } from './sse-bytes.ts';
export { transports, pickTransport } from './transports.ts';
export type { Transport, TransportKind, TransportPool, ResponseSink, WireRequest } from './transport.ts';
export { classifyError, statusLabel, LabelledAbort } from './errors.ts';
