/**
 * The app's import over the service (what `pond serve` and Electron's main call): staged files,
 * proposals, previews that re-plan on every edit and stop when superseded, "Copy as command"
 * planning exactly what the app stores, runs as write jobs (one transaction or one per file), and
 * cancels and failures that leave `pond log`, `pond fsck` and the staging folders as they were.
 */
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileSpec } from '../../../shared/app-import.js';
import type { JobInfo, WriteJobResult } from '../../../shared/api.js';
import { ErrorCode, toErrorInfo } from '../../../shared/errors.js';
import type { ImportedFile } from '../../../shared/import.js';
import { runPond } from '../../cli/test/run-pond.js';
import { literal } from '../../duckdb/sql.js';
import { LocalPondService } from '../pond-service.js';
import { duck, errorCode, pondWithRaw, scratch } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let csv: string;
let bad: string;
let big: string;

beforeAll(async () => {
  s = await scratch('pond-import-svc-');
  csv = join(s.dir, 'north.csv');
  await writeFile(
    csv,
    'timestamp,temperature,site\n' +
      Array.from(
        { length: 48 },
        (_, i) =>
          `2024-07-01 ${String(i % 24).padStart(2, '0')}:${i < 24 ? '00' : '30'}:00,${(10 + i / 4).toFixed(2)},north`,
      ).join('\n') +
      '\n',
  );
  bad = join(s.dir, 'bad.csv');
  await writeFile(
    bad,
    'timestamp,level\n2024-07-01 00:00:00,1.5\n2024-07-01 01:00:00,2.5,extra\n2024-07-01 02:00:00,3\n',
  );
  big = join(s.dir, 'big.csv');
  await duck(
    `COPY (SELECT TIMESTAMP '2020-01-01' + to_seconds(i) AS timestamp, i * 0.5 AS v
           FROM range(3000000) t(i)) TO ${literal(big)} (HEADER)`,
  );
});
afterAll(async () => s?.cleanup());

/** A fresh pond with /raw, opened by a service as `pond serve` opens it. */
function opened(name: string, options: { uploadIdleMs?: number } = {}) {
  return pondWithRaw(s.dir, name, options);
}

/** What `pond log` and `pond fsck` say, and every file under the pond's staging folders. */
async function pondState(dir: string): Promise<string> {
  const log = await runPond(['--pond', dir, 'log']);
  const fsck = await runPond(['--pond', dir, 'fsck']);
  return JSON.stringify([log.stdout, fsck.code, fsck.stdout, await staged(dir)]);
}

async function staged(dir: string): Promise<string[]> {
  const root = join(dir, 'data', '_large_files', '_staging');
  const out: string[] = [];
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory())
        await walk(join(d, e.name), `${rel}${e.name.replace(/^\d+-.*@.*$/, '<own>')}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

async function rows(dir: string, path: string): Promise<string> {
  const r = await runPond(['--pond', dir, 'cat', path, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const types = await runPond([
    '--pond',
    dir,
    'cat',
    path,
    '--sql',
    'DESCRIBE source',
    '--format',
    'csv',
  ]);
  return types.stdout + r.stdout;
}

function upload(svc: LocalPondService, handle: string, name: string, bytes: Buffer) {
  return svc.receiveUpload(handle, name, bytes.length, Readable.from([bytes]));
}

async function finished(svc: LocalPondService, jobs: JobInfo[]): Promise<JobInfo[]> {
  return Promise.all(jobs.map((j) => svc.jobRunner.wait(j.id)));
}

describe('the import wizard over the service', () => {
  it('proposes a series for a CSV with a time column, previews it, runs it as one transaction; the command stores the same rows', async () => {
    const { svc, dir, handle } = await opened('first');
    try {
      const [source] = await svc.stageHostFiles([csv]);
      expect(source).toMatchObject({ name: 'north.csv', format: 'csv' });
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(spec).toEqual({
        source: source!.id,
        target: '/raw/north.csv',
        kind: 'series',
        overrides: {},
      });
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(p.preview.rowCount).toBe(48);
      expect(p.preview.rejects).toEqual([]);
      expect(p.preview.problems).toEqual([]);
      expect(p.preview.plan.mode).toBe('new');
      expect(p.preview.plan.file).toBe('north.csv');
      expect(p.preview.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
        'timestamp TIMESTAMP WITH TIME ZONE',
        'temperature DOUBLE',
        'site VARCHAR',
      ]);
      expect(p.preview.rows[0]).toEqual(['2024-07-01T00:00:00Z', 10, 'north']);
      expect(p.kinds).toEqual(['data', 'table', 'series']);
      expect(p.command).toBe(
        `pond --pond ${dir} -d ${s.dir} copy host+csv+series:///north.csv /raw/north.csv`,
      );

      // Retype a column and rename another: the plan follows, and so does the command.
      const edited: ImportFileSpec = {
        ...spec,
        target: '/raw/north.series',
        overrides: {
          columns: [
            { column: 'temperature', type: 'DECIMAL(6,2)' },
            { column: 'site', rename: 'station' },
          ],
        },
      };
      const p2 = await svc.importPreview({ pond: handle, file: edited });
      expect(p2.preview.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
        'timestamp TIMESTAMP WITH TIME ZONE',
        'temperature DECIMAL(6,2)',
        'station VARCHAR',
      ]);
      expect(p2.command).toBe(
        `pond --pond ${dir} -d ${s.dir} copy host+csv+series:///north.csv /raw/north.series --column 'temperature:DECIMAL(6,2)' --column site=station`,
      );

      // A copy of the pond as it is now, for the command to run on.
      const other = join(s.dir, 'first-cli');
      await cp(dir, other, { recursive: true });
      const before = await svc.openPonds();
      const [job] = await svc.importRun({ pond: handle, files: [edited], transactions: 'one' });
      expect(job!.pond).toBe(handle);
      const [done] = await finished(svc, [job!]);
      expect(done!.state, JSON.stringify(done!.error)).toBe('done');
      const result = done!.result as WriteJobResult<ImportedFile[]>;
      expect(result.txn).toBe(before[0]!.lastTxn + 1);
      expect(result.value).toEqual([
        {
          source: 'host+csv+series:///north.csv',
          path: '/raw/north.series',
          kind: 'series',
          created: true,
          version: 1,
          rows: 48,
        },
      ]);
      const history = await svc.history({ pond: handle, limit: 1 });
      expect(history[0]!.command).toEqual(['app', 'import', '/raw/north.series']);

      // "Copy as command", run by the CLI where the file is, stores the very same rows.
      const words = p2.command
        .match(/'[^']*'|\S+/g)!
        .map((w) => (w.startsWith("'") ? w.slice(1, -1) : w));
      words[2] = other;
      const r = await runPond(words.slice(1));
      expect(r.code, r.stderr).toBe(0);
      expect(await rows(other, '/raw/north.series')).toBe(await rows(dir, '/raw/north.series'));
      // Nothing staged is left: a host file is used where it is and never copied.
      expect(await staged(dir)).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('an upload is staged in the pond, named by an id, and removed when imported, released or forgotten', async () => {
    const { svc, dir, handle } = await opened('uploads', { uploadIdleMs: 400 });
    try {
      const bytes = Buffer.from('timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n');
      const a = await upload(svc, handle, 'a.csv', bytes);
      expect(a).toMatchObject({ name: 'a.csv', size: bytes.length, format: 'csv' });
      const files = await staged(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^<own>\/upload-[0-9a-f-]+\/a\.csv$/);
      const spec = await svc.importProposal({ pond: handle, source: a.id, dest: '/raw' });
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(p.command).toBe(`pond --pond ${dir} -d . copy host+csv+series:///a.csv /raw/a.csv`);
      expect(p.commandNote).toBe('Run it in the folder that holds a.csv.');
      const [done] = await finished(
        svc,
        await svc.importRun({ pond: handle, files: [spec], transactions: 'one' }),
      );
      expect(done!.state).toBe('done');
      // Imported: the upload is gone, and so is its id.
      expect(await staged(dir)).toEqual([]);
      expect(await errorCode(svc.importPreview({ pond: handle, file: spec }))).toBe(
        ErrorCode.NotFound,
      );

      // An error names the file as the user knows it, not the folder it is staged in.
      const png = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 1, 0, 255, 254, 0, 0,
      ];
      const fake = await upload(svc, handle, 'photo.csv', Buffer.from(png));
      const bad = await svc
        .importPreview({
          pond: handle,
          file: { source: fake.id, target: '/raw/fake', kind: 'table', overrides: {} },
        })
        .catch((e: unknown) => toErrorInfo(e));
      expect(bad).toMatchObject({ code: ErrorCode.BadInput });
      expect(JSON.stringify(bad)).toContain('sniffing file \\"photo.csv\\"');
      expect(JSON.stringify(bad)).not.toContain('_staging');
      await svc.releaseImportSources([fake.id]);

      // Released by the wizard.
      const b = await upload(svc, handle, 'b.csv', bytes);
      expect(await staged(dir)).toHaveLength(1);
      await svc.releaseImportSources([b.id, 'no-such-id']);
      expect(await staged(dir)).toEqual([]);

      // Forgotten: its page went away, and nothing used it for the idle time.
      await upload(svc, handle, 'c.csv', bytes);
      expect(await staged(dir)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await staged(dir)).toEqual([]);

      // Cut short, too large, or with a name a URL cannot hold: refused, nothing left.
      const cut = svc.receiveUpload(handle, 'cut.csv', 1000, Readable.from([bytes]));
      expect(await errorCode(cut)).toBe(ErrorCode.BadInput);
      const broken = new Readable({
        read() {
          this.destroy(new Error('the client went away'));
        },
      });
      await expect(svc.receiveUpload(handle, 'gone.csv', 10, broken)).rejects.toThrow(
        'the client went away',
      );
      expect(
        await errorCode(svc.receiveUpload(handle, 'huge.csv', 5 * 1024 ** 3, Readable.from([]))),
      ).toBe(ErrorCode.InvalidArgument);
      expect(await errorCode(upload(svc, handle, 'x#1.csv', bytes))).toBe(
        ErrorCode.InvalidArgument,
      );
      expect(await errorCode(upload(svc, handle, '../x.csv', bytes))).toBe(
        ErrorCode.InvalidArgument,
      );
      expect(await staged(dir)).toEqual([]);
      // Closing the service removes what is still staged.
      await upload(svc, handle, 'd.csv', bytes);
      expect(await staged(dir)).toHaveLength(1);
    } finally {
      await svc.close();
    }
    expect(await staged(dir)).toEqual([]);
  });

  it('shows bad rows with their lines; running it anyway fails naming the line, and changes nothing', async () => {
    const { svc, dir, handle } = await opened('rejects');
    try {
      const [source] = await svc.stageHostFiles([bad]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(spec.kind).toBe('series');
      const p = await svc.importPreview({ pond: handle, file: spec });
      expect(p.preview.rejectCount).toBe(1);
      expect(p.preview.rejects[0]).toMatchObject({ line: 3 });
      expect(p.preview.problems[0]).toMatch(/^1 row cannot be read \(first: line 3/);
      const before = await pondState(dir);
      const [done] = await finished(
        svc,
        await svc.importRun({ pond: handle, files: [spec], transactions: 'one' }),
      );
      expect(done!.state).toBe('failed');
      expect(done!.error?.code).toBe(ErrorCode.BadInput);
      expect(done!.error?.message).toContain('bad.csv');
      expect(done!.error?.message).toContain('line 3');
      expect(await pondState(dir)).toBe(before);
      // Imported without the bad row, as the wizard offers: the others are stored.
      const skipping = { ...spec, overrides: { skipRejected: true } };
      const p2 = await svc.importPreview({ pond: handle, file: skipping });
      expect(p2.preview.problems).toEqual([]);
      expect(p2.preview.rowCount).toBe(2);
      expect(p2.command).toContain('--skip-rejected');
    } finally {
      await svc.close();
    }
  });

  it('several files: one transaction for all, or one per file; two files to one path are refused', async () => {
    const { svc, handle } = await opened('several');
    try {
      const [a, b] = await svc.stageHostFiles([csv, bad]);
      const specA = await svc.importProposal({ pond: handle, source: a!.id, dest: '/raw' });
      const specB = {
        ...(await svc.importProposal({ pond: handle, source: b!.id, dest: '/raw' })),
        overrides: { skipRejected: true },
      };
      const start = (await svc.openPonds())[0]!.lastTxn;
      const one = await finished(
        svc,
        await svc.importRun({ pond: handle, files: [specA, specB], transactions: 'one' }),
      );
      expect(one.map((j) => j.state)).toEqual(['done']);
      expect((one[0]!.result as WriteJobResult<ImportedFile[]>).value.map((f) => f.path)).toEqual([
        '/raw/north.csv',
        '/raw/bad.csv',
      ]);
      expect((await svc.openPonds())[0]!.lastTxn).toBe(start + 1);

      // Each a new version, one transaction per file.
      const each = await finished(
        svc,
        await svc.importRun({
          pond: handle,
          files: [
            { ...specA, target: '/raw/north.csv' },
            { ...specB, target: '/raw/bad.csv' },
          ],
          transactions: 'each',
        }),
      );
      expect(each.map((j) => j.state)).toEqual(['done', 'done']);
      expect(
        each.map((j) => (j.result as WriteJobResult<ImportedFile[]>).value[0]!.version),
      ).toEqual([2, 2]);
      expect((await svc.openPonds())[0]!.lastTxn).toBe(start + 3);

      // Dropped on an existing file: its new version, as its own kind only.
      const onFile = await svc.importProposal({
        pond: handle,
        source: a!.id,
        dest: '/raw/north.csv',
      });
      expect(onFile).toMatchObject({ target: '/raw/north.csv', kind: 'series' });
      const p = await svc.importPreview({ pond: handle, file: onFile });
      expect(p.kinds).toEqual(['series']);
      expect(p.preview.plan).toMatchObject({ mode: 'append', existingVersions: 2 });
      expect(p.preview.schemaChanges?.every((c) => c.change === 'same')).toBe(true);

      // Two files to one path, in either mode: the second's plan says "new", and the first made it.
      const before = (await svc.openPonds())[0]!.lastTxn;
      for (const transactions of ['one', 'each'] as const) {
        expect(
          await errorCode(
            svc.importRun({
              pond: handle,
              files: [
                { ...specA, target: '/raw/same' },
                { ...specB, target: '/raw/same' },
              ],
              transactions,
            }),
          ),
        ).toBe(ErrorCode.InvalidArgument);
      }
      expect((await svc.openPonds())[0]!.lastTxn).toBe(before);
    } finally {
      await svc.close();
    }
  });

  it('a newer preview for the same screen stops the older one; a cancel during conversion leaves the pond as it was', async () => {
    const { svc, dir, handle } = await opened('cancel');
    try {
      const [source] = await svc.stageHostFiles([big]);
      const spec = await svc.importProposal({ pond: handle, source: source!.id, dest: '/raw' });
      expect(spec.kind).toBe('series');
      const slot = 'tab:import-preview';
      const stale = svc.importPreview({ pond: handle, file: spec, query: { id: 'p1', slot } });
      await new Promise((r) => setTimeout(r, 200));
      const fresh = svc.importPreview({
        pond: handle,
        file: { ...spec, overrides: { columns: [{ column: 'v', type: 'VARCHAR' }] } },
        query: { id: 'p2', slot },
      });
      expect(await errorCode(stale)).toBe(ErrorCode.Cancelled);
      expect((await fresh).preview.rowCount).toBe(3_000_000);
      // Only the fresh preview's conversion is staged (for a run of its plan).
      expect(await staged(dir)).toEqual([expect.stringMatching(/^<own>\/[0-9a-f-]+\.parquet$/)]);

      const [log, code, report] = JSON.parse(await pondState(dir)) as unknown[];
      // Cancelled once the conversion has begun (its first progress), not after a guessed delay:
      // a cancel that lands while the file is placed leaves an orphan blob for maintain.
      const converting = new Promise<string>((resolve) => {
        const stop = svc.jobRunner.subscribe((j) => {
          if (j.kind === 'import' && j.progress.message.startsWith('importing')) {
            stop();
            resolve(j.id);
          }
        });
      });
      const [job] = await svc.importRun({ pond: handle, files: [spec], transactions: 'one' });
      expect(await converting).toBe(job!.id);
      await new Promise((r) => setTimeout(r, 50));
      await svc.cancelJob(job!.id);
      const [done] = await finished(svc, [job!]);
      expect(done!.state).toBe('cancelled');
      // The pond is as it was, and nothing is staged: the run of another plan discarded the
      // fresh preview's conversion, and the cancel removed the run's own.
      expect(JSON.parse(await pondState(dir))).toEqual([log, code, report, []]);
      // The file is still staged for another try.
      expect((await svc.importPreview({ pond: handle, file: spec })).preview.rowCount).toBe(
        3_000_000,
      );
    } finally {
      await svc.close();
    }
  });

  it('refuses to drop on a derived node or a missing path, and non-CSV files are proposed as data', async () => {
    const { svc, handle } = await opened('refusals');
    try {
      const png = join(s.dir, 'photo.png');
      await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
      const [p] = await svc.stageHostFiles([png]);
      expect(await svc.importProposal({ pond: handle, source: p!.id, dest: '/raw' })).toMatchObject(
        {
          kind: 'data',
          target: '/raw/photo.png',
        },
      );
      expect(
        await errorCode(svc.importProposal({ pond: handle, source: p!.id, dest: '/nowhere' })),
      ).toBe(ErrorCode.NotFound);
      // A CSV name that does not hold CSV: a table, whose preview says why it cannot be read.
      const fake = join(s.dir, 'fake.csv');
      await writeFile(fake, Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0, 0, 3, 10]));
      const [f] = await svc.stageHostFiles([fake]);
      const spec = await svc.importProposal({ pond: handle, source: f!.id, dest: '/raw' });
      expect(spec.kind).toBe('table');
      const e = await svc.importPreview({ pond: handle, file: spec }).catch((x: unknown) => x);
      expect((e as Error).message).toContain('fake.csv');
      expect(await errorCode(svc.stageHostFiles([s.dir]))).toBe(ErrorCode.WrongType);
      expect(await errorCode(svc.stageHostFiles(['relative.csv']))).toBe(ErrorCode.InvalidArgument);
    } finally {
      await svc.close();
    }
  });

  it('tells the UI about commits made by another process, once each', async () => {
    const { svc, dir, handle } = await opened('watch');
    try {
      const seen: number[] = [];
      svc.onPondChanged((p) => {
        if (p.handle === handle) seen.push(p.lastTxn);
      });
      const start = (await svc.openPonds())[0]!.lastTxn;
      const r = await runPond(['--pond', dir, 'mkdir', '/from-cli']);
      expect(r.code, r.stderr).toBe(0);
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual([start + 1]);
      await runPond(['--pond', dir, 'mkdir', '/again']);
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual([start + 1, start + 2]);
    } finally {
      await svc.close();
    }
  });
});
