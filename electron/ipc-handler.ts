/**
 * What Electron's main process does with a `pond:call` message from a window, kept free of
 * Electron so it can be tested with plain Node: the sender must be the app's own page, the
 * method one of the contract's, and the argument must pass that method's schema
 * (pond/service/request-schemas.ts) before the service sees it. The answer is the wire's
 * `{ ok, value | error }`, which the preload turns into a resolved value or a rejection with
 * the plain ErrorInfo (Electron's invoke would otherwise keep only an Error's message).
 */
import type { PondService } from '../shared/api.js';
import type { ImportSource } from '../shared/app-import.js';
import { ErrorCode, PondError, toErrorInfo } from '../shared/errors.js';
import type { WireResponse } from '../shared/wire.js';
import { dispatch, toWire } from '../pond/service/dispatch.js';

/** The IPC channel of service calls: `invoke(CALL_CHANNEL, method, arg)`. */
export const CALL_CHANNEL = 'pond:call';
/** Main -> window: `{ JobInfo }` whenever a job changes. */
export const JOB_CHANNEL = 'pond:job';
/** Main -> focused window: a MenuCommand. */
export const MENU_CHANNEL = 'pond:menu';
/** Window -> main: the page listens for MenuCommands now (see window-commands.ts). */
export const LISTENING_CHANNEL = 'pond:listening';
/** Main -> window: `{ PondSummary }` whenever an open pond has a new transaction. */
export const POND_CHANNEL = 'pond:pond';
/** Preload -> main: `invoke(STAGE_CHANNEL, path)` stages a dropped file for import. */
export const STAGE_CHANNEL = 'pond:stage-file';

/** The custom scheme the renderer bundle is served from (see app-protocol.ts). */
export const APP_SCHEME = 'pond-app';
export const APP_ORIGIN = `${APP_SCHEME}://bundle`;

/** True when a message comes from a page of the app's own bundle (not a navigated-to page). */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'bundle';
  } catch {
    return false;
  }
}

export type CallHandler = (
  senderUrl: string | undefined,
  method: unknown,
  arg: unknown,
  /** The window the call comes from: ponds it opens are held for it (see CallContext). */
  client?: string,
) => Promise<WireResponse>;

/**
 * The handler behind `ipcMain.handle(CALL_CHANNEL, ...)`. Never throws: a refused or failed call
 * answers `{ ok: false, error }` with a typed ErrorInfo.
 */
export function callHandler(service: PondService): CallHandler {
  return async (senderUrl, method, arg, client) => {
    if (!isAppUrl(senderUrl)) return notFromApp(senderUrl);
    return toWire(await dispatch(service, method, arg, client === undefined ? {} : { client }));
  };
}

/**
 * The handler behind `ipcMain.handle(STAGE_CHANNEL, ...)`: a path the preload read from a dropped
 * File (the page cannot name one: it has only the File). Main still checks it, from the app's
 * page, one absolute path to a regular file, before staging it. Never throws.
 */
export function stageHandler(service: {
  stageHostFiles(paths: string[]): Promise<ImportSource[]>;
}): (senderUrl: string | undefined, path: unknown) => Promise<WireResponse> {
  return async (senderUrl, path) => {
    if (!isAppUrl(senderUrl)) return notFromApp(senderUrl);
    try {
      if (typeof path !== 'string' || path.length === 0 || path.length > 4096) {
        throw new PondError(ErrorCode.InvalidArgument, 'a dropped file comes as one host path', {
          input: String(path).slice(0, 200),
        });
      }
      const [staged] = await service.stageHostFiles([path]);
      return { ok: true, value: staged };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  };
}

function notFromApp(senderUrl: string | undefined): WireResponse {
  return {
    ok: false,
    error: toErrorInfo(
      new PondError(
        ErrorCode.Unauthorized,
        `calls are accepted only from the app's own pages (${APP_ORIGIN}/), not from ${String(senderUrl).slice(0, 200)}`,
        { input: String(senderUrl).slice(0, 200) },
      ),
    ),
  };
}
