/**
 * `pond serve` as an attacker on the same machine (or a web page in the user's browser) sees
 * it: a real pond in a temp folder, a real server on a free port, real HTTP and WebSocket.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PondSummary, TxnInfo } from '../../../shared/api.js';
import { ErrorCode, type ErrorInfo } from '../../../shared/errors.js';
import { decodeWire, SERVICE_METHODS } from '../../../shared/wire.js';
import { LocalPondService } from '../../service/pond-service.js';
import { parquet, pondWithSeries } from '../../service/test/fixtures.js';
import { startServer, type RunningServer } from '../http-server.js';
import { killServeProcesses, startServeProcess, type ServeProcess } from './serve-process.js';

let dir: string;
let pondDir: string;
let bundle: string;
let svc: LocalPondService;
let server: RunningServer;
let pond: PondSummary;
let base: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path goes out exactly as given (no client-side normalization). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = () => ({ Authorization: `Bearer ${server.token}` });

async function api(
  method: string,
  body: unknown,
  headers: Record<string, string> = auth(),
): Promise<{ status: number; ok: boolean; value?: unknown; error?: ErrorInfo }> {
  const r = await raw(
    'POST',
    `/api/${method}`,
    { 'Content-Type': 'application/json', ...headers },
    typeof body === 'string' ? body : JSON.stringify(body),
  );
  const parsed = decodeWire(r.body) as { ok: boolean; value?: unknown; error?: ErrorInfo };
  return { status: r.status, ...parsed };
}

/** What a refused request could have changed. */
async function pondState() {
  const h = await api('history', { arg: { pond: pond.handle, limit: 1000 } });
  expect(h.ok).toBe(true);
  return {
    txns: (h.value as TxnInfo[]).map((t) => t.txn),
    open: (await api('openPonds', {})).value,
    recent: (await api('recentPonds', {})).value,
  };
}

function wsStatus(path: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-serve-sec-'));
  pondDir = join(dir, 'pond');
  const v1 = join(dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_hours(i) AS timestamp, i AS x FROM range(20) t(i)`,
  );
  await pondWithSeries(pondDir, [v1, v1]);
  // A bundle at dist/renderer with secrets beside it and above it.
  bundle = join(dir, 'dist', 'renderer');
  await mkdir(join(bundle, 'assets'), { recursive: true });
  await writeFile(join(bundle, 'index.html'), '<!doctype html><title>bundle</title>');
  await writeFile(join(bundle, 'assets', 'app.js'), 'export {}');
  await writeFile(join(bundle, 'assets', 'index-Dt1Cxymq.js'), 'export {}');
  await writeFile(join(dir, 'dist', 'secret.txt'), 'SECRET-DIST');
  await writeFile(join(dir, 'secret.txt'), 'SECRET-TOP');
  svc = new LocalPondService({ mode: 'browser', appData: join(dir, 'app-data') });
  pond = await svc.openPath(pondDir);
  server = await startServer({ service: svc, staticDir: bundle, host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  await killServeProcesses();
  await rm(dir, { recursive: true, force: true });
});

describe('pond serve: the token', () => {
  it('is required on the API, the page, its assets and the WebSocket', async () => {
    const before = await pondState();
    // No token.
    const noToken = await api('openPonds', {}, {});
    expect(noToken.status).toBe(401);
    expect(noToken.error?.code).toBe(ErrorCode.Unauthorized);
    expect(
      (await api('list', { arg: { pond: pond.handle, path: '/', offset: 0, limit: 5 } }, {}))
        .status,
    ).toBe(401);
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const r = await raw('GET', path);
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('bundle');
    }
    expect(await wsStatus('/ws')).toBe(401);

    // A wrong token, wherever it is put.
    const wrong = 'x'.repeat(server.token.length);
    expect((await api('openPonds', {}, { Authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await api('openPonds', {}, { Authorization: `Bearer ${server.token}x` })).status).toBe(
      401,
    );
    expect((await api('openPonds', {}, { Authorization: server.token })).status).toBe(401);
    expect((await raw('GET', `/?token=${wrong}`)).status).toBe(401);
    expect((await raw('GET', '/', { Cookie: `pond_token=${server.token}` })).status).toBe(401);
    expect(await wsStatus(`/ws?token=${wrong}`)).toBe(401);

    // The API takes it only from the Authorization header (never the URL or the cookie).
    const viaQuery = await raw(
      'POST',
      `/api/openPonds?token=${server.token}`,
      { 'Content-Type': 'application/json' },
      '{}',
    );
    expect(viaQuery.status).toBe(401);
    const page = await raw('GET', `/?token=${server.token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect((await api('openPonds', {}, { Cookie: cookie })).status).toBe(401);
    expect(await pondState()).toEqual(before);
  });

  it('opens the page, sets a strict cookie and a CSP, and lets the page on the WebSocket', async () => {
    const page = await raw('GET', `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>bundle</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    // The page's assets with the cookie it got.
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const asset = await raw('GET', '/assets/app.js', { Cookie: cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Assets named by their content's hash are kept by the browser; the page and others are not.
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(asset.headers['cache-control']).toBe('no-cache');
    const hashed = await raw('GET', '/assets/index-Dt1Cxymq.js', { Cookie: cookie });
    expect(hashed.headers['cache-control']).toBe('private, max-age=31536000, immutable');

    expect(await wsStatus(`/ws?token=${server.token}`)).toBe('open');
    expect(await wsStatus(`/ws?token=${server.token}`, { Origin: base })).toBe('open');
    // Another origin cannot listen in, even holding the token.
    expect(await wsStatus(`/ws?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(
      403,
    );
    // A preflight from another origin gets no CORS grant.
    const preflight = await raw('OPTIONS', '/api/openPonds', {
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });
});

describe('pond serve: messages', () => {
  it('refuses names that are not methods of the contract', async () => {
    const before = await pondState();
    for (const method of [
      'openPath',
      'close',
      'constructor',
      '__proto__',
      'toString',
      'nope',
      'LIST',
    ]) {
      const r = await api(method, method === 'openPath' ? { arg: '/etc' } : {});
      expect(r.status, method).toBe(404);
      expect(r.error).toMatchObject({ code: ErrorCode.NotFound });
      expect(r.error!.message).toMatch(/^there is no method '/);
    }
    expect(await pondState()).toEqual(before);
  });

  it('refuses malformed bodies and arguments with a clear error, and changes nothing', async () => {
    const before = await pondState();
    const h = pond.handle;
    const bad: [unknown, RegExp][] = [
      [{}, /argument/],
      [{ arg: { pond: h, path: '/' } }, /offset.*limit|limit/],
      [{ arg: { pond: h, path: '/', offset: 0, limit: '10' } }, /limit/],
      [{ arg: { pond: h, path: '/', offset: 0, limit: 1e12 } }, /limit/],
      [{ arg: { pond: h, path: '/', offset: -5, limit: 10 } }, /offset/],
      [{ arg: { pond: h, path: '/', offset: 0, limit: 10, host: '/etc' } }, /host/],
      [{ arg: { pond: h, path: '../../etc', offset: 0, limit: 10 } }, /path/],
      [{ arg: { pond: [h], path: '/', offset: 0, limit: 10 } }, /pond/],
    ];
    for (const [body, field] of bad) {
      const r = await api('list', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.error!.code).toBe(ErrorCode.InvalidArgument);
      expect(r.error!.message).toMatch(/^bad argument for list: /);
      expect(r.error!.message).toMatch(field);
    }
    expect((await api('history', { arg: { pond: h, limit: 1_000_000 } })).status).toBe(400);
    expect(
      (
        await api('preview', {
          arg: { pond: h, path: '/data/readings.series', offset: -1, limit: 10 },
        })
      ).status,
    ).toBe(400);

    // Envelopes.
    expect((await api('openPonds', 'not json')).status).toBe(400);
    expect((await api('openPonds', { arg: undefined, extra: 1 })).status).toBe(400);
    expect((await api('openPonds', [])).status).toBe(400);
    const text = await raw(
      'POST',
      '/api/openPonds',
      { ...auth(), 'Content-Type': 'text/plain' },
      '{}',
    );
    expect(text.status).toBe(415);
    const get = await raw('GET', '/api/openPonds', auth());
    expect(get.status).toBe(405);
    const huge = await api('openPonds', JSON.stringify({ arg: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);

    // A well-formed call that names an unknown pond fails by name (and runs nothing).
    const unknown = await api('list', {
      arg: { pond: 'no-such-pond', path: '/', offset: 0, limit: 10 },
    });
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toMatchObject({ code: ErrorCode.NotFound, input: 'no-such-pond' });
    expect(await pondState()).toEqual(before);
  });
});

describe('pond serve: host paths', () => {
  it('lets the page name only ponds on the recent list, and paths inside the pond', async () => {
    const before = await pondState();
    for (const path of ['/etc', '/', join(pondDir, '..'), `${pondDir}/../pond`]) {
      const r = await api('openRecent', { arg: path });
      expect(r.ok, path).toBe(false);
      expect(r.error).toMatchObject({ code: ErrorCode.InvalidArgument });
      expect(r.error!.message).toMatch(/not on the recent ponds list/);
    }
    const dialog = await api('openPondDialog', {});
    expect(dialog.error?.code).toBe(ErrorCode.Unsupported);
    // `..` cannot climb above the pond's root: /../../etc is the pond's own (absent) /etc.
    const escape = await api('list', {
      arg: { pond: pond.handle, path: '/../../etc', offset: 0, limit: 10 },
    });
    expect(escape.ok).toBe(false);
    expect([ErrorCode.NotFound, ErrorCode.PathEscape]).toContain(escape.error!.code);
    const up = await api('list', {
      arg: { pond: pond.handle, path: '/data/../..', offset: 0, limit: 10 },
    });
    expect(up.error).toMatchObject({ code: ErrorCode.PathEscape });
    const inside = await api('list', {
      arg: { pond: pond.handle, path: '/data/..', offset: 0, limit: 10 },
    });
    expect((inside.value as { entries: { name: string }[] }).entries.map((e) => e.name)).toEqual([
      'data',
    ]);
    // SQL over `source` cannot read host files.
    const sql = await api('preview', {
      arg: {
        pond: pond.handle,
        path: '/data/readings.series',
        sql: `SELECT * FROM read_text('${join(dir, 'secret.txt')}')`,
        offset: 0,
        limit: 10,
      },
    });
    expect(sql.error?.code).toBe(ErrorCode.SqlError);
    expect(JSON.stringify(sql)).not.toContain('SECRET-TOP');
    expect(await pondState()).toEqual(before);
  });

  it('never serves a file outside the renderer bundle', async () => {
    const q = `?token=${server.token}`;
    for (const path of [
      '/../secret.txt',
      '/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5c..%5csecret.txt',
      '/%5c..%5c..%5csecret.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      `//${join(dir, 'secret.txt')}`,
      '/%00/index.html',
      '/index.html%00.txt',
      '/%E0%A4%A',
    ]) {
      const r = await raw('GET', path + q);
      expect(r.status, path).not.toBe(200);
      expect(r.body, path).not.toMatch(/SECRET/);
    }
  });
});

describe('pond serve: where it listens', () => {
  it('binds 127.0.0.1 by default and is not reachable on other addresses', async () => {
    const renderer = join(dir, 'cli-bundle');
    await mkdir(renderer, { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html>');
    const child = spawn(process.execPath, ['bin/pond.js', 'serve', '--pond', pondDir], {
      env: {
        ...process.env,
        POND_RENDERER_DIR: renderer,
        POND_APP_DATA: join(dir, 'cli-app-data'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<URL>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^Open (\S+)$/m.exec(out);
          if (m) resolve(new URL(m[1]!));
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => reject(new Error(`pond serve exited ${code}: ${out}`)));
      });
      expect(url.hostname).toBe('127.0.0.1');
      const port = Number(url.port);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
        .map((a) => a!.address);
      for (const address of others) {
        const reached = await new Promise<boolean>((resolve) => {
          const s = connect({ host: address, port }, () => {
            s.destroy();
            resolve(true);
          });
          s.on('error', () => resolve(false));
          s.setTimeout(2000, () => {
            s.destroy();
            resolve(false);
          });
        });
        expect(reached, `${address}:${port}`).toBe(false);
      }
    } finally {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('pond serve: Host and Origin (DNS rebinding), on a real pond serve process', () => {
  let served: ServeProcess;
  let port: number;

  beforeAll(async () => {
    served = await startServeProcess(dir, pondDir);
    port = served.port;
  });

  afterAll(async () => {
    expect(await served.stop()).toBe(0);
  });

  /** A raw request to the served process with the given headers (Host included). */
  function to(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method, path, headers, setHost: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const call = (headers: Record<string, string>) =>
    to(
      'POST',
      '/api/openPonds',
      { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}`, ...headers },
      '{}',
    );

  function ws(headers: Record<string, string>): Promise<number | 'open'> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${served.token}`, {
        headers,
      });
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('error', reject);
    });
  }

  it('refuses a Host that is not this server with 403, before the token is looked at', async () => {
    const page = `/?token=${served.token}`;
    for (const host of [
      `attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
      `localhost.:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      'localhost',
      `127.0.0.1:${port}@attacker.example`,
      `[::2]:${port}`,
      '',
    ]) {
      const r = await to('GET', page, { Host: host });
      expect(r.status, host).toBe(403);
      expect(r.body, host).toMatch(/^pond serve answers only to http:\/\/127\.0\.0\.1:\d+\//);
      expect(r.headers['set-cookie'], host).toBeUndefined();
      const api = await call({ Host: host });
      expect(api.status, host).toBe(403);
      expect(api.body).not.toContain(pondDir);
      // (The WebSocket client sends its own Host in place of an empty one.)
      if (host !== '') expect(await ws({ Host: host }), host).toBe(403);
    }
    // Without a token too: the Host is checked first.
    expect((await to('GET', '/', { Host: `attacker.example:${port}` })).status).toBe(403);
    expect((await to('GET', '/assets/app.js', { Host: `attacker.example:${port}` })).status).toBe(
      403,
    );
  });

  it('guards every method of the contract, the upload and the download alike: token, Origin, Host', async () => {
    const good = { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${served.token}` };
    const history = async () =>
      JSON.parse(
        (
          await to(
            'POST',
            '/api/history',
            { ...good, 'Content-Type': 'application/json' },
            JSON.stringify({ arg: { pond: handle, limit: 1000 } }),
          )
        ).body,
      ) as unknown;
    const handle = (JSON.parse((await call({ Host: good.Host })).body) as { value: PondSummary[] })
      .value[0]!.handle;
    const before = await history();
    const refusals = [
      { why: 'no token', headers: { Host: good.Host }, status: 401 },
      {
        why: 'another Origin',
        headers: { ...good, Origin: 'http://attacker.example' },
        status: 403,
      },
      { why: 'another Host', headers: { ...good, Host: `attacker.example:${port}` }, status: 403 },
    ];
    for (const { why, headers, status } of refusals) {
      for (const method of SERVICE_METHODS) {
        const r = await to(
          'POST',
          `/api/${method}`,
          { ...headers, 'Content-Type': 'application/json' },
          JSON.stringify({ arg: { pond: handle, path: '/data', paths: ['/data'] } }),
        );
        expect(r.status, `${method}, ${why}`).toBe(status);
      }
      const upload = await to(
        'POST',
        `/upload?pond=${encodeURIComponent(handle)}&name=x.csv`,
        { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': '4' },
        'a\n1\n',
      );
      expect(upload.status, `upload, ${why}`).toBe(status);
    }
    // A download is a plain link (no Origin to check): it needs the token, and this Host.
    const download = `/download/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`;
    expect((await to('GET', download, { Host: good.Host })).status).toBe(401);
    expect((await to('GET', download, { ...good, Host: `attacker.example:${port}` })).status).toBe(
      403,
    );
    expect((await to('GET', download, good)).status).toBe(404);
    expect(await history()).toEqual(before);
  });

  it('answers the bound address and the loopback names with the port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const r = await to('GET', `/?token=${served.token}`, { Host: host });
      expect(r.status, host).toBe(200);
      expect(r.body).toContain('<title>bundle</title>');
      const api = await call({ Host: host });
      expect(api.status, host).toBe(200);
      expect(JSON.parse(api.body)).toMatchObject({ ok: true });
      expect(await ws({ Host: host }), host).toBe('open');
    }
    // [::1] names the loopback too (the server here listens on IPv4 only, so only the name is
    // checked: the request still reaches 127.0.0.1).
    expect((await call({ Host: `[::1]:${port}` })).status).toBe(200);
  });

  it('refuses an API call or WebSocket from another Origin, even with the token', async () => {
    const host = { Host: `127.0.0.1:${port}` };
    for (const origin of [
      'http://attacker.example',
      `http://attacker.example:${port}`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      'null',
      `file://`,
      `http://127.0.0.1:${port}/path`,
    ]) {
      const r = await call({ ...host, Origin: origin });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body).error.code, origin).toBe(ErrorCode.Unauthorized);
      expect(await ws({ ...host, Origin: origin }), origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect((await call({ ...host, Origin: origin })).status, origin).toBe(200);
      expect(await ws({ ...host, Origin: origin }), origin).toBe('open');
    }
    // No Origin (curl, scripts): allowed, the token still guards it.
    expect((await call(host)).status).toBe(200);
  });
});
