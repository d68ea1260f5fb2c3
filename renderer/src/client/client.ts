import { ErrorCode, PondError } from '../../../shared/errors';
import type { PondClient } from '../../../shared/wire';
import { httpClient, takeToken } from './http-client';

declare global {
  interface Window {
    /** The desktop app's preload bridge (electron/): the PondService contract plus events. */
    pond?: PondClient;
  }
}

/** The desktop app's bridge when there is one, else `pond serve` over HTTP. */
export function connectClient(): PondClient {
  if (window.pond) return window.pond;
  const token = takeToken();
  if (!token) {
    throw new PondError(
      ErrorCode.Unauthorized,
      'this page has no access token: open the URL pond serve printed (http://127.0.0.1:PORT/?token=...)',
    );
  }
  return httpClient(token);
}
