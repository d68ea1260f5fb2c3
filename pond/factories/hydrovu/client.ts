import { ErrorCode, PondError, isPondError, messageOf } from '../../../shared/errors.js';
import type { RunJob } from '../executable.js';
import type { HydroVuConfig } from './config.js';
import type { PageBuffer } from './page-buffer.js';

/**
 * The HydroVu public API as the original's client uses it (crates/hydrovu/src/client.rs):
 * - POST {base}/public-api/oauth/token: OAuth2 client credentials (HTTP Basic client id and
 *   secret; scopes read:locations read:data) -> { access_token, expires_in };
 * - GET v1/sispec/friendlynames -> { parameters: {id: name}, units: {id: name} };
 * - GET v1/locations/list -> [{ id, name, description, gps }], paged;
 * - GET v1/locations/{id}/data?startTime=<unix s> -> { locationId, parameters: [{ parameterId,
 *   unitId, customParameter, readings: [{ timestamp, value }] }] }, paged.
 * Paging: a response with more to come carries `x-isi-next-page`; the next request sends that
 * token back as `x-isi-start-page`. An empty `x-isi-next-page` is the last page.
 *
 * Faults: a 401 renews the token once (tokens expire mid-run), and a second one is the credentials'
 * fault (BAD_CONFIG: the run stops); a 403 is what this request may not read (BAD_INPUT: for a
 * device's readings, that device fails). 429 (after Retry-After) and 5xx and network failures are
 * retried with doubling waits up to `retries` times, then the request fails as UNAVAILABLE. Any
 * other status fails at once with HydroVu's answer.
 */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface Names {
  parameters: Record<string, string>;
  units: Record<string, string>;
}

export interface Location {
  id: number;
  name: string;
  description: string;
}

/** One page of readings, as bytes (parsed later, by DuckDB). */
export interface DataPage {
  /** A view of the run's PageBuffer: valid until the next page is read. */
  body: Buffer;
  next: string | undefined;
}

/** The longest Retry-After we wait for; a longer one ends the run (try again later). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 60_000;
const NEXT_PAGE = 'x-isi-next-page';
const START_PAGE = 'x-isi-start-page';

export class HydroVuClient {
  private token: string | undefined;

  constructor(
    private readonly cfg: HydroVuConfig,
    private readonly fetcher: Fetch,
    private readonly job: RunJob,
  ) {}

  async names(): Promise<Names> {
    const res = await this.get('v1/sispec/friendlynames', {}, 'the parameter and unit names');
    const json = await this.json(res, 'the parameter and unit names');
    const o = json as Partial<Names> | null;
    if (!isStringMap(o?.parameters) || !isStringMap(o?.units)) {
      throw badAnswer('the parameter and unit names', 'no parameters and units maps');
    }
    return { parameters: o.parameters, units: o.units };
  }

  async locations(): Promise<Location[]> {
    const out: Location[] = [];
    let page: string | undefined;
    do {
      const res = await this.get(
        'v1/locations/list',
        page === undefined ? {} : { [START_PAGE]: page },
        'the locations',
      );
      page = nextPage(res);
      const json = await this.json(res, 'the locations');
      if (!Array.isArray(json)) throw badAnswer('the locations', 'not a list');
      for (const l of json as Partial<Location>[]) {
        if (typeof l?.id !== 'number' || typeof l.name !== 'string')
          throw badAnswer('the locations', `an entry without id and name: ${JSON.stringify(l)}`);
        out.push({ id: l.id, name: l.name, description: String(l.description ?? '') });
      }
    } while (page !== undefined);
    return out;
  }

  /** One page of a location's readings from `startTime` (unix seconds), read into `into`. */
  async dataPage(
    locationId: number,
    startTime: number,
    page: string | undefined,
    into: PageBuffer,
  ): Promise<DataPage> {
    const what = `the readings of location ${locationId}`;
    const res = await this.get(
      `v1/locations/${locationId}/data?startTime=${startTime}`,
      page === undefined ? {} : { [START_PAGE]: page },
      what,
    );
    const next = nextPage(res);
    try {
      return { body: await into.read(res), next };
    } catch (e) {
      if (isPondError(e, ErrorCode.BadInput)) throw e; // a page too long
      throw this.brokeOff(what, e);
    }
  }

  /** A GET with the bearer token, retried and renewed as the class comment says. */
  private async get(
    path: string,
    headers: Record<string, string>,
    what: string,
  ): Promise<Response> {
    const url = `${this.cfg.baseUrl}/public-api/${path}`;
    let renewed = false;
    let last = '';
    for (let attempt = 0; attempt <= this.cfg.retries;) {
      this.token ??= await this.authenticate();
      const res = await this.send(url, {
        headers: { ...headers, Authorization: `Bearer ${this.token}`, Accept: 'application/json' },
      }).catch(transient);
      if (res instanceof Response && res.ok) return res;
      if (res instanceof Response && res.status === 401 && !renewed) {
        await res.body?.cancel();
        this.job.log(`${what}: the token was refused (expired?): asking for a new one`);
        this.token = undefined;
        renewed = true;
        continue;
      }
      const wait = res instanceof Response ? await this.retryWait(res, what, attempt) : undefined;
      last = res instanceof Response ? `HTTP ${res.status}` : res.message;
      attempt++;
      if (attempt > this.cfg.retries) break;
      const ms = wait ?? this.backoff(attempt);
      this.job.log(`${what}: ${last}; retry ${attempt} of ${this.cfg.retries} in ${ms} ms`);
      await sleep(ms, this.job.signal);
    }
    throw new PondError(
      ErrorCode.Unavailable,
      `HydroVu did not answer ${what} after ${this.cfg.retries + 1} attempts (last: ${last}); nothing was written for it, try again later`,
      { input: url },
    );
  }

  /**
   * How long to wait before retrying a failed answer: Retry-After for 429, the backoff for 5xx
   * (undefined). Any other status is final and thrown.
   */
  private async retryWait(
    res: Response,
    what: string,
    attempt: number,
  ): Promise<number | undefined> {
    if (res.status === 429) {
      await res.body?.cancel();
      const after = retryAfterMs(res.headers.get('retry-after'));
      if (after !== undefined && after > MAX_RETRY_AFTER_MS) {
        throw new PondError(
          ErrorCode.Unavailable,
          `HydroVu asks to wait ${Math.round(after / 1000)} s before asking for ${what} again (HTTP 429); nothing was written for it, try again later`,
          { input: res.url },
        );
      }
      return after ?? this.backoff(attempt + 1);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      const after = retryAfterMs(res.headers.get('retry-after'));
      return after === undefined ? undefined : Math.min(after, MAX_RETRY_AFTER_MS);
    }
    const text = (await res.text().catch(() => '')).slice(0, 300);
    if (res.status === 401) {
      throw new PondError(
        ErrorCode.BadConfig,
        `HydroVu refused ${what} (HTTP 401) even with a new token: check client_id and client_secret (${text})`,
        { input: res.url },
      );
    }
    if (res.status === 403) {
      // The token is good (it was just used) but may not read this: one location the account has
      // no access to fails its device only, not the devices it may read.
      throw new PondError(
        ErrorCode.BadInput,
        `HydroVu refused ${what} (HTTP 403): these credentials may not read it; check the device id and the account's access (${text})`,
        { input: res.url },
      );
    }
    throw new PondError(
      ErrorCode.BadInput,
      `HydroVu answered HTTP ${res.status} for ${what}: ${text}`,
      {
        input: res.url,
      },
    );
  }

  private backoff(attempt: number): number {
    return Math.min(this.cfg.retryDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  }

  /** OAuth2 client credentials: a bearer token. Refused credentials are a config error. */
  private async authenticate(): Promise<string> {
    const url = `${this.cfg.baseUrl}/public-api/oauth/token`;
    const basic = Buffer.from(
      `${encodeURIComponent(this.cfg.clientId)}:${encodeURIComponent(this.cfg.clientSecret)}`,
    ).toString('base64');
    let last = '';
    for (let attempt = 0; attempt <= this.cfg.retries; attempt++) {
      if (attempt > 0) {
        const ms = this.backoff(attempt);
        this.job.log(`the token: ${last}; retry ${attempt} of ${this.cfg.retries} in ${ms} ms`);
        await sleep(ms, this.job.signal);
      }
      const res = await this.send(url, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: 'grant_type=client_credentials&scope=read%3Alocations%20read%3Adata',
      }).catch(transient);
      if (!(res instanceof Response)) {
        last = res.message;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        last = `HTTP ${res.status}`;
        continue;
      }
      if (!res.ok) {
        const text = (await res.text().catch(() => '')).slice(0, 300);
        throw new PondError(
          ErrorCode.BadConfig,
          `HydroVu refused the client credentials (HTTP ${res.status}): check client_id and client_secret (${text})`,
          { input: url },
        );
      }
      const json = (await this.json(res, 'the token')) as { access_token?: unknown } | null;
      if (typeof json?.access_token !== 'string' || json.access_token === '')
        throw badAnswer('the token', 'no access_token');
      this.job.log('got an access token');
      return json.access_token;
    }
    throw new PondError(
      ErrorCode.Unavailable,
      `HydroVu did not give a token after ${this.cfg.retries + 1} attempts (last: ${last}); nothing was written, try again later`,
      { input: url },
    );
  }

  /** One HTTP exchange, bounded by the request timeout and the run's cancel. */
  private async send(url: string, init: RequestInit): Promise<Response> {
    this.job.checkCancelled();
    const timeout = AbortSignal.timeout(this.cfg.requestTimeoutMs);
    try {
      return await this.fetcher(url, {
        ...init,
        signal: AbortSignal.any([this.job.signal, timeout]),
      });
    } catch (e) {
      this.job.checkCancelled();
      if (timeout.aborted)
        throw new PondError(
          ErrorCode.Unavailable,
          `no answer within ${this.cfg.requestTimeoutMs} ms`,
        );
      throw new PondError(ErrorCode.Unavailable, `cannot reach ${url}: ${causeOf(e)}`);
    }
  }

  private async bytes(res: Response, what: string): Promise<ArrayBuffer> {
    try {
      return await res.arrayBuffer();
    } catch (e) {
      throw this.brokeOff(what, e);
    }
  }

  /** An answer whose body failed midway: the run's cancel, or HydroVu's connection lost. */
  private brokeOff(what: string, e: unknown): PondError {
    this.job.checkCancelled();
    return new PondError(ErrorCode.Unavailable, `the answer for ${what} broke off: ${causeOf(e)}`);
  }

  private async json(res: Response, what: string): Promise<unknown> {
    const text = Buffer.from(await this.bytes(res, what)).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw badAnswer(what, `not JSON: ${text.slice(0, 100)}`);
    }
  }
}

/**
 * The next page's token; an absent or empty header is the last page (as other HydroVu clients
 * read it: sent back empty, the token would ask for the first page again).
 */
function nextPage(res: Response): string | undefined {
  const token = res.headers.get(NEXT_PAGE)?.trim();
  return token === undefined || token === '' ? undefined : token;
}

/** A failed exchange that may be retried (UNAVAILABLE), as a value; anything else is thrown. */
function transient(e: unknown): PondError {
  if (isPondError(e, ErrorCode.Unavailable)) return e;
  throw e;
}

function badAnswer(what: string, why: string): PondError {
  return new PondError(ErrorCode.BadInput, `HydroVu's answer for ${what} does not read: ${why}`);
}

function isStringMap(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string')
  );
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function causeOf(e: unknown): string {
  if (isPondError(e)) return e.message;
  const cause = (e as { cause?: unknown }).cause;
  return cause === undefined ? messageOf(e) : `${messageOf(e)} (${messageOf(cause)})`;
}

/** Waits, or throws CANCELLED when the run is cancelled meanwhile. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new PondError(ErrorCode.Cancelled, 'the run was cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    if (signal.aborted) cancelled();
    else signal.addEventListener('abort', cancelled, { once: true });
  });
}
