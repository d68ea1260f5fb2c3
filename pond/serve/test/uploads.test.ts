/**
 * Uploads to `pond serve` for the import wizard, and the commits it pushes: a real pond, a real
 * server on a free port, real HTTP and WebSocket, a real CLI process committing beside it.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ImportFilePreview, ImportSource } from '../../../shared/app-import.js';
import type { PondSummary } from '../../../shared/api.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { decodeWire } from '../../../shared/wire.js';
import { runPond } from '../../cli/test/run-pond.js';
import { createPond } from '../../service/open-pond.js';
import { LocalPondService } from '../../service/pond-service.js';
import { startServer, type RunningServer } from '../http-server.js';
import { killServeProcesses, startServeProcess } from './serve-process.js';

const LIMIT = 1024 * 1024;
let dir: string;
let pondDir: string;
let svc: LocalPondService;
let server: RunningServer;
let pond: PondSummary;

interface Answer {
  status: number;
  ok?: boolean;
  value?: unknown;
  error?: ErrorInfo;
  connection?: string;
}

/** POST /upload with the given headers and body (a Buffer, sent whole). */
function post(
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
  port = server.port,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      // 'close', not 'end': a refusal closes the connection, which may cut the response's end.
      res.on('close', () => {
        const json = /^application\/json/.test(res.headers['content-type'] ?? '');
        const parsed = json ? (decodeWire(text) as Omit<Answer, 'status'>) : {};
        resolve({
          status: res.statusCode ?? 0,
          connection: res.headers.connection,
          ...parsed,
        });
      });
    });
    // A server that refuses before reading may close while the body is still going out.
    req.on('error', (e) => reject(e));
    req.end(body);
  });
}

/** A POST whose body `send` writes as it likes (part of it, slowly); resolves with the answer. */
function postStreaming(
  port: number,
  path: string,
  headers: Record<string, string>,
  send: (req: ClientRequest) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ...(decodeWire(text) as object) }),
      );
    });
    req.on('error', reject);
    send(req);
  });
}

const auth = () => ({
  Authorization: `Bearer ${server.token}`,
  'Content-Type': 'application/octet-stream',
});
const uploadPath = (name: string) =>
  `/upload?pond=${encodeURIComponent(pond.handle)}&name=${encodeURIComponent(name)}`;

async function api(method: string, arg: unknown): Promise<Answer> {
  const body = Buffer.from(JSON.stringify({ arg }));
  const r = await new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${method}`,
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ...(decodeWire(text) as object) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  return r;
}

async function staged(): Promise<string[]> {
  const root = join(pondDir, 'data', '_large_files', '_staging');
  const out: string[] = [];
  for (const owner of await readdir(root).catch(() => [] as string[])) {
    for (const up of await readdir(join(root, owner)).catch(() => [] as string[])) {
      for (const f of await readdir(join(root, owner, up)).catch(() => [] as string[]))
        out.push(`${up}/${f}`);
    }
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-serve-upload-'));
  pondDir = join(dir, 'pond');
  const p = await createPond(pondDir, 'uploads', { command: ['test', 'init'] });
  await p.write({ command: ['test', 'mkdir'] }, async (txn) => (await txn.wd()).mkdir('/raw'));
  await p.close();
  const bundle = join(dir, 'bundle');
  await mkdir(bundle);
  await writeFile(join(bundle, 'index.html'), '<!doctype html><title>bundle</title>');
  svc = new LocalPondService({
    mode: 'browser',
    appData: join(dir, 'app-data'),
    uploadLimitBytes: LIMIT,
  });
  pond = await svc.openPath(pondDir);
  server = await startServer({ service: svc, staticDir: bundle, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await killServeProcesses();
  await server?.close();
  await svc?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pond serve: uploads for the import wizard', () => {
  it('streams a file into the pond’s staging, names it by id, and states its limit', async () => {
    expect((await api('appInfo', undefined)).value).toMatchObject({ uploadLimitBytes: LIMIT });
    const csv = Buffer.from('timestamp,level\n2024-07-01 00:00:00,1.5\n2024-07-01 01:00:00,2\n');
    const r = await post(uploadPath('lake level.csv'), auth(), csv);
    expect(r.status).toBe(200);
    const source = r.value as ImportSource;
    expect(source).toMatchObject({ name: 'lake level.csv', size: csv.length, format: 'csv' });
    expect(await staged()).toEqual([expect.stringMatching(/^upload-.*\/lake level\.csv$/)]);
    const file = { source: source.id, target: '/raw/level.series', kind: 'series', overrides: {} };
    const p = await api('importPreview', { pond: pond.handle, file });
    expect(p.ok, JSON.stringify(p.error)).toBe(true);
    expect((p.value as ImportFilePreview).preview.rowCount).toBe(2);
    await api('releaseImportSources', [source.id]);
    expect(await staged()).toEqual([]);
  });

  it('refuses an upload without the token, from another origin or host, without a length, or too large', async () => {
    const body = Buffer.from('a,b\n1,2\n');
    const cases: [Record<string, string>, string, number][] = [
      [{ 'Content-Type': 'application/octet-stream' }, uploadPath('a.csv'), 401],
      [{ ...auth(), Authorization: 'Bearer wrong' }, uploadPath('a.csv'), 401],
      [{ ...auth(), Origin: 'http://evil.example' }, uploadPath('a.csv'), 403],
      [{ ...auth(), Host: 'evil.example' }, uploadPath('a.csv'), 403],
      [{ ...auth(), 'Transfer-Encoding': 'chunked' }, uploadPath('a.csv'), 411],
      [auth(), `/upload?pond=${pond.handle}`, 400],
      [auth(), `/upload?pond=nope&name=a.csv`, 404],
      [auth(), uploadPath('../a.csv'), 400],
      [auth(), uploadPath('a#b.csv'), 400],
    ];
    for (const [headers, path, status] of cases) {
      const r = await post(path, headers, body);
      expect(r.status, `${JSON.stringify(headers)} ${path}`).toBe(status);
    }
    const big = await post(uploadPath('big.csv'), {
      ...auth(),
      'Content-Length': String(LIMIT + 1),
    });
    expect(big.status).toBe(413);
    expect(big.error?.message).toContain(`at most ${LIMIT} bytes`);
    expect(big.connection).toBe('close');
    expect(await staged()).toEqual([]);
  });

  it('answers Expect: 100-continue only for an upload it takes, refusing others before their body', async () => {
    /** POSTs with `Expect: 100-continue`, sending the body only when the server says continue. */
    const expecting = (path: string, headers: Record<string, string>, body: Buffer) =>
      new Promise<Answer & { continued: boolean }>((resolve, reject) => {
        let continued = false;
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path,
            headers: { ...headers, Expect: '100-continue', 'Content-Length': body.length },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, continued, ...(decodeWire(text) as object) }),
            );
          },
        );
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('error', reject);
      });
    const tooLarge = await expecting(uploadPath('huge.csv'), auth(), Buffer.alloc(LIMIT + 1));
    expect(tooLarge).toMatchObject({ status: 413, continued: false });
    const noToken = await expecting(
      uploadPath('a.csv'),
      { 'Content-Type': 'application/octet-stream' },
      Buffer.from('a\n1\n'),
    );
    expect(noToken).toMatchObject({ status: 401, continued: false });
    const taken = await expecting(uploadPath('fits.csv'), auth(), Buffer.from('a\n1\n'));
    expect(taken).toMatchObject({ status: 200, continued: true, value: { size: 4 } });
    await svc.releaseImportSources([(taken.value as ImportSource).id]);
    const call = await expecting(
      '/api/openPonds',
      { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      Buffer.from('{}'),
    );
    expect(call).toMatchObject({ status: 200, continued: true, ok: true });
    expect(await staged()).toEqual([]);
  });

  it('removes what a client that goes away mid-upload sent', async () => {
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: uploadPath('cut.csv'),
        headers: { ...auth(), 'Content-Length': String(LIMIT) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(200_000, 'x'));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    await expect.poll(() => staged(), { timeout: 10_000 }).toEqual([]);
    // The server still answers.
    expect((await api('openPonds', undefined)).status).toBe(200);
  });

  it('cuts off an upload that stops arriving with 408, and removes what it sent, but not a slow one', async () => {
    const idleMs = 600;
    const strict = await startServer({
      service: svc,
      staticDir: join(dir, 'bundle'),
      host: '127.0.0.1',
      port: 0,
      bodyIdleMs: idleMs,
    });
    try {
      // A Content-Length larger than the body: the client sends part of it and waits.
      const stalled = await postStreaming(
        strict.port,
        uploadPath('stalled.csv'),
        { ...auth(), Authorization: `Bearer ${strict.token}`, 'Content-Length': '1000' },
        (req) => req.write('ts,v\n'),
      );
      expect(stalled.status).toBe(408);
      expect(stalled.error?.message).toMatch(/the upload of stalled\.csv stopped: nothing arrived/);
      await expect.poll(() => staged(), { timeout: 10_000 }).toEqual([]);

      // A slow upload that keeps sending takes longer than the idle limit, and is taken whole.
      const slow = await postStreaming(
        strict.port,
        uploadPath('slow.csv'),
        { ...auth(), Authorization: `Bearer ${strict.token}`, 'Content-Length': '60' },
        (req) => {
          let sent = 0;
          const tick = setInterval(() => {
            req.write('v\n1234567\n');
            if ((sent += 10) === 60) {
              clearInterval(tick);
              req.end();
            }
          }, idleMs / 3);
        },
      );
      expect(slow.status, JSON.stringify(slow.error)).toBe(200);
      expect(slow.value).toMatchObject({ name: 'slow.csv', size: 60 });
      await svc.releaseImportSources([(slow.value as ImportSource).id]);

      // An API call whose body stops arriving.
      const call = await postStreaming(
        strict.port,
        '/api/openPonds',
        {
          Authorization: `Bearer ${strict.token}`,
          'Content-Type': 'application/json',
          'Content-Length': '100',
        },
        (req) => req.write('{"arg"'),
      );
      expect(call.status).toBe(408);
      expect(call.error?.message).toContain('the body stopped arriving');
      expect(await staged()).toEqual([]);

      // Headers that stop arriving (slowloris) are cut off too.
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(strict.port, '127.0.0.1', () =>
          socket.write(`POST /api/openPonds HTTP/1.1\r\nHost: 127.0.0.1:${strict.port}\r\n`),
        );
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        setTimeout(() => resolve('still open after 10 s'), 10_000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await strict.close();
    }
  });

  it('pushes commits of other processes over the WebSocket, and removes uploads when it stops', async () => {
    const pushed: PondSummary[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as { type: string; pond?: PondSummary };
      if (msg.type === 'pond') pushed.push(msg.pond!);
    });
    await new Promise((r) => ws.once('open', r));
    const before = (await api('openPonds', undefined)).value as PondSummary[];
    const r = await runPond(['--pond', pondDir, 'mkdir', '/from-cli']);
    expect(r.code, r.stderr).toBe(0);
    await expect
      .poll(() => pushed.map((p) => p.lastTxn), { timeout: 10_000 })
      .toEqual([before[0]!.lastTxn + 1]);
    ws.close();

    const up = await post(uploadPath('left.csv'), auth(), Buffer.from('a\n1\n'));
    expect(up.status).toBe(200);
    expect(await staged()).toHaveLength(1);
    await server.close();
    await svc.close();
    expect(await staged()).toEqual([]);
  });
});

describe('pond serve --max-upload', () => {
  it('takes uploads up to the limit it was given, refuses larger ones, and removes what it took when it stops', async () => {
    const bad = await runPond(['--pond', pondDir, 'serve', '--max-upload', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--max-upload');

    const served = await startServeProcess(join(dir, 'process'), pondDir, ['--max-upload', '2']);
    const call = async (method: string) => {
      const res = await fetch(new URL(`/api/${method}`, served.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      return ((await res.json()) as { value: unknown }).value;
    };
    const mib = 1024 * 1024;
    expect(await call('appInfo')).toMatchObject({ uploadLimitBytes: 2 * mib });
    const handle = ((await call('openPonds')) as PondSummary[])[0]!.handle;
    const path = (name: string) =>
      `/upload?pond=${encodeURIComponent(handle)}&name=${encodeURIComponent(name)}`;
    const headers = {
      Authorization: `Bearer ${served.token}`,
      'Content-Type': 'application/octet-stream',
    };
    const big = await post(path('big.csv'), headers, Buffer.alloc(2 * mib + 1, 48), served.port);
    expect(big.status).toBe(413);
    expect(big.error?.message).toContain('pond serve --max-upload');
    const fits = await post(path('fits.csv'), headers, Buffer.alloc(2 * mib, 48), served.port);
    expect(fits.status).toBe(200);
    expect(await staged()).toHaveLength(1);
    expect(await served.stop('SIGTERM')).toBe(0);
    expect(await staged()).toEqual([]);
    // The servers (this one and the test's own) left nothing fsck calls foreign.
    const fsck = await runPond(['--pond', pondDir, 'fsck']);
    expect(fsck.stdout).not.toContain('foreign');
    expect(fsck.code, fsck.stdout).toBe(0);
  });
});

describe('pond serve killed with a staged conversion', () => {
  it('kill -9 after a preview leaves its upload and conversion for maintain, which removes them', async () => {
    const pondKilled = join(dir, 'killed');
    const p = await createPond(pondKilled, 'killed', { command: ['test', 'init'] });
    await p.close();
    const served = await startServeProcess(join(dir, 'killed-process'), pondKilled);
    const call = async <T>(method: string, arg: unknown): Promise<T> => {
      const res = await fetch(new URL(`/api/${method}`, served.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ arg }),
      });
      const body = (await res.json()) as { ok: boolean; value: T; error?: ErrorInfo };
      if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
      return body.value;
    };
    const handle = (await call<PondSummary[]>('openPonds', undefined))[0]!.handle;
    const csv = Buffer.from('timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n');
    const up = await post(
      `/upload?pond=${encodeURIComponent(handle)}&name=k.csv`,
      { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/octet-stream' },
      csv,
      served.port,
    );
    expect(up.status).toBe(200);
    const source = up.value as ImportSource;
    const spec = await call<unknown>('importProposal', {
      pond: handle,
      source: source.id,
      dest: '/',
    });
    const preview = await call<ImportFilePreview>('importPreview', { pond: handle, file: spec });
    expect(preview.preview.problems).toEqual([]);
    const folder = join(pondKilled, 'data', '_large_files', '_staging');
    const [owner] = await readdir(folder);
    const files = await readdir(join(folder, owner!));
    expect(files.filter((f) => f.endsWith('.parquet'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('upload-'))).toHaveLength(1);

    expect(await served.stop('SIGKILL')).toBe('SIGKILL');
    const m = await runPond(['--pond', pondKilled, 'maintain']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/1 staging folders/);
    expect(await readdir(folder)).toEqual([]);
    // Nothing of the server's is left, DuckDB's spill folder included (fsck: no foreign entry).
    const fsck = await runPond(['--pond', pondKilled, 'fsck']);
    expect(fsck.stdout.trim().split('\n').pop()).toBe('OK');
    expect(fsck.stdout).not.toContain('foreign');
  });
});
