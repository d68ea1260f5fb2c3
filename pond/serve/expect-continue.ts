import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `Expect: 100-continue` (curl sends it for large bodies): the server hears such requests on
 * 'checkContinue' and answers `100 Continue` only here, once the request passed its checks and
 * its body is wanted, so a refused upload (no token, too large) is answered before a byte of it
 * is sent. (Node, left alone, sends the 100 at once.)
 */
export function continueIfExpected(req: IncomingMessage, res: ServerResponse): void {
  if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
}
