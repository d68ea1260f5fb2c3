import type { PondService } from '../../shared/api.js';
import { ErrorCode, PondError, toErrorInfo, type ErrorInfo } from '../../shared/errors.js';
import { isServiceMethod, type WireResponse } from '../../shared/wire.js';
import type { CallContext } from './call-context.js';
import { validateRequest } from './request-schemas.js';

/** How a message from the UI ended: the value, or why it was refused or failed. */
export type Outcome =
  | { kind: 'ok'; value: unknown }
  /** No such method: nothing ran. */
  | { kind: 'unknown-method'; error: ErrorInfo }
  /** The argument failed its schema: nothing ran. */
  | { kind: 'bad-argument'; error: ErrorInfo }
  /** The method ran and failed. */
  | { kind: 'failed'; error: ErrorInfo };

/**
 * The one entry point for messages from the UI (Electron IPC and `pond serve` both use it): the
 * method name must be one of the contract's, and its argument must pass the method's schema,
 * before the service is called. `context` goes to the method beside its argument (the service's
 * methods that start queries or jobs stop them when its signal aborts). Never throws.
 */
export async function dispatch(
  service: PondService,
  method: unknown,
  arg: unknown,
  context: CallContext = {},
): Promise<Outcome> {
  if (typeof method !== 'string' || !isServiceMethod(method)) {
    const name = typeof method === 'string' ? method : typeof method;
    return {
      kind: 'unknown-method',
      error: toErrorInfo(
        new PondError(ErrorCode.NotFound, `there is no method '${name.slice(0, 100)}'`, {
          input: name.slice(0, 100),
        }),
      ),
    };
  }
  let valid: unknown;
  try {
    valid = validateRequest(method, arg);
  } catch (e) {
    return { kind: 'bad-argument', error: toErrorInfo(e) };
  }
  try {
    const fn = service[method] as (
      this: PondService,
      a: unknown,
      context: CallContext,
    ) => Promise<unknown>;
    return { kind: 'ok', value: await fn.call(service, valid, context) };
  } catch (e) {
    return { kind: 'failed', error: toErrorInfo(e) };
  }
}

/** The outcome as the wire's `{ ok, value | error }`. */
export function toWire(outcome: Outcome): WireResponse {
  return outcome.kind === 'ok'
    ? { ok: true, value: outcome.value }
    : { ok: false, error: outcome.error };
}
