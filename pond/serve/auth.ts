import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode, PondError } from '../../shared/errors.js';

/** A fresh per-run token: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A token chosen by the user (`POND_SERVE_TOKEN`), so pages stay signed in across a restart of
 * the server: at least 32 URL-safe characters (`newToken()` gives 43), or undefined when unset.
 */
export function chosenToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(value)) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      'POND_SERVE_TOKEN must be 32 to 256 letters, digits, - or _ (e.g. the output of: openssl rand -base64 32 | tr +/ -_ | tr -d =)',
    );
  }
  return value;
}

/**
 * Checks the per-run token of `pond serve`. The API takes it only from the `Authorization:
 * Bearer` header (a header a cross-site page cannot add without a CORS preflight, which the
 * server never grants). The page and its assets take it from `?token=` or from the HttpOnly,
 * SameSite=Strict cookie the page's own request sets, since a browser cannot put a header on a
 * `<script src>`. The WebSocket takes it from `?token=`.
 */
export class TokenCheck {
  private readonly digest: Buffer;

  /** Named per token, so two servers on one host do not overwrite each other's cookie. */
  readonly cookieName: string;

  constructor(readonly token: string) {
    this.digest = sha256(token);
    this.cookieName = `pond_token_${this.digest.toString('hex').slice(0, 12)}`;
  }

  /** Constant-time comparison (digests of equal length, so nothing leaks through timing). */
  matches(candidate: string | undefined): boolean {
    return candidate !== undefined && timingSafeEqual(sha256(candidate), this.digest);
  }

  fromBearer(req: IncomingMessage): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    return this.matches(m?.[1]);
  }

  fromQuery(url: URL): boolean {
    return this.matches(url.searchParams.get('token') ?? undefined);
  }

  fromCookie(req: IncomingMessage): boolean {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === this.cookieName)
        return this.matches(part.slice(at + 1).trim());
    }
    return false;
  }

  setCookieHeader(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
