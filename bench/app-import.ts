/**
 * app-import: the 5M-row CSV through the app's import path (issue 11), two ways:
 * - the browser's (`pond serve`): the file's bytes uploaded over HTTP, the wizard's proposal and
 *   preview (its plan, from a scan of the whole file), then the run as a write job, until the
 *   server pushes the job's end over its WebSocket (as the page learns it);
 * - the desktop app's: Electron's preload hands the main process the dropped file's path, which
 *   the service stages in place (LocalPondService.stageHostFiles, no upload), then the same
 *   proposal, preview and run. The Electron window cannot run here, so the service is driven
 *   as its main process drives it, with the calls sent over HTTP instead of IPC.
 * Each against plain DuckDB's `COPY (FROM read_csv(...)) TO 'x.parquet'` on the same file in the
 * same run. Bars: time <= 1.3x, the server's peak RSS <= 1.5x DuckDB's, the server's event-loop
 * p99 < 50 ms during the upload and the import (RSS and event loop: the browser's path). The
 * server is its own process (bench/app-import-server.ts), as `pond serve` is; this process is the
 * browser. Runs alternate; medians of RUNS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import type { JobInfo } from '../shared/api.js';
import type { ImportFilePreview, ImportFileSpec, ImportSource } from '../shared/app-import.js';
import {
  API_PREFIX,
  UPLOAD_PATH,
  WS_PATH,
  decodeWire,
  encodeWire,
  type JobMessage,
  type WireResponse,
} from '../shared/wire.js';
import { createPond } from '../pond/service/open-pond.js';
import { sensorCsv } from './series-pond.js';
import { median, ms, ratio, runChild } from './measure.js';

const ROWS = Number(process.env['POND_BENCH_ROWS'] ?? 5_000_000);
const RUNS = Number(process.env['POND_BENCH_RUNS'] ?? 3);
const TIME_BAR = 1.3;
const RSS_BAR = 1.5;
const LAG_BAR_MS = 50;

/** The machine's 1-minute load average: the runs compare well only when it is low. */
const load = (): string => loadavg()[0]!.toFixed(1);

interface AppRun {
  ms: number;
  phases: Record<'upload' | 'proposal' | 'preview' | 'run', number>;
  p99Ms: number;
  maxMs: number;
  phaseP99Ms: Record<string, number>;
  maxRssKb: number;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-bench-app-import-'));
  try {
    const csv = await sensorCsv(dir, ROWS);
    const size = (await stat(csv)).size;
    console.log(`${ROWS} rows of CSV (${(size / 1024 ** 2).toFixed(0)} MiB); ${RUNS} runs of each`);
    const duck: { ms: number; rss: number }[] = [];
    const app: AppRun[] = [];
    const desktop: AppRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = join(dir, `duck${i}.parquet`);
      const d = await runChild('duckdb-csv-to-parquet', { csv, out });
      await rm(out, { force: true });
      duck.push({ ms: d.ms, rss: d.maxRssKb });
      const a = await appImport(dir, i, csv, size, 'upload');
      app.push(a);
      const k = await appImport(dir, i, csv, size, 'path');
      desktop.push(k);
      const p = a.phases;
      console.log(
        `  run ${i + 1} (load ${load()}): duckdb ${ms(d.ms)} ${(d.maxRssKb / 1024).toFixed(0)} MiB | desktop ${ms(k.ms)} ` +
          `(stage ${ms(k.phases.upload)}, proposal ${ms(k.phases.proposal)}, preview ${ms(k.phases.preview)}, run ${ms(k.phases.run)}) ` +
          `| browser ${ms(a.ms)} ` +
          `(upload ${ms(p.upload)}, proposal ${ms(p.proposal)}, preview ${ms(p.preview)}, run ${ms(p.run)}) ` +
          `${(a.maxRssKb / 1024).toFixed(0)} MiB, event loop p99 ${a.p99Ms.toFixed(1)} ms max ${a.maxMs.toFixed(1)} ms ` +
          `(p99 per phase: ${Object.entries(a.phaseP99Ms)
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')})`,
      );
    }
    const [dt, at] = [median(duck.map((x) => x.ms)), median(app.map((x) => x.ms))];
    const [dr, ar] = [median(duck.map((x) => x.rss)), median(app.map((x) => x.maxRssKb))];
    const kt = median(desktop.map((x) => x.ms));
    console.log(
      `app import, browser (upload + plan + run): ${ms(at)} vs duckdb ${ms(dt)} = ${ratio(at, dt)} (bar <= ${TIME_BAR}x)`,
    );
    console.log(
      `app import, desktop (the dropped file's path, plan + run): ${ms(kt)} vs duckdb ${ms(dt)} = ${ratio(kt, dt)} (bar <= ${TIME_BAR}x)`,
    );
    console.log(
      `server peak RSS:                  ${(ar / 1024).toFixed(0)} MiB vs duckdb ${(dr / 1024).toFixed(0)} MiB = ${ratio(ar, dr)} (bar <= ${RSS_BAR}x)`,
    );
    console.log(
      `server event-loop p99:            ${median(app.map((x) => x.p99Ms)).toFixed(1)} ms (bar < ${LAG_BAR_MS} ms), max ${Math.max(...app.map((x) => x.maxMs)).toFixed(1)} ms`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * One import through a fresh server process, timed from the first uploaded byte (or, `via` path,
 * from the desktop app handing the service the dropped file's path) to the job's end.
 */
async function appImport(
  dir: string,
  i: number,
  csv: string,
  size: number,
  via: 'upload' | 'path',
): Promise<AppRun> {
  const pondDir = join(dir, `pond${i}-${via}`);
  const p = await createPond(pondDir, 'bench', { command: ['bench', 'init'] });
  await p.close();
  const script = fileURLToPath(new URL('./app-import-server.js', import.meta.url));
  const child = spawn(process.execPath, [script, pondDir, join(dir, `app${i}-${via}`)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const { url, token, pond } = JSON.parse(String(first.value)) as {
      url: string;
      token: string;
      pond: string;
    };
    const server = new Server(new URL(url).origin, token);
    // The page listens on the server's WebSocket for its jobs' ends.
    const jobs = await server.watchJobs();
    child.stdin.write('start\n');
    const phases = { upload: 0, proposal: 0, preview: 0, run: 0 };
    const time = async <T>(phase: keyof typeof phases, f: () => Promise<T>): Promise<T> => {
      child.stdin.write(`phase ${phase}\n`);
      const t = performance.now();
      const r = await f();
      phases[phase] = performance.now() - t;
      return r;
    };
    const started = performance.now();
    const source = await time('upload', async () => {
      if (via === 'upload') return server.upload(pond, csv, size);
      child.stdin.write(`stage ${csv}\n`);
      return JSON.parse(String((await lines.next()).value)) as ImportSource;
    });
    const spec = await time('proposal', () =>
      server.call<ImportFileSpec>('importProposal', { pond, source: source.id, dest: '/' }),
    );
    const preview = await time('preview', () =>
      server.call<ImportFilePreview>('importPreview', { pond, file: spec }),
    );
    if (preview.preview.rowCount !== ROWS || preview.preview.problems.length > 0) {
      throw new Error(
        `the preview: ${preview.preview.rowCount} rows, ${preview.preview.problems.join('; ')}`,
      );
    }
    const done = await time('run', async () => {
      const [job] = await server.call<JobInfo[]>('importRun', {
        pond,
        files: [spec],
        transactions: 'one',
      });
      return jobs.until(job!.id);
    });
    jobs.close();
    const elapsed = performance.now() - started;
    if (done.state !== 'done')
      throw new Error(`the import ended ${done.state}: ${done.error?.message}`);
    child.stdin.write('stop\n');
    const last = await lines.next();
    const measured = JSON.parse(String(last.value)) as Omit<AppRun, 'ms' | 'phases'>;
    await exited(child);
    return { ms: elapsed, phases, ...measured };
  } finally {
    child.kill();
    await rm(pondDir, { recursive: true, force: true });
  }
}

/** The browser's side of `pond serve`: the API with the token, and the upload route. */
class Server {
  constructor(
    private readonly origin: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, arg: unknown): Promise<T> {
    const res = await fetch(this.origin + API_PREFIX + method, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: encodeWire({ arg }),
    });
    return answer<T>(await res.text(), method);
  }

  /** The file streamed from disk as the body, as the page's XMLHttpRequest sends a File. */
  upload(pond: string, file: string, size: number): Promise<ImportSource> {
    const url = new URL(`${this.origin}${UPLOAD_PATH}`);
    url.searchParams.set('pond', pond);
    url.searchParams.set('name', 'sensors.csv');
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${this.token}`,
            'Content-Type': 'application/octet-stream',
            'Content-Length': size,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            try {
              resolve(answer<ImportSource>(text, 'upload'));
            } catch (e) {
              reject(e as Error);
            }
          });
        },
      );
      req.on('error', reject);
      createReadStream(file).pipe(req);
    });
  }

  /** The jobs' changes as the server pushes them to the page (its `/ws` socket). */
  async watchJobs(): Promise<JobWatch> {
    const url = `${this.origin.replace(/^http/, 'ws')}${WS_PATH}?token=${encodeURIComponent(this.token)}`;
    const socket = new WebSocket(url, { origin: this.origin });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const ended = new Map<string, JobInfo>();
    const waiting = new Map<string, (job: JobInfo) => void>();
    socket.on('message', (data: Buffer) => {
      const msg = decodeWire(data.toString('utf8')) as JobMessage | { type: string };
      if (msg.type !== 'job') return;
      const { job } = msg as JobMessage;
      if (job.state === 'running') return;
      ended.set(job.id, job);
      waiting.get(job.id)?.(job);
    });
    return {
      until: (id) =>
        new Promise((resolve, reject) => {
          const job = ended.get(id);
          if (job) return resolve(job);
          waiting.set(id, resolve);
          socket.once('close', () => reject(new Error(`the socket closed before job ${id} ended`)));
        }),
      close: () => socket.close(),
    };
  }
}

interface JobWatch {
  /** The job's state once it is no longer running. */
  until(id: string): Promise<JobInfo>;
  close(): void;
}

function answer<T>(text: string, what: string): T {
  const body = decodeWire(text) as WireResponse;
  if (!body.ok) throw new Error(`${what}: ${body.error.code} ${body.error.message}`);
  return body.value as T;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}
