/**
 * The HTTP front of the simulator (node:http): routing, body parsing, the
 * pre-dispatch pipeline of upstream (JSON → X-Return-Error → failure injection
 * → model check → validation), and the non-generation endpoints.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { Tokenizer } from '../engine/tokenizer/types.ts';
import { LlmdbenchError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import { monoMs } from '../util/clock.ts';
import { applyAdminPatch, publicConfig, type SimConfig } from './config.ts';
import { SimEngine } from './engine.ts';
import { HttpExchange, sendJson, type Exchange } from './exchange.ts';
import { serveLean } from './rawhttp.ts';
import { errorBody, injectedFailure, type ApiError } from './errors.ts';
import type { OffLoopTokenizer } from './offloop.ts';
import { isApiError, parseRequest, type Endpoint } from './request.ts';
import type { ChatTemplate } from './chat-template.ts';
import { applyChatTemplate, detokenize, tokenize } from './tokenize-api.ts';
import { StartupLog } from './startup-log.ts';
import { SliceQueue } from './slices.ts';
import { SimMetrics, type MetricsSnapshot } from './metrics.ts';
import { IpcPeers, shardConfig, type ShardInfo, type ShardOp, type ShardPeers } from './shards.ts';

export interface SimServer {
  /** e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly engine: SimEngine;
  readonly offLoop: OffLoopTokenizer | undefined;
  close(): Promise<void>;
}

function sendError(res: ServerResponse | Exchange, e: ApiError): void {
  if ('sendJson' in res) res.sendJson(e.status, errorBody(e));
  else sendJson(res, e.status, errorBody(e));
}

/** Longest stretch of request processing per event-loop turn (slices.ts), ms. */
const SLICE_MS = 0.5;

/**
 * The arrival time of a request: the time the first request of this poll phase was stamped.
 * Every request handled in one poll phase was already in its socket when epoll returned, so
 * that first stamp is at or after each one's true arrival; stamping each as node reaches it
 * would make the last of a burst of 200 "arrive" after the HTTP parsing of the 199 before it
 * (~10 ms), and its TTFT would be that much long. Limits: past 1,024 ready sockets libuv polls
 * again within the phase, and a pipelined request node parses after a response ends (outside the
 * poll phase) can share the next phase's stamp; both may then read up to one phase early.
 */
let phaseMs = -1;
const endPhase = (): void => {
  phaseMs = -1;
};
/** Requests stamped so far (slices.ts holds processing back while a burst is still being read). */
let stamped = 0;
function arrivalStamp(): number {
  stamped++;
  if (phaseMs < 0) {
    phaseMs = monoMs();
    setImmediate(endPhase);
  }
  return phaseMs;
}

export interface SimServerOptions {
  log: Logger;
  tokenizer?: Tokenizer;
  /** Tokenizes long prompts on a worker thread (the same tokenizer as `tokenizer`); closed with the server. */
  offLoop?: OffLoopTokenizer;
  /** The model's chat template: chat prompts are rendered with it before counting (else upstream's `### role:` text). */
  chatTemplate?: ChatTemplate;
  /** This server is one shard of a `workers` > 1 simulator (a node:cluster worker; see shards.ts). */
  shard?: ShardInfo;
}

/** One shard's part of the aggregated /metrics. */
interface ShardMetrics {
  m: MetricsSnapshot;
  running: number;
  waiting: number;
  /** KV blocks in use by running requests. */
  kvUsed: number;
}

export async function startSimServer(config: SimConfig, opts: SimServerOptions): Promise<SimServer> {
  const shard = opts.shard;
  const engine = new SimEngine(shard ? shardConfig(config, shard) : config, opts.tokenizer);
  const offLoop = opts.offLoop;
  const slices = new SliceQueue(SLICE_MS, () => stamped);
  if (offLoop) engine.offCount = (text, special) => offLoop.count(text, special);
  const sockets = new Set<Socket>();
  // startup-log (set after listen, when the URL is known) and the sleep-mode state.
  let startup: StartupLog | undefined;
  let sleeping = false;

  /** Validates and applies a POST /admin/config patch here; returns the error, if any. */
  const applyAdmin = (patch: unknown): string | undefined => {
    const r = applyAdminPatch(engine.config, patch);
    if (!r.config) return r.error ?? 'invalid configuration';
    engine.config = shard ? shardConfig(r.config, shard) : r.config;
    return undefined;
  };
  // What this shard answers the others (through the cluster primary).
  const answer = (op: ShardOp, arg: unknown): unknown => {
    switch (op) {
      case 'metrics':
        engine.flushCounts();
        return { m: engine.metrics.snapshot(), running: engine.running, waiting: engine.waiting, kvUsed: engine.config.enableKvCache ? engine.kv.usage() * engine.kv.capacity : 0 } satisfies ShardMetrics;
      case 'admin':
        return applyAdmin(arg) ?? null;
      case 'sleep':
        sleeping = arg === true;
        return null;
      case 'trace':
        engine.flushCounts();
        return engine.trace.get(String(arg)) ?? null;
      case 'trace-last':
        engine.flushCounts();
        return engine.trace.lastEnded(Number(arg));
    }
  };
  const peers: ShardPeers | undefined = shard && shard.count > 1 ? new IpcPeers(shard, answer) : undefined;

  const renderMetrics = async (): Promise<string> => {
    engine.flushCounts();
    const c = engine.config;
    const g = { blockSize: c.blockSize, numBlocks: Number(c.raw['kv-cache-size']), maxLoras: Number(c.raw['max-loras'] ?? 1) };
    if (!peers) return engine.metrics.render(engine.servedName, { ...g, running: engine.running, waiting: engine.waiting, kvUsage: c.enableKvCache ? engine.kv.usage() : 0 });
    // Every shard's counters and histograms summed: the totals of ONE server.
    const parts = (await peers.all('metrics', null)) as ShardMetrics[];
    const total = new SimMetrics(c.maxModelLen);
    let running = 0;
    let waiting = 0;
    let kvUsed = 0;
    for (const p of parts) {
      total.add(p.m);
      running += p.running;
      waiting += p.waiting;
      kvUsed += p.kvUsed;
    }
    return total.render(engine.servedName, { ...g, running, waiting, kvUsage: c.enableKvCache ? kvUsed / g.numBlocks : 0 });
  };

  const handleGenerate = async (endpoint: Endpoint, res: Exchange): Promise<void> => {
    const c = engine.config;
    if (sleeping) {
      res.discard();
      return sendError(res, { status: 503, message: 'the server is sleeping (POST /wake_up first)' });
    }
    const text = await res.body(c.maxRequestBodyBytes);
    if (text === undefined) return sendError(res, { status: 413, message: `request body larger than max-request-body-size-mb (${c.maxRequestBodyBytes / 1048576} MiB)` });
    // Parse, validate, count and admit in a slice of the check phase (slices.ts): after every request
    // read in this poll phase was stamped, and without holding the loop for a whole burst's processing.
    await slices.run(() => processGenerate(endpoint, res, text));
  };

  /** The body's pre-dispatch pipeline and the engine's admission (synchronous but for an off-loop encode). */
  const processGenerate = (endpoint: Endpoint, res: Exchange, text: string): void | Promise<void> => {
    const c = engine.config;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return sendError(res, { status: 400, message: `Failed to read and parse request body, ${(e as Error).message}` });
    }
    const forced = res.header('x-return-error');
    if (typeof forced === 'string') {
      const st = Number(forced);
      const status = Number.isInteger(st) && st >= 400 && st <= 599 ? st : 400;
      return sendError(res, { status, message: `Synthetic error ${status} requested by X-Return-Error` });
    }
    if (c.failureInjectionRate > 0 && engine.rng.int(1, 100) <= c.failureInjectionRate) {
      const t = c.failureTypes[engine.rng.int(0, c.failureTypes.length - 1)] ?? 'server_error';
      return sendError(res, injectedFailure(t, engine.servedName));
    }
    const model = (body as Record<string, unknown> | null)?.['model'];
    if (typeof model === 'string' && !c.servedModelNames.includes(model)) {
      return sendError(res, { status: 404, message: `The model \`${model}\` does not exist.`, param: 'model' });
    }
    const parsed = parseRequest(endpoint, body);
    if (isApiError(parsed)) return sendError(res, parsed);
    const tplErr = applyChatTemplate(parsed, opts.chatTemplate);
    if (tplErr) return sendError(res, tplErr);
    const submit = (): void => {
      const rid = c.enableRequestIdHeaders ? res.header('x-request-id') : undefined;
      const err = engine.submit(parsed, res.sink(), rid, res.arrivalMs);
      if (err) sendError(res, err);
    };
    const encoding = parsed.promptIds === undefined ? opts.offLoop?.encode(parsed.promptText, parsed.addSpecialTokens) : undefined;
    if (!encoding) return submit();
    return encoding.then((ids) => {
      if (ids) parsed.promptIds = ids;
      submit();
    });
  };

  const handleTokenize = async (req: IncomingMessage, res: ServerResponse, op: typeof tokenize): Promise<void> => {
    const c = engine.config;
    const text = await new HttpExchange(req, res, 0).body(c.maxRequestBodyBytes);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text ?? '') as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('the body must be a JSON object');
    } catch (e) {
      return sendError(res, { status: 400, message: `Failed to read and parse request body, ${(e as Error).message}` });
    }
    if (typeof body['model'] === 'string' && !c.servedModelNames.includes(body['model'])) {
      return sendError(res, { status: 404, message: `The model \`${body['model']}\` does not exist.`, param: 'model' });
    }
    const out = op(body, { tokenizer: engine.tokenizer, chatTemplate: opts.chatTemplate, servedName: engine.servedName, maxModelLen: c.maxModelLen });
    if (typeof out !== 'string') return sendError(res, out);
    sendJson(res, 200, out);
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') return sendJson(res, 200, JSON.stringify(publicConfig(engine.config)));
    const text = await new HttpExchange(req, res, 0).body(1048576);
    let patch: unknown;
    try {
      patch = JSON.parse(text ?? '');
    } catch (e) {
      return sendError(res, { status: 400, message: `Failed to read and parse request body, ${(e as Error).message}` });
    }
    const error = applyAdmin(patch);
    if (error !== undefined) return sendError(res, { status: 400, message: error });
    // Valid here, so valid on every shard: all of them take it before the answer leaves.
    if (peers) await peers.all('admin', patch);
    opts.log.info(`sim: configuration changed: ${JSON.stringify(patch)}`);
    sendJson(res, 200, JSON.stringify(publicConfig(engine.config)));
  };

  const models = (): string => {
    const c = engine.config;
    const created = Math.floor(Date.now() / 1000);
    return JSON.stringify({
      object: 'list',
      data: c.servedModelNames.map((id) => ({ id, object: 'model', created, owned_by: 'vllm', root: c.model, parent: null, max_model_len: c.maxModelLen })),
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const m = req.method ?? 'GET';
    const only = (method: string): boolean => {
      if (m === method) return true;
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: method });
      res.end('Method Not Allowed');
      return false;
    };
    switch (path) {
      case '/v1/completions':
        if (only('POST')) await handleGenerate('completion', new HttpExchange(req, res, arrivalStamp()));
        return;
      case '/v1/chat/completions':
        if (only('POST')) await handleGenerate('chat', new HttpExchange(req, res, arrivalStamp()));
        return;
      case '/v1/models':
        if (only('GET')) sendJson(res, 200, models());
        return;
      case '/health':
        if (only('GET')) res.writeHead(200).end();
        return;
      case '/health/ready':
      case '/ready':
        if (!only('GET')) return;
        if (monoMs() - engine.startedMs < engine.config.startupDurationMs || (startup && !startup.ready)) res.writeHead(503).end();
        else res.writeHead(200).end();
        return;
      case '/metrics':
        if (!only('GET')) return;
        {
          const text = await renderMetrics();
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        }
        return;
      case '/sleep':
      case '/wake_up':
      case '/is_sleeping': {
        // vLLM's sleep mode (upstream simulator: enable-sleep-mode); without it the routes do not exist.
        if (!engine.config.enableSleepMode) break;
        if (path === '/is_sleeping') {
          if (only('GET')) sendJson(res, 200, JSON.stringify({ is_sleeping: sleeping }));
          return;
        }
        if (!only('POST')) return;
        const t0 = performance.now();
        sleeping = path === '/sleep';
        if (peers) await peers.all('sleep', sleeping);
        const tookS = (performance.now() - t0) / 1000;
        if (sleeping) startup?.logSleep(engine.config.modelSizeGiB, 0, tookS);
        else startup?.logWake(tookS);
        res.writeHead(200).end();
        return;
      }
      case '/tokenize':
        if (only('POST')) await handleTokenize(req, res, tokenize);
        return;
      case '/detokenize':
        if (only('POST')) await handleTokenize(req, res, detokenize);
        return;
      case '/admin/config':
        if (m !== 'GET' && m !== 'POST') return void only('GET');
        await handleAdmin(req, res);
        return;
      case '/admin/trace': {
        if (!only('GET')) return;
        const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
        engine.flushCounts();
        const id = params.get('id');
        if (id) {
          const t = engine.trace.get(id) ?? (peers ? ((await peers.all('trace', id)).find((x) => x !== null) as ReturnType<typeof engine.trace.get>) : undefined);
          if (!t) return sendError(res, { status: 404, message: `no trace for request id ${id} (trace-capacity ${engine.config.traceCapacity})` });
          return sendJson(res, 200, JSON.stringify(t));
        }
        const last = Math.min(Number(params.get('last') ?? 100) || 100, 100000);
        if (!peers) return sendJson(res, 200, JSON.stringify({ ids: engine.trace.last(last) }));
        // Every shard's last requests, merged in the order they ended.
        const ended = ((await peers.all('trace-last', last)) as Array<Array<[string, number]>>).flat().sort((a, b) => a[1] - b[1]);
        return sendJson(res, 200, JSON.stringify({ ids: ended.slice(Math.max(0, ended.length - last)).map((e) => e[0]) }));
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found');
  };

  // node:http answers everything the lean front (rawhttp.ts) does not cover; it never listens itself.
  const http = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, noDelay: true }, (req, res) => {
    route(req, res).catch((e: unknown) => {
      opts.log.error(`sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      if (!res.headersSent) sendError(res, { status: 500, message: 'internal simulator error' });
      else res.destroy();
    });
  });
  const lean = {
    generate: (endpoint: Endpoint, x: Exchange): void => {
      handleGenerate(endpoint, x).catch((e: unknown) => {
        opts.log.error(`sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        sendError(x, { status: 500, message: 'internal simulator error' });
      });
    },
    handOver: (sock: Socket, rest: Buffer): void => {
      // node:http takes the connection from here; the bytes not answered yet are read first.
      sock.pause();
      http.emit('connection', sock);
      if (rest.length > 0) sock.unshift(rest);
      sock.resume();
    },
    maxBodyBytes: (): number => engine.config.maxRequestBodyBytes,
    arrival: arrivalStamp,
  };
  // allowHalfOpen as node:http: a client's FIN after its request still gets the whole answer.
  const server = createNetServer({ noDelay: true, allowHalfOpen: true }, (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    serveLean(s, lean);
  });
  await new Promise<void>((resolve, reject) => {
    const onErr = (e: NodeJS.ErrnoException): void => {
      reject(
        new LlmdbenchError('E_SIM_LISTEN', `cannot listen on ${config.host}:${config.port}: ${e.message}`, {
          kind: 'environment',
          hint: e.code === 'EADDRINUSE' ? 'choose another --port, or --port 0 for any free port' : undefined,
        }),
      );
    };
    server.once('error', onErr);
    // A deep accept backlog: thousands of clients connect at once at the start of a run (the
    // default 511 overflows and SYN retries then take seconds). The kernel caps it at somaxconn.
    server.listen({ port: config.port, host: config.host, backlog: 8192 }, () => {
      server.off('error', onErr);
      resolve();
    });
  });
  // node:http starts its connection checker (headersTimeout of the connections handed to it) on 'listening'.
  http.emit('listening');
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `http://${hostForUrl}:${port}`;
  if (config.startupLog) startup = new StartupLog(config.startupLog, config, url);
  return {
    url,
    port,
    engine,
    offLoop: opts.offLoop,
    close: async () => {
      startup?.stop();
      await engine.stop();
      await opts.offLoop?.close();
      http.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
