import type { ImportSource } from '../../../shared/app-import';
import { ErrorCode, PondError, fromErrorInfo, isErrorInfo } from '../../../shared/errors';
import { UPLOAD_PATH, decodeWire, type WireResponse } from '../../../shared/wire';
import { takeToken } from './http-client';

/** An upload under way: its answer, and a way to stop it (the server then removes what it got). */
export interface Upload {
  done: Promise<ImportSource>;
  abort(): void;
}

/**
 * Sends a file to `pond serve` for import (shared/wire.ts UPLOAD_PATH). XMLHttpRequest, not
 * fetch: it reports upload progress, and sends the File from disk as it goes (the page never
 * holds it in memory).
 */
export function uploadFile(
  pond: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<ImportSource>((resolve, reject) => {
    const token = takeToken();
    if (!token) {
      reject(new PondError(ErrorCode.Unauthorized, 'this page has no access token for pond serve'));
      return;
    }
    xhr.open(
      'POST',
      `${UPLOAD_PATH}?pond=${encodeURIComponent(pond)}&name=${encodeURIComponent(file.name)}`,
    );
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: WireResponse;
      try {
        body = decodeWire(xhr.responseText) as WireResponse;
      } catch {
        reject(
          new PondError(
            ErrorCode.Internal,
            `pond serve answered ${xhr.status} to the upload of ${file.name} with something that is not JSON`,
          ),
        );
        return;
      }
      if (body.ok) resolve(body.value as ImportSource);
      else
        reject(
          isErrorInfo(body.error)
            ? fromErrorInfo(body.error)
            : new PondError(ErrorCode.Internal, `malformed error for the upload of ${file.name}`),
        );
    };
    xhr.onerror = () =>
      reject(
        new PondError(
          ErrorCode.Internal,
          `the upload of ${file.name} failed: is pond serve still running?`,
          { input: file.name },
        ),
      );
    xhr.onabort = () =>
      reject(
        new PondError(ErrorCode.Cancelled, `the upload of ${file.name} was cancelled`, {
          input: file.name,
        }),
      );
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
