/**
 * What the transport knows about one call from the UI, handed to the service beside the call's
 * argument. `signal` aborts when the caller is gone (`pond serve`: the HTTP request was closed
 * before its answer, the tab closed); the service then stops the work it started for the call.
 */
export interface CallContext {
  signal?: AbortSignal;
  /**
   * The tab or window the call comes from (`pond serve`: the X-Pond-Client header; Electron: the
   * window). Ponds it opens are held for it, and its closePond releases only its own hold.
   * Absent for the host itself (the command line that started the server).
   */
  client?: string;
}
