import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in of the HydroVu public API, built from the original's client
 * (jmacd/duckpond crates/hydrovu/src/client.rs, models.rs), for the tests and the benchmark. It
 * listens on 127.0.0.1 and serves:
 * - POST /public-api/oauth/token: client credentials in HTTP Basic auth (or the form body);
 * - GET /public-api/v1/sispec/friendlynames: parameter and unit names;
 * - GET /public-api/v1/locations/list: the devices as locations (paged);
 * - GET /public-api/v1/locations/{id}/data?startTime=S: readings from S, paged with the
 *   `x-isi-next-page` / `x-isi-start-page` headers.
 * Each device reads its parameters every `stepS` seconds; a value is a function of the device,
 * parameter and time (`expectedValue`), so a test can check every stored reading. Faults are
 * injected on purpose: an expired token, 429, 5xx, slow pages, a changed parameter set.
 */
export interface StandInParameter {
  parameterId: string;
  unitId: string;
}

export interface StandInDevice {
  id: number;
  name: string;
  /** The first reading, unix seconds. */
  start: number;
  stepS: number;
  /** Readings per parameter. */
  count: number;
  parameters: StandInParameter[];
  /** From this time on (unix s), the device reads these parameters instead. */
  changeAt?: { time: number; parameters: StandInParameter[] };
}

export interface StandInOptions {
  devices: StandInDevice[];
  clientId: string;
  clientSecret: string;
  /** Times per data page (every parameter's readings of those times). */
  pageTimes?: number;
  /**
   * Readings per data page instead, in time order: a page may end between two parameters of the
   * same time, whose other readings come on the next page.
   */
  pagePoints?: number;
  names?: { parameters: Record<string, string>; units: Record<string, string> };
}

/** A queued answer for the next data requests (429, 500, 503...). */
export interface Fault {
  status: number;
  retryAfter?: string;
}

export const STAND_IN_NAMES = {
  parameters: { '1': 'Temperature', '2': 'Specific Conductivity', '17': 'pH', '20': 'Depth' },
  units: { '1': 'C', '17': 'uS/cm', '99': 'pH', '35': 'm' },
};

/** The value the stand-in serves for a device's parameter at a time. */
export function expectedValue(deviceId: number, parameterId: string, t: number): number {
  return (
    Math.round(((deviceId % 97) * 10 + Number(parameterId) + ((t / 60) % 1000) / 100) * 1000) / 1000
  );
}

export class HydroVuStandIn {
  /** Every request: method, path and the status answered. */
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Answers queued for the next data requests, in order. */
  readonly faults: Fault[] = [];
  /** After this many data answers with one token, that token expires (401). */
  expireTokenAfter: number | undefined;
  /** Milliseconds to wait before answering each data page. */
  pageDelayMs = 0;
  /** The next data page stops after this many bytes of its body: the connection is cut. */
  cutNextPageAfter: number | undefined;
  /** Answer JSON pretty-printed (line breaks and indentation between tokens). */
  pretty = false;
  /** Rewrites the text of each data page before it is sent (to serve bad pages on purpose). */
  rewritePage: ((body: string, offset: number, deviceId: number) => string) | undefined;
  /** Rewrites each data page's next-page token (undefined: the last page) before it is sent. */
  rewriteNext:
    | ((next: string | undefined, offset: number, deviceId: number) => string | undefined)
    | undefined;
  /** The token endpoint's answer to good credentials instead of a token (a lying server). */
  tokenAnswer: unknown;
  tokensIssued = 0;
  private readonly tokens = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly options: StandInOptions,
  ) {}

  static async start(options: StandInOptions): Promise<HydroVuStandIn> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const standIn = new HydroVuStandIn(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      standIn.handle(req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
    return standIn;
  }

  /**
   * The readings a device has from `from` (unix s) on, in time order (each time's parameters in
   * order), from the `offset`th on, at most `limit`; and how many there are in all.
   */
  readings(
    device: StandInDevice,
    from: number,
    offset: number,
    limit: number,
  ): { total: number; points: { t: number; p: StandInParameter }[] } {
    const first = Math.max(0, Math.ceil((from - device.start) / device.stepS));
    const change = device.changeAt
      ? Math.min(
          device.count,
          Math.max(0, Math.ceil((device.changeAt.time - device.start) / device.stepS)),
        )
      : device.count;
    const split = Math.max(first, change);
    const a = device.parameters;
    const b = device.changeAt?.parameters ?? device.parameters;
    const inA = Math.max(0, split - first) * a.length;
    const total = inA + Math.max(0, device.count - split) * b.length;
    const points: { t: number; p: StandInParameter }[] = [];
    for (let k = offset; k < Math.min(total, offset + limit); k++) {
      const [i, p] =
        k < inA
          ? [first + Math.floor(k / a.length), a[k % a.length]!]
          : [split + Math.floor((k - inA) / b.length), b[(k - inA) % b.length]!];
      points.push({ t: device.start + i * device.stepS, p });
    }
    return { total, points };
  }

  dataRequests(): number {
    return this.requests.filter((r) => r.path.includes('/data')).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname.replace(/^\/public-api\//, '');
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(
        typeof body === 'string' ? body : JSON.stringify(body, null, this.pretty ? 2 : undefined),
      );
    };
    if (path === 'oauth/token' && req.method === 'POST') {
      const body = await readBody(req);
      if (!this.credentialsOk(req, body)) return answer(401, { error: 'invalid_client' });
      if (this.tokenAnswer !== undefined) return answer(200, this.tokenAnswer);
      const token = `token-${++this.tokensIssued}`;
      this.tokens.set(token, 0);
      return answer(200, { access_token: token, token_type: 'bearer', expires_in: 3600 });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token))
      return answer(401, { error: 'invalid_token' });
    if (path === 'v1/sispec/friendlynames')
      return answer(200, this.options.names ?? STAND_IN_NAMES);
    if (path === 'v1/locations/list') {
      const page = Number(req.headers['x-isi-start-page'] ?? 0);
      const all = this.options.devices.map((d) => ({
        id: d.id,
        name: d.name,
        description: `stand-in device ${d.name}`,
        gps: { latitude: 39.3, longitude: -123.8 },
      }));
      const next: Record<string, string> =
        page + 2 < all.length ? { 'x-isi-next-page': String(page + 2) } : {};
      return answer(200, all.slice(page, page + 2), next);
    }
    const m = /^v1\/locations\/(\d+)\/data$/.exec(path);
    if (!m || req.method !== 'GET') return answer(404, { message: `no endpoint ${path}` });
    const fault = this.faults.shift();
    if (fault) {
      return answer(
        fault.status,
        { message: 'injected fault' },
        fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
      );
    }
    const used = this.tokens.get(token)!;
    if (this.expireTokenAfter !== undefined && used >= this.expireTokenAfter) {
      this.tokens.delete(token);
      return answer(401, { error: 'token expired' });
    }
    this.tokens.set(token, used + 1);
    const device = this.options.devices.find((d) => d.id === Number(m[1]));
    if (!device) return answer(404, { message: `no location ${m[1]}` });
    const startTime = Number(url.searchParams.get('startTime') ?? 0);
    // Every reading from startTime, in time order; a page is a slice of them.
    const offset = Number(req.headers['x-isi-start-page'] ?? 0);
    const per =
      this.options.pagePoints ?? (this.options.pageTimes ?? 500) * device.parameters.length;
    const { total, points: slice } = this.readings(device, startTime, offset, per);
    if (this.pageDelayMs > 0) await new Promise((r) => setTimeout(r, this.pageDelayMs));
    const parameters = new Map<string, { p: StandInParameter; readings: unknown[] }>();
    for (const { t, p } of slice) {
      const key = `${p.parameterId}/${p.unitId}`;
      if (!parameters.has(key)) parameters.set(key, { p, readings: [] });
      parameters
        .get(key)!
        .readings.push({ timestamp: t, value: expectedValue(device.id, p.parameterId, t) });
    }
    const pageToken = offset + per < total ? String(offset + per) : undefined;
    const nextToken = this.rewriteNext ? this.rewriteNext(pageToken, offset, device.id) : pageToken;
    const next: Record<string, string> =
      nextToken === undefined ? {} : { 'x-isi-next-page': nextToken };
    const page = {
      locationId: device.id,
      parameters: [...parameters.values()].map(({ p, readings }) => ({
        customParameter: false,
        parameterId: p.parameterId,
        unitId: p.unitId,
        readings,
      })),
    };
    const text = JSON.stringify(page, null, this.pretty ? 2 : undefined);
    const body = this.rewritePage ? this.rewritePage(text, offset, device.id) : text;
    const cut = this.cutNextPageAfter;
    if (cut !== undefined) {
      this.cutNextPageAfter = undefined;
      this.requests.push({ method: req.method ?? '', path: url.pathname, status: 200 });
      const bytes = Buffer.from(body);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(bytes.length),
        ...next,
      });
      res.write(bytes.subarray(0, cut), () => res.destroy());
      return;
    }
    return answer(200, body, next);
  }

  private credentialsOk(req: IncomingMessage, body: string): boolean {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let id: string | null;
    let secret: string | null;
    if (basic !== undefined) {
      const [a, b] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(a ?? '');
      secret = decodeURIComponent(b ?? '');
    } else {
      const form = new URLSearchParams(body);
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    return id === this.options.clientId && secret === this.options.clientSecret;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
