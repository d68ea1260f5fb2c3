import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isPondError } from '../../../shared/errors.js';
import { PageBuffer } from '../hydrovu/page-buffer.js';

/**
 * The page memory against a real HTTP server on 127.0.0.1: pages are read whole, and a body
 * that never ends (a broken proxy, a hostile server) is refused at the limit instead of growing
 * the process until the machine runs out of memory.
 */
describe('PageBuffer', () => {
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/endless') {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const more = () => {
          while (res.write(chunk));
          res.once('drain', more);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        more();
      } else res.end(JSON.stringify({ page: req.url, pad: 'x'.repeat(300_000) }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => {
      server.closeAllConnections();
      server.close();
    };
  });
  afterAll(() => close());

  it('reads pages larger than its first memory whole, one after the other', async () => {
    const memory = new PageBuffer(1 << 20);
    for (const page of ['/a', '/b']) {
      const body = await memory.read(await fetch(`${url}${page}`));
      expect((JSON.parse(body.toString('utf8')) as { page: string }).page).toBe(page);
    }
  });

  it('refuses a body longer than its limit, and stops reading it', async () => {
    const memory = new PageBuffer(4 << 20);
    const e = await memory.read(await fetch(`${url}/endless`)).catch((x: unknown) => x);
    expect(isPondError(e, ErrorCode.BadInput)).toBe(true);
    expect((e as Error).message).toMatch(/longer than 4194304 bytes, the most a page can be/);
  });
});
