/**
 * What the transport knows about one call from the UI, handed to the service beside the call's
 * argument. `signal` aborts when the caller is gone (`pond serve`: the HTTP request was closed
 * before its answer, the tab closed); the service then stops the work it started for the call.
 */
export interface CallContext {
  signal?: AbortSignal;
}
