import type { JobInfo, PondService, PondServiceMethod, PondSummary } from '../../../shared/api';
import { ErrorCode, PondError, fromErrorInfo, isErrorInfo } from '../../../shared/errors';
import {
  API_PREFIX,
  CLIENT_HEADER,
  SERVICE_METHODS,
  WS_PATH,
  decodeWire,
  encodeWire,
  type ConnectionState,
  type PondClient,
  type WireResponse,
} from '../../../shared/wire';

const TOKEN_KEY = 'pond.token';
const CLIENT_KEY = 'pond.client';
/** How often a lost server is asked whether it is back. */
const PROBE_MS = 1000;

/**
 * This tab's id for the server (X-Pond-Client): kept in sessionStorage, so a reload is the same
 * tab (and finds the ponds it held), while another tab is another client.
 */
function tabId(): string {
  let id = sessionStorage.getItem(CLIENT_KEY);
  if (!id) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    sessionStorage.setItem(CLIENT_KEY, id);
  }
  return id;
}

/**
 * The per-run token of `pond serve`: taken from `?token=` on first load, kept in this tab's
 * sessionStorage and removed from the address bar (so it is not bookmarked or shared by accident).
 */
export function takeToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** The id of a tagged query call (preview, chart), whose fetch `cancelQuery` may abort. */
function queryIdOf(arg: unknown): string | undefined {
  const query = (arg as { query?: { id?: unknown } } | undefined)?.query;
  return typeof query?.id === 'string' ? query.id : undefined;
}

/**
 * PondClient over `pond serve`'s HTTP API and job WebSocket (shared/wire.ts).
 *
 * `cancelQuery(id)` aborts the call's own fetch, which closes its connection, and the server
 * cancels a call whose connection closes; it also tells the server by name. Aborting first
 * matters: a browser opens only a few connections to one server, so a cancel sent while they
 * are all held by long queries would wait behind them.
 */
export function httpClient(token: string): PondClient {
  const running = new Map<string, AbortController>();
  const client = tabId();
  const connection = connectionWatch(() => call('appInfo', undefined));
  const call = async (method: PondServiceMethod, arg: unknown): Promise<unknown> => {
    const id = queryIdOf(arg);
    const abort = new AbortController();
    if (id !== undefined) running.set(id, abort);
    let res: Response;
    let text: string;
    try {
      res = await fetch(API_PREFIX + method, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          [CLIENT_HEADER]: client,
        },
        body: encodeWire(arg === undefined ? {} : { arg }),
        signal: abort.signal,
      });
      text = await res.text();
    } catch (e) {
      if (abort.signal.aborted) throw new PondError(ErrorCode.Cancelled, 'the query was cancelled');
      connection.set('lost');
      throw new PondError(
        ErrorCode.Disconnected,
        `cannot reach pond serve (${method}): it has stopped or the network is down`,
        { cause: e },
      );
    } finally {
      if (id !== undefined && running.get(id) === abort) running.delete(id);
    }
    // A restarted server has a new token (unless POND_SERVE_TOKEN keeps it): this page's is stale.
    if (res.status === 401) connection.set('unauthorized');
    else connection.set('connected');
    let body: WireResponse;
    try {
      body = decodeWire(text) as WireResponse;
    } catch {
      throw new PondError(
        res.status === 401 ? ErrorCode.Unauthorized : ErrorCode.Internal,
        `pond serve answered ${res.status} to ${method} with something that is not JSON`,
        { cause: new Error(text.slice(0, 300)) },
      );
    }
    if (body.ok) return body.value;
    throw isErrorInfo(body.error)
      ? fromErrorInfo(body.error)
      : new PondError(ErrorCode.Internal, `malformed error from ${method}`);
  };

  const listeners = new Set<(job: JobInfo) => void>();
  const pondListeners = new Set<(pond: PondSummary) => void>();
  const listening = () => listeners.size + pondListeners.size > 0;
  let socket: WebSocket | undefined;
  const connect = () => {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(
      `${proto}//${window.location.host}${WS_PATH}?token=${encodeURIComponent(token)}`,
    );
    socket.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as {
        type?: string;
        job?: JobInfo;
        pond?: PondSummary;
      };
      if (msg.type === 'job' && msg.job) for (const l of listeners) l(msg.job);
      if (msg.type === 'pond' && msg.pond) for (const l of pondListeners) l(msg.pond);
    };
    socket.onclose = () => {
      socket = undefined;
      // Reconnect while someone listens (the server restarts, the laptop sleeps).
      if (listening()) setTimeout(() => listening() && !socket && connect(), 2000);
    };
  };

  const service = Object.fromEntries(
    SERVICE_METHODS.map((m) => [m, (arg?: unknown) => call(m, arg)]),
  ) as unknown as PondService;
  service.cancelQuery = (id) => {
    running.get(id)?.abort();
    return call('cancelQuery', id) as Promise<void>;
  };
  return {
    ...service,
    onConnection: connection.subscribe,
    onJobEvent(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (!listening()) socket?.close();
      };
    },
    onPondChanged(listener) {
      pondListeners.add(listener);
      if (!socket) connect();
      return () => {
        pondListeners.delete(listener);
        if (!listening()) socket?.close();
      };
    },
  };
}

/**
 * Whether the server answers, as the calls see it. Once one fails to reach it, `probe` (a cheap
 * call) runs every PROBE_MS until the server answers; listeners hear each change.
 */
function connectionWatch(probe: () => Promise<unknown>) {
  let state: ConnectionState = 'connected';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<(s: ConnectionState) => void>();
  const set = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l(state);
    if (state === 'lost' && timer === undefined) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => {
      timer = undefined;
      // A probe that fails sets 'lost' again (no change) and the next one is scheduled here.
      probe().catch(() => undefined);
      if (state === 'lost') schedule();
    }, PROBE_MS);
  };
  return {
    set,
    subscribe(listener: (s: ConnectionState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
