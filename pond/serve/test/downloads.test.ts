/**
 * Downloads from `pond serve`: a real pond, a real server, real HTTP; zips checked with the
 * system's `unzip` and Python's zipfile, never with our own reader.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportSummary, JobInfo, PondSummary } from '../../../shared/api.js';
import { LocalPondService } from '../../service/pond-service.js';
import { parquet, pondWithSeries, waitingResults } from '../../service/test/fixtures.js';
import { startServer, type RunningServer } from '../http-server.js';
import { writeZip } from '../zip-writer.js';

let dir: string;
let root: string;
let svc: LocalPondService;
let server: RunningServer;
let pond: PondSummary;

/** GETs a path; the body is saved to `into` (streamed) or returned as a Buffer. */
function get(
  path: string,
  headers: Record<string, string>,
  into?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      const file = into ? createWriteStream(into) : undefined;
      res.on('data', (d: Buffer) => (file ? file.write(d) : chunks.push(d)));
      res.on('end', () => {
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        if (file) file.end(done);
        else done();
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = () => ({ Authorization: `Bearer ${server.token}` });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The archive as Python's zipfile reads it: names, and each file's SHA-256 (it checks CRCs). */
function pythonZip(zip: string): Record<string, string> {
  const out = execFileSync('python3', [
    '-c',
    'import sys, zipfile, hashlib, json\n' +
      'z = zipfile.ZipFile(sys.argv[1])\n' +
      'assert z.testzip() is None\n' +
      'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))',
    zip,
  ]);
  return JSON.parse(out.toString()) as Record<string, string>;
}

async function finished(job: JobInfo | undefined): Promise<JobInfo> {
  const done = await svc.jobRunner.wait(job!.id);
  expect(done.error).toBeUndefined();
  return done;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pond-downloads-'));
  root = join(dir, 'exports');
  await mkdir(root);
  const v1 = join(dir, 'v1.parquet');
  await parquet(
    v1,
    `SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i * 7) AS timestamp, i AS x, 'é' || i AS s FROM range(30000) t(i)`,
  );
  await pondWithSeries(join(dir, 'pond'), [v1]);
  const bundle = join(dir, 'bundle');
  await mkdir(bundle);
  await writeFile(join(bundle, 'index.html'), '<!doctype html>');
  svc = new LocalPondService({ mode: 'browser', appData: join(dir, 'app'), exportRoot: root });
  pond = await svc.openPath(join(dir, 'pond'));
  server = await startServer({ service: svc, staticDir: bundle, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await svc?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pond serve downloads', () => {
  it('a finished export as one zip, streamed, that unzip and Python read back exactly', async () => {
    const done = await finished(
      await svc.exportRun({
        pond: pond.handle,
        settings: {
          patterns: ['/data/*.series', '/data/*.txt'],
          dir: 'portal',
          temporal: ['year', 'month'],
          templates: [],
          vars: {},
          format: 'csv',
        },
      }),
    );
    const summary = done.result as ExportSummary;
    const zip = join(dir, 'portal.zip');
    const r = await get(`/download/${done.id}`, bearer(), zip);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="portal.zip"; filename*=UTF-8''portal.zip`,
    );
    execFileSync('unzip', ['-tq', zip]);
    const inZip = pythonZip(zip);
    const expected: Record<string, string> = {};
    for (const f of [...summary.targets.flatMap((t) => t.files.map((x) => x.path)), 'export.json'])
      expected[`portal/${f}`] = sha(await readFile(join(root, 'portal', f)));
    expect(inZip).toEqual(expected);
    expect(Object.keys(inZip)).toContain('portal/notes.txt');
    expect(Object.keys(inZip)).toContain('portal/readings/year=2024/month=5/data.csv');
  });

  it('a result file, then gone; no token, no download', async () => {
    const done = await finished(
      await svc.exportResult({
        pond: pond.handle,
        path: '/data/readings.series',
        sql: 'SELECT x, s FROM source WHERE x % 1000 = 0',
        format: 'csv',
      }),
    );
    expect((await get(`/download/${done.id}`, {})).status).toBe(401);
    const r = await get(`/download/${done.id}`, bearer());
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="readings.csv"; filename*=UTF-8''readings.csv`,
    );
    expect(r.body.toString('utf8').split('\n').slice(0, 3)).toEqual(['x,s', '0,é0', '1000,é1000']);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    // Sent whole: the waiting file is gone, and so is the download.
    await expect.poll(() => waitingResults(join(dir, 'pond'))).toEqual([]);
    expect((await get(`/download/${done.id}`, bearer())).status).toBe(404);
    expect((await get('/download/not-a-job', bearer())).status).toBe(404);
    expect((await get('/download/../../etc/passwd', bearer())).status).toBe(404);
  });
});

describe('the zip writer', () => {
  it('writes ZIP64 records that unzip and Python accept, and names in UTF-8', async () => {
    const files = join(dir, 'z');
    await mkdir(files, { recursive: true });
    const entries = [];
    for (const [i, name] of ['a.csv', 'b.parquet', 'ünïcode ✓.txt', 'empty.csv'].entries()) {
      const data =
        name === 'empty.csv' ? Buffer.alloc(0) : Buffer.from(`${name}\n`.repeat(1000 * (i + 1)));
      await writeFile(join(files, name), data);
      entries.push({ name: `dir/${name}`, path: join(files, name) });
    }
    for (const forceZip64 of [false, true]) {
      const zip = join(dir, `z${forceZip64}.zip`);
      const out = createWriteStream(zip);
      await writeZip(out, entries, { forceZip64 });
      execFileSync('unzip', ['-tq', zip]);
      const read = pythonZip(zip);
      for (const e of entries) expect(read[e.name]).toBe(sha(await readFile(e.path)));
      const listing = execFileSync('unzip', ['-Z', '-v', zip]).toString();
      expect(listing.includes('PKWARE 64-bit sizes'), `zip64 ${forceZip64}`).toBe(forceZip64);
    }
    expect(existsSync(join(dir, 'zfalse.zip'))).toBe(true);
  });
});
