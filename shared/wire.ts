/**
 * How PondService calls travel over `pond serve` (HTTP + WebSocket). Electron uses IPC with
 * structured clone instead, so only the HTTP transport needs this encoding.
 *
 * - Every request carries the per-run token: header `Authorization: Bearer <token>` (the page
 *   gets the token from its URL, `/?token=...`). A request without it gets 401.
 * - A call is `POST /api/<method>` with a JSON body `{ "arg": <the method's argument> }`
 *   (methods without an argument send `{}`); the answer is `{ "ok": true, "value": ... }` or
 *   `{ "ok": false, "error": ErrorInfo }`.
 * - Binary fields (Uint8Array, e.g. Arrow pages) are sent as `{ "$bytes": "<base64>" }`.
 * - `GET /ws?token=<token>` upgrades to a WebSocket on which the server pushes
 *   `{ "type": "job", "job": JobInfo }` whenever a job changes.
 * - Every request must name the server in `Host` (the address it bound, or localhost,
 *   127.0.0.1, [::1], with its port), and API calls and the WebSocket may carry only an `Origin`
 *   of such a host: anything else gets 403 before the token is looked at (no DNS rebinding).
 * - A call whose HTTP request is closed before it is answered (the tab closed, the fetch
 *   aborted) is cancelled: a running query is interrupted.
 * - `GET /download/<job id>` streams what a finished export job wrote: the result file of an
 *   `export-result` job, or a zip of an `export` job's files. The page's own cookie (set when it
 *   was opened with `?token=`) or the Bearer header authorises it, so a plain link downloads it.
 * - The WebSocket also pushes `{ "type": "pond", "pond": PondSummary }` when an open pond has a
 *   new transaction, whoever made it (the app, the CLI, a cron job).
 * - `POST /upload?pond=<handle>&name=<file name>` stages one file for import: the body is the
 *   file's bytes (`Content-Type: application/octet-stream`, `Content-Length` required, at most
 *   AppInfo.uploadLimitBytes), Bearer token, Host and Origin checked as for API calls. The answer
 *   is `{ "ok": true, "value": ImportSource }`: the file is named by its id from then on.
 */
import type { ErrorInfo } from './errors.js';
import type { ImportSource } from './app-import.js';
import type { JobInfo, MenuCommand, PondService, PondServiceMethod, PondSummary } from './api.js';

/**
 * Header naming the tab (or window) a call comes from, so each tab holds its own references to
 * the ponds it opened: closing a pond in one tab leaves it open in the others.
 */
export const CLIENT_HEADER = 'X-Pond-Client';

export const API_PREFIX = '/api/';
export const WS_PATH = '/ws';
export const DOWNLOAD_PREFIX = '/download/';
export const UPLOAD_PATH = '/upload';

/** Every method of the contract, for validating method names on the way in. */
export const SERVICE_METHODS: readonly PondServiceMethod[] = [
  'appInfo',
  'openPonds',
  'firstScreen',
  'recentPonds',
  'openRecent',
  'openPondDialog',
  'createPondDialog',
  'openDemoPond',
  'closePond',
  'list',
  'details',
  'preview',
  'chart',
  'history',
  'cancelQuery',
  'jobs',
  'cancelJob',
  'backups',
  'pushBackup',
  'collectors',
  'runCollector',
  'exportMatches',
  'exportPlan',
  'exportRun',
  'exportProfiles',
  'saveExportProfile',
  'exportResult',
  'chooseExportFolder',
  'chooseTemplateFile',
  'showExportFolder',
  'makeFolder',
  'renamePath',
  'movePaths',
  'removePaths',
  'restorePath',
  'revertTxn',
  'revertPlan',
  'readersOf',
  'factories',
  'checkNode',
  'saveNode',
  'downsampledViews',
  'forgetRecent',
  'readData',
  'profile',
  'importProposal',
  'importPreview',
  'importRun',
  'releaseImportSources',
  'chooseImportFiles',
];

export function isServiceMethod(name: string): name is PondServiceMethod {
  return (SERVICE_METHODS as readonly string[]).includes(name);
}

export type WireResponse = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

export interface JobMessage {
  type: 'job';
  job: JobInfo;
}

export interface PondMessage {
  type: 'pond';
  pond: PondSummary;
}

/**
 * JSON.stringify with Uint8Array (a Node Buffer too) as `{ $bytes: base64 }`. The replacer looks
 * at the holder's own value: JSON.stringify hands it a Buffer already turned into
 * `{ type: 'Buffer', data: [...] }` by Buffer's toJSON.
 */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? { $bytes: toBase64(raw) } : v;
  });
}

/** JSON.parse turning `{ $bytes: base64 }` back into Uint8Array. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && typeof (v as { $bytes?: unknown }).$bytes === 'string'
      ? fromBase64((v as { $bytes: string }).$bytes)
      : v,
  );
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export type ConnectionState = 'connected' | 'lost' | 'unauthorized';

/**
 * What the renderer talks to: the service plus pushed job events.
 *
 * A failed call rejects with the error's ErrorInfo (code, message, input, cause) intact. Over
 * HTTP the client may rebuild a PondError (`fromErrorInfo`); through Electron's contextBridge the
 * rejection is the plain ErrorInfo object, because the bridge keeps only an Error's message.
 * Read either with `toErrorInfo(e)`.
 */
export interface PondClient extends PondService {
  onJobEvent(listener: (job: JobInfo) => void): () => void;
  /**
   * `pond serve` only: whether the server answers. A call that cannot reach it fails with
   * DISCONNECTED and the client says 'lost'; it then asks the server every second or so and says
   * 'restored' once it answers again, or 'unauthorized' when a restarted server has another token.
   */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  /** An open pond's new transaction, whoever committed it: the UI shows it without a reload. */
  onPondChanged(listener: (pond: PondSummary) => void): () => void;
  /** Desktop app only (absent under `pond serve`): commands from the native menu. */
  onMenuCommand?(listener: (command: MenuCommand) => void): () => void;
  /**
   * Desktop app only: stages a host file dropped on the window for import. The preload reads its
   * path (`webUtils.getPathForFile`), so the page never names one; main checks it.
   */
  stageDroppedFile?(file: Blob): Promise<ImportSource>;
}
