import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { JobInfo, PondService, PondSummary } from '../../shared/api.js';
import { ErrorCode, PondError, toErrorInfo, type ErrorInfo } from '../../shared/errors.js';
import {
  API_PREFIX,
  DOWNLOAD_PREFIX,
  CLIENT_HEADER,
  UPLOAD_PATH,
  WS_PATH,
  decodeWire,
  type WireResponse,
} from '../../shared/wire.js';
import { dispatch, toWire } from '../service/dispatch.js';
import { newToken, TokenCheck } from './auth.js';
import { HostCheck } from './host-check.js';
import { serveDownload, type DownloadSource } from './downloads.js';
import { JobSocket } from './job-socket.js';
import { BODY_IDLE_MS, serveUpload, type UploadTarget } from './uploads.js';
import { continueIfExpected } from './expect-continue.js';
import { contentSecurityPolicy, setBaseHeaders } from './security-headers.js';
import { bundleFile, sendFile } from './static-files.js';

/** The service as the server needs it: the contract plus job events to push. */
export type ServedService = PondService &
  DownloadSource &
  UploadTarget & {
    onJobEvent(listener: (job: JobInfo) => void): () => void;
    onPondChanged(listener: (pond: PondSummary) => void): () => void;
  };

export interface ServeOptions {
  service: ServedService;
  /** The renderer bundle (dist/renderer). */
  staticDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The per-run token; a fresh random one when absent. */
  token?: string;
  /** How long a request body may stall before it is cut off (BODY_IDLE_MS when absent). */
  bodyIdleMs?: number;
}

export interface RunningServer {
  /** The page's URL, token included. */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/**
 * `pond serve`: the renderer and the PondService contract over HTTP and a WebSocket (see
 * shared/wire.ts). Every request must name this server in `Host` (and API calls and the
 * WebSocket may carry only its `Origin`), or gets 403; then it needs the per-run token, or gets
 * 401; every API message is validated before the service sees it. No CORS headers are ever
 * sent. A call whose client goes away before the answer is cancelled (its query interrupted).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const check = new TokenCheck(token);
  // Made once listening (the system may pick the port); no request is handled before.
  const allowed: { hosts?: HostCheck } = {};
  const idleMs = options.bodyIdleMs ?? BODY_IDLE_MS;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) reply(res, 500, { ok: false, error: toErrorInfo(e) });
      else res.destroy();
    });
  };
  // No limit on a whole request (Node's default cuts any request off after 5 minutes, a large
  // upload included): a body that stops arriving is cut off after idleMs instead. Headers still
  // have idleMs to arrive (Node's default follows requestTimeout, and 0 would turn it off).
  const server = createServer(
    {
      requestTimeout: 0,
      headersTimeout: idleMs,
      connectionsCheckingInterval: Math.min(30_000, idleMs),
    },
    onRequest,
  );
  // The 100 Continue goes out once the request passed its checks (expect-continue.ts).
  server.on('checkContinue', onRequest);
  const sockets = new JobSocket(options.service);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setBaseHeaders(res);
    if (!allowed.hosts!.allowsHost(req.headers.host)) {
      return text(res, 403, allowed.hosts!.explain('Host', req.headers.host));
    }
    const url = new URL(req.url ?? '/', 'http://pond.invalid');
    if (url.pathname.startsWith(API_PREFIX))
      return api(req, res, url.pathname.slice(API_PREFIX.length));
    if (url.pathname.startsWith(DOWNLOAD_PREFIX))
      return serveDownload(req, res, url, options.service, check);
    if (url.pathname === UPLOAD_PATH) {
      if (!allowed.hosts!.allowsOrigin(req.headers.origin)) {
        res.setHeader('Connection', 'close');
        return reply(
          res,
          403,
          failure(ErrorCode.Unauthorized, allowed.hosts!.explain('Origin', req.headers.origin)),
        );
      }
      return serveUpload(req, res, url, options.service, check, idleMs);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return text(res, 405, 'method not allowed');
    }
    const viaQuery = check.fromQuery(url);
    if (!viaQuery && !check.fromCookie(req) && !check.fromBearer(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return text(
        res,
        401,
        'this server needs the token it printed at start: open the URL pond serve printed (http://HOST:PORT/?token=...)',
      );
    }
    const file = await bundleFile(options.staticDir, url.pathname);
    if (!file) return text(res, 404, 'not found');
    if (viaQuery) res.setHeader('Set-Cookie', check.setCookieHeader());
    if (file.endsWith('.html'))
      res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
    await sendFile(res, file, req.method === 'HEAD');
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (!allowed.hosts!.allowsOrigin(req.headers.origin)) {
      return reply(
        res,
        403,
        failure(ErrorCode.Unauthorized, allowed.hosts!.explain('Origin', req.headers.origin)),
      );
    }
    if (!check.fromBearer(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return reply(
        res,
        401,
        failure(
          ErrorCode.Unauthorized,
          'missing or wrong token (send Authorization: Bearer <token>)',
        ),
      );
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reply(
        res,
        405,
        failure(ErrorCode.InvalidArgument, `${req.method} is not allowed: call methods with POST`),
      );
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return reply(
        res,
        415,
        failure(
          ErrorCode.InvalidArgument,
          'the body must be JSON (Content-Type: application/json)',
        ),
      );
    }
    continueIfExpected(req, res);
    const body = await readBody(req, idleMs);
    if (body === 'stalled') {
      res.setHeader('Connection', 'close');
      return reply(
        res,
        408,
        failure(
          ErrorCode.InvalidArgument,
          `the body stopped arriving: nothing came for ${idleMs / 1000} s, so the call was cut off`,
        ),
      );
    }
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      return reply(
        res,
        413,
        failure(ErrorCode.InvalidArgument, `the body is larger than ${MAX_BODY} bytes`),
      );
    }
    let message: unknown;
    try {
      message = decodeWire(body);
    } catch (e) {
      return reply(
        res,
        400,
        failure(ErrorCode.InvalidArgument, `the body is not JSON: ${(e as Error).message}`),
      );
    }
    if (
      message === null ||
      typeof message !== 'object' ||
      Array.isArray(message) ||
      Object.keys(message).some((k) => k !== 'arg')
    ) {
      return reply(
        res,
        400,
        failure(
          ErrorCode.InvalidArgument,
          'the body must be {"arg": ...} ({} for methods without an argument)',
        ),
      );
    }
    const client = req.headers[CLIENT_HEADER.toLowerCase()];
    if (
      client !== undefined &&
      (typeof client !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(client))
    ) {
      return reply(
        res,
        400,
        failure(
          ErrorCode.InvalidArgument,
          `${CLIENT_HEADER} must be 1 to 64 letters, digits, - or _`,
        ),
      );
    }
    // The client gone before its answer (tab closed, fetch aborted): stop what the call runs.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const outcome = await dispatch(options.service, method, (message as { arg?: unknown }).arg, {
      signal: gone.signal,
      ...(client === undefined ? {} : { client }),
    });
    if (gone.signal.aborted) return;
    const status =
      outcome.kind === 'unknown-method'
        ? 404
        : outcome.kind === 'bad-argument'
          ? 400
          : outcome.kind === 'failed' && outcome.error.code === ErrorCode.Internal
            ? 500
            : 200;
    reply(res, status, toWire(outcome));
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://pond.invalid');
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // A page from another origin must not listen in, even with a leaked token.
    if (
      !allowed.hosts!.allowsHost(req.headers.host) ||
      !allowed.hosts!.allowsOrigin(req.headers.origin)
    )
      return refuse(403, 'Forbidden');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!check.fromQuery(url)) return refuse(401, 'Unauthorized');
    sockets.accept(req, socket, head);
  }
  server.on('upgrade', upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowed.hosts = new HostCheck(options.host, port);
  // The unspecified address listens everywhere; the URL to open is the loopback one.
  const shown =
    options.host === '0.0.0.0' ? '127.0.0.1' : options.host === '::' ? '::1' : options.host;
  const hostInUrl = shown.includes(':') ? `[${shown}]` : shown;
  return {
    url: `http://${hostInUrl}:${port}/?token=${token}`,
    host: options.host,
    port,
    token,
    async close() {
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function failure(code: ErrorInfo['code'], message: string): WireResponse {
  return { ok: false, error: toErrorInfo(new PondError(code, message)) };
}

function reply(res: ServerResponse, status: number, body: WireResponse): void {
  const text = encodeWireFast(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * encodeWire (shared/wire.ts) with Node's base64: the shared one builds a string a byte at a
 * time for btoa, which holds the event loop ~40 ms for a 10,000-row Arrow page; Buffer's
 * encoder does it in ~2 ms (bench/app-service.ts). Same output.
 */
export function encodeWireFast(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array
      ? { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') }
      : v;
  });
}

function text(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(message + '\n');
}

/**
 * The body as text, or undefined as soon as it is larger than MAX_BODY, or 'stalled' when no
 * byte came for `idleMs`. The rest of an oversized body is read and dropped rather than the
 * socket destroyed (leaving a `for await` early would destroy it), so the client gets the 413
 * instead of a connection reset.
 */
function readBody(req: IncomingMessage, idleMs: number): Promise<string | undefined | 'stalled'> {
  const body = new Promise<string | undefined | 'stalled'>((resolve, reject) => {
    req.setTimeout(idleMs, () => resolve('stalled'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        chunks.length = 0;
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client went away while sending the body'));
    });
  });
  // The socket may carry the next request (keep-alive): no idle limit on it.
  return body.finally(() => req.setTimeout(0));
}
