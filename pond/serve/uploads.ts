import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ImportSource } from '../../shared/app-import.js';
import { ErrorCode, PondError, toErrorInfo } from '../../shared/errors.js';
import type { WireResponse } from '../../shared/wire.js';
import type { TokenCheck } from './auth.js';
import { continueIfExpected } from './expect-continue.js';

/**
 * How long an upload (or an API call's body) may go without a byte arriving before it is cut
 * off with 408: the whole upload may take as long as it needs (a 4 GiB file through an SSH
 * tunnel), but a client that stops sending, or whose Content-Length is larger than its body,
 * must not hold its staged file and its connection forever.
 */
export const BODY_IDLE_MS = 60_000;

/** What the upload route needs of the service. */
export interface UploadTarget {
  /** The largest upload taken, in bytes. */
  readonly uploadLimitBytes: number;
  receiveUpload(
    pond: string,
    name: string,
    size: number,
    body: Readable,
    signal?: AbortSignal,
  ): Promise<ImportSource>;
}

/**
 * `POST /upload?pond=<handle>&name=<file name>` (shared/wire.ts): one file to import, its bytes
 * as the body, streamed to disk by the service (memory stays bounded however large the file).
 * Authorised by the Bearer token only (as API calls: a page of another site cannot add the
 * header); the caller has checked Host and Origin. `Content-Length` is required and checked
 * against the service's limit before a byte is read; a client that goes away mid-upload, or
 * sends nothing for `idleMs`, leaves nothing behind.
 */
export async function serveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: UploadTarget,
  check: TokenCheck,
  idleMs = BODY_IDLE_MS,
): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  const refuse = (status: number, code: ErrorCode, message: string) => {
    // The body was not read: close the connection rather than read what was refused.
    res.setHeader('Connection', 'close');
    reply(res, status, { ok: false, error: toErrorInfo(new PondError(code, message)) });
  };
  if (!check.fromBearer(req)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return refuse(
      401,
      ErrorCode.Unauthorized,
      'missing or wrong token (send Authorization: Bearer <token>)',
    );
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return refuse(405, ErrorCode.InvalidArgument, `${req.method} is not allowed: upload with POST`);
  }
  const pond = url.searchParams.get('pond');
  const name = url.searchParams.get('name');
  if (!pond || !name) {
    return refuse(
      400,
      ErrorCode.InvalidArgument,
      'an upload names its pond and file: /upload?pond=<handle>&name=<file name>',
    );
  }
  const length = req.headers['content-length'];
  if (length === undefined || !/^\d+$/.test(length)) {
    return refuse(411, ErrorCode.InvalidArgument, 'an upload needs a Content-Length');
  }
  if (Number(length) > target.uploadLimitBytes) {
    return refuse(
      413,
      ErrorCode.InvalidArgument,
      `${name} is ${length} bytes, and this server takes uploads of at most ${target.uploadLimitBytes} bytes (pond serve --max-upload)`,
    );
  }
  // The client gone mid-upload: the service stops writing and removes what it wrote.
  const gone = new AbortController();
  req.on('close', () => {
    if (!req.complete) gone.abort();
  });
  // A stalled client is answered first, then cut off (the abort destroys the socket).
  let stalled = false;
  req.setTimeout(idleMs, () => {
    stalled = true;
    res.once('finish', () => gone.abort());
    refuse(
      408,
      ErrorCode.BadInput,
      `the upload of ${name} stopped: nothing arrived for ${idleMs / 1000} s of its ${length} bytes, so it was cut off (upload it again)`,
    );
  });
  continueIfExpected(req, res);
  try {
    const source = await target
      .receiveUpload(pond, name, Number(length), req, gone.signal)
      // The socket may carry the next request (keep-alive): no idle limit on it.
      .finally(() => req.setTimeout(0));
    reply(res, 200, { ok: true, value: source });
  } catch (e) {
    if (stalled) return;
    if (gone.signal.aborted) return void res.destroy();
    const error = toErrorInfo(e);
    // A refusal before the body was read: the client may still be sending it.
    if (!req.complete) res.setHeader('Connection', 'close');
    const status =
      error.code === ErrorCode.NotFound
        ? 404
        : error.code === ErrorCode.HostIo
          ? 507
          : error.code === ErrorCode.Internal
            ? 500
            : 400;
    reply(res, status, { ok: false, error });
  }
}

function reply(res: ServerResponse, status: number, body: WireResponse): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
