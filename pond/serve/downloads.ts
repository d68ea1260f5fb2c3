import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DOWNLOAD_PREFIX } from '../../shared/wire.js';
import type { FinishedExport } from '../service/finished-exports.js';
import type { TokenCheck } from './auth.js';
import { writeZip } from './zip-writer.js';

/** What the download route needs of the service. */
export interface DownloadSource {
  download(jobId: string): Promise<FinishedExport | undefined>;
  /** A result file was sent whole (it is removed). */
  downloaded(jobId: string): Promise<void>;
}

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /download/<job id>` (shared/wire.ts): streams what a finished export job wrote, never
 * holding it in memory: an `export-result` job's file, or an `export` job's files as one zip
 * made on the fly. Authorised by the page's cookie or the Bearer token, so a plain link in the
 * page downloads it (the browser streams it to disk). A result file is removed once it was sent
 * whole; a download cut short can be asked for again.
 */
export async function serveDownload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  source: DownloadSource,
  check: TokenCheck,
): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  if (!check.fromCookie(req) && !check.fromBearer(req)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return text(res, 401, 'missing or wrong token: download from the page pond serve printed');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return text(res, 405, 'method not allowed');
  }
  const id = url.pathname.slice(DOWNLOAD_PREFIX.length);
  const found = JOB_ID.test(id) ? await source.download(id) : undefined;
  if (!found) return text(res, 404, `no finished export has the job id ${id.slice(0, 40)}`);
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  if (found.kind === 'file') {
    const size = (await stat(found.path)).size;
    res.statusCode = 200;
    res.setHeader('Content-Type', found.contentType);
    res.setHeader('Content-Length', size);
    res.setHeader('Content-Disposition', attachment(found.name));
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(found.path), res, { signal: abort.signal });
    if (found.temporary) await source.downloaded(id);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', attachment(found.name));
  if (req.method === 'HEAD') return void res.end();
  const folder = basename(found.dir) || 'export';
  await writeZip(
    res,
    found.files.map((f) => ({ name: `${folder}/${f}`, path: `${found.dir}/${f}` })),
    { signal: abort.signal },
  );
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function text(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(message + '\n');
}
