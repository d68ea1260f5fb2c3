/**
 * What a page may be granted. Electron grants every permission check and request unless the app
 * says otherwise, so both handlers deny by default. The one exception is writing plain text to
 * the clipboard (`navigator.clipboard.writeText`, Ctrl+C in the grid), and only for the app's
 * own top-level page. Reading the clipboard stays denied: pasting goes through the Edit menu.
 * Free of Electron so it can be tested with plain Node; main.ts installs it on the session.
 */
import { isAppUrl } from './ipc-handler.js';

/** Granted to the app's own page; everything else is denied. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export interface PermissionAsk {
  permission: string;
  /** The requesting page's origin (check handler) or URL (request handler). */
  origin: string | undefined;
  isMainFrame: boolean;
  /** Set when a cross-origin frame asks: the origin of the page embedding it. */
  embeddingOrigin?: string | undefined;
}

export function permissionGranted(ask: PermissionAsk): boolean {
  return (
    GRANTED_PERMISSIONS.has(ask.permission) &&
    ask.isMainFrame &&
    ask.embeddingOrigin === undefined &&
    isAppUrl(ask.origin)
  );
}
