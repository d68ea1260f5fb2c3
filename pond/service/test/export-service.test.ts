import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExportSettings,
  ExportSummary,
  JobInfo,
  ResultExportSummary,
  WriteJobResult,
} from '../../../shared/api.js';
import { copyIn } from '../../import/copy-in.js';
import { openPond } from '../open-pond.js';
import { LocalPondService, type HostDialogs } from '../pond-service.js';
import { fsck } from '../../tlogfs/fsck.js';
import { duck, errorCode, parquet, pondWithSeries, scratch, waitingResults } from './fixtures.js';

let s: Awaited<ReturnType<typeof scratch>>;
let pondDir: string;
let root: string;
let source: string;

beforeAll(async () => {
  s = await scratch('pond-export-svc-');
  pondDir = join(s.dir, 'pond');
  root = join(s.dir, 'exports');
  await mkdir(root);
  source = join(s.dir, 'readings.parquet');
  // 20,000 rows over about 14 days, with a value that repeats (so a sort must break ties).
  await parquet(
    source,
    `SELECT TIMESTAMPTZ '2024-01-30 00:00:00+00' + to_minutes(i) AS timestamp,
            (i % 97)::DOUBLE / 4 AS level, 'site ' || (i % 3) AS site FROM range(20000) t(i)`,
  );
  await pondWithSeries(pondDir, [source]);
  // A series imported as `pond copy` does: its versions record their time range.
  const pond = await openPond(pondDir);
  try {
    await copyIn(pond, [`host+series://${source}`], '/other/', { command: ['test', 'copy'] });
  } finally {
    await pond.close();
  }
});
afterAll(async () => s.cleanup());

function served(exportRoot?: string, dialogs?: HostDialogs): LocalPondService {
  return new LocalPondService({
    mode: dialogs ? 'electron' : 'browser',
    appData: s.appData,
    ...(exportRoot ? { exportRoot } : {}),
    ...(dialogs ? { dialogs } : {}),
  });
}

const settings = (dir: string, more: Partial<ExportSettings> = {}): ExportSettings => ({
  patterns: ['/data/*.series'],
  dir,
  temporal: ['year', 'month', 'day'],
  templates: [],
  vars: {},
  format: 'parquet',
  ...more,
});

async function finish(svc: LocalPondService, job: JobInfo | undefined): Promise<JobInfo> {
  if (!job) throw new Error('no job');
  return svc.jobRunner.wait(job.id);
}

describe('the export wizard’s service', () => {
  it('live matches: captures and places per pattern, errors inline', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      const m = await svc.exportMatches({
        pond: handle,
        patterns: ['/data/*.series', '/data', '/nothing/*', '/a/**b', '', '/other/*.parquet'],
      });
      // A series whose versions recorded no time range shows none (the dry run counts it).
      expect(m[0]).toEqual({
        pattern: '/data/*.series',
        matches: [
          {
            path: '/data/readings.series',
            kind: 'series',
            captures: ['readings'],
            out: 'readings',
          },
        ],
      });
      expect(m[5]!.error?.message).toMatch(/would both be written to/);
      const copied = await svc.exportMatches({ pond: handle, patterns: ['/other/*'] });
      expect(copied[0]!.matches).toEqual([
        {
          path: '/other/readings.parquet',
          kind: 'series',
          captures: ['readings.parquet'],
          out: 'readings.parquet',
          start: '2024-01-30T00:00:00Z',
          end: '2024-02-12T21:19:00Z',
        },
      ]);
      expect(m[1]!.error).toMatchObject({ code: 'EXPORT_ERROR' });
      expect(m[1]!.error!.message).toMatch(/matches directories, which are not exportable/);
      expect(m[2]!.error).toMatchObject({ code: 'NOT_FOUND' });
      expect(m[3]!.error!.message).toMatch(/'\*\*' must be a whole path component/);
      expect(m[4]!.error!.message).toMatch(/empty pattern/);
    } finally {
      await svc.close();
    }
  });

  it('the dry run and the run agree, and the run is offered for download', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      const plan = await svc.exportPlan({ pond: handle, settings: settings('portal') });
      expect(plan.dir).toBe(join(root, 'portal'));
      expect(plan.totals).toEqual({ targets: 1, files: 14, rows: 20000 });
      expect(plan.targets[0]!.files[0]).toMatchObject({
        path: 'readings/year=2024/month=1/day=30/data.parquet',
        start: '2024-01-30T00:00:00Z',
        end: '2024-01-31T00:00:00Z',
        rows: 1440,
        first: '2024-01-30T00:00:00Z',
        last: '2024-01-30T23:59:00Z',
      });
      expect(plan.command).toBe(
        `pond export -p '/data/*.series' --dir ${join(root, 'portal')} --temporal year,month,day`,
      );
      expect(existsSync(join(root, 'portal'))).toBe(false);
      const done = await finish(
        svc,
        await svc.exportRun({ pond: handle, settings: settings('portal') }),
      );
      expect(done.state).toBe('done');
      const summary = done.result as ExportSummary;
      expect(summary.totals).toMatchObject({ targets: 1, files: 14, rows: 20000 });
      const strip = (f: {
        path: string;
        start: string | null;
        end: string | null;
        rows: number;
      }) => [f.path, f.start, f.end, f.rows];
      expect(summary.targets[0]!.files.map(strip)).toEqual(plan.targets[0]!.files.map(strip));
      const meta = JSON.parse(await readFile(join(root, 'portal', 'export.json'), 'utf8'));
      expect(meta.exports['/data/*.series'].readings.files.map(strip)).toEqual(
        plan.targets[0]!.files.map(strip),
      );
      const offered = await svc.download(done.id);
      expect(offered).toMatchObject({
        kind: 'folder',
        dir: join(root, 'portal'),
        name: 'portal.zip',
      });
      expect(offered?.kind === 'folder' && offered.files.length).toBe(15);
    } finally {
      await svc.close();
    }
  });

  it('writes only under the export root: .. and symlinks are resolved first', async () => {
    const svc = served(root);
    const outside = join(s.dir, 'outside');
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(root, 'sneaky'));
    try {
      const { handle } = await svc.openPath(pondDir);
      expect((await svc.appInfo()).exportRoot).toBe(root);
      for (const dir of ['../outside', outside, 'sneaky/x', join(root, 'sneaky')]) {
        expect(await errorCode(svc.exportRun({ pond: handle, settings: settings(dir) })), dir).toBe(
          'PATH_ESCAPE',
        );
        expect(
          await errorCode(svc.exportPlan({ pond: handle, settings: settings(dir) })),
          dir,
        ).toBe('PATH_ESCAPE');
      }
      expect(await readdir(outside)).toEqual([]);
      // Host templates are refused under pond serve: they are read from the pond.
      const t = settings('ok', { templates: [`host://${source}`] });
      expect(await errorCode(svc.exportPlan({ pond: handle, settings: t }))).toBe('PATH_ESCAPE');
    } finally {
      await svc.close();
    }
    const closed = served();
    try {
      const { handle } = await closed.openPath(pondDir);
      expect((await closed.appInfo()).exportRoot).toBeUndefined();
      expect(await errorCode(closed.exportRun({ pond: handle, settings: settings(root) }))).toBe(
        'UNSUPPORTED',
      );
    } finally {
      await closed.close();
    }
  });

  it('a cancelled export leaves no partition, no staging folder, no output folder', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      let cancelled = false;
      svc.onJobEvent((j) => {
        if (j.kind === 'export' && j.state === 'running' && !cancelled) {
          cancelled = true;
          void svc.cancelJob(j.id);
        }
      });
      const done = await finish(
        svc,
        await svc.exportRun({
          pond: handle,
          settings: settings('cancelled', { temporal: ['year', 'month', 'day', 'hour', 'minute'] }),
        }),
      );
      expect(done.state).toBe('cancelled');
      expect(existsSync(join(root, 'cancelled'))).toBe(false);
      expect((await readdir(root)).filter((n) => n.includes('staging'))).toEqual([]);
      expect(await svc.download(done.id)).toBeUndefined();
    } finally {
      await svc.close();
    }
  });
});

describe('export profiles in the app', () => {
  it('are saved as one transaction, listed, and replaced only when asked', async () => {
    const svc = served(root);
    try {
      const p = await svc.openPath(pondDir);
      expect(await svc.exportProfiles({ pond: p.handle })).toEqual([]);
      const job = await svc.saveExportProfile({
        pond: p.handle,
        path: '/etc/exports/portal.yaml',
        settings: settings('portal', { startTime: '-30d', vars: { title: 'Levels' } }),
        overwrite: false,
      });
      expect(job.pond).toBe(p.handle);
      const done = await finish(svc, job);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      const txn = (done.result as WriteJobResult).txn!;
      expect(txn).toBe(p.lastTxn + 1);
      expect((await svc.openPonds())[0]!.lastTxn).toBe(txn);
      const [h] = await svc.history({ pond: p.handle, limit: 1 });
      expect(h!.command).toEqual(['app', 'export', 'save-profile', '/etc/exports/portal.yaml']);
      expect(h!.changes.map((c) => c.path)).toContain('/etc/exports/portal.yaml');

      const listed = await svc.exportProfiles({ pond: p.handle });
      expect(listed).toEqual([
        {
          path: '/etc/exports/portal.yaml',
          settings: settings(join(root, 'portal'), {
            startTime: '-30d',
            vars: { title: 'Levels' },
          }),
        },
      ]);
      const again = await finish(
        svc,
        await svc.saveExportProfile({
          pond: p.handle,
          path: '/etc/exports/portal.yaml',
          settings: settings('portal'),
          overwrite: false,
        }),
      );
      expect(again.state).toBe('failed');
      expect(again.error?.code).toBe('ALREADY_EXISTS');
      expect((await svc.openPonds())[0]!.lastTxn).toBe(txn);
      const replaced = await finish(
        svc,
        await svc.saveExportProfile({
          pond: p.handle,
          path: '/etc/exports/portal.yaml',
          settings: settings('portal', { format: 'csv' }),
          overwrite: true,
        }),
      );
      expect(replaced.state).toBe('done');
      expect((await svc.exportProfiles({ pond: p.handle }))[0]!.settings!.format).toBe('csv');
      const details = await svc.details({ pond: p.handle, path: '/etc/exports/portal.yaml' });
      expect(details.versions).toHaveLength(2);

      // Bad settings are refused before any job starts, naming the key.
      const bad = svc.saveExportProfile({
        pond: p.handle,
        path: '/etc/exports/bad.yaml',
        settings: settings('portal', { temporal: ['month'] }),
        overwrite: false,
      });
      expect(await errorCode(bad)).toBe('BAD_CONFIG');
      expect(
        await errorCode(
          svc.saveExportProfile({
            pond: p.handle,
            path: '/etc/exports/outside.yaml',
            settings: settings('../x'),
            overwrite: false,
          }),
        ),
      ).toBe('PATH_ESCAPE');
      expect(
        await errorCode(
          svc.saveExportProfile({
            pond: p.handle,
            path: '/etc/exports/portal.txt',
            settings: settings('portal'),
            overwrite: false,
          }),
        ),
      ).toBe('INVALID_ARGUMENT');
    } finally {
      await svc.close();
    }
  });
});

describe('export this result', () => {
  const sql = `SELECT timestamp, level, site FROM source WHERE level > 20 ORDER BY level`;

  it('writes the whole result, with the grid’s sort, as plain DuckDB computes it', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      const job = await svc.exportResult({
        pond: handle,
        path: '/data/readings.series',
        sql,
        sort: [
          { column: 'level', descending: true },
          { column: 'timestamp', descending: false },
        ],
        format: 'csv',
      });
      const done = await finish(svc, job);
      expect(done.state).toBe('done');
      const summary = done.result as ResultExportSummary;
      const offered = await svc.download(done.id);
      if (offered?.kind !== 'file') throw new Error('no file');
      expect(offered.name).toBe('readings.csv');
      const [expected] = await duck<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM read_parquet('${source}') WHERE level > 20`,
      );
      expect(summary).toMatchObject({ format: 'csv', rows: expected!.n, fileName: 'readings.csv' });
      // Compared with plain DuckDB on the same query: the same rows, in the same order, each
      // value as DuckDB has it (times read back from their ISO text).
      const ours = await readFile(offered.path, 'utf8');
      const plain = await duck<{ t: number; level: number; site: string }>(
        `SELECT epoch_ms(timestamp)::DOUBLE AS t, level, site FROM read_parquet('${source}')
         WHERE level > 20 ORDER BY level DESC, timestamp ASC`,
      );
      const lines = ours.split('\n');
      expect(lines[0]).toBe('timestamp,level,site');
      expect(lines.at(-1)).toBe('');
      const rows = lines.slice(1, -1).map((l) => l.split(','));
      expect(rows).toHaveLength(plain.length);
      rows.forEach(([t, level, site], i) => {
        expect(t, `row ${i}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect([Date.parse(t!), Number(level), site]).toEqual([
          plain[i]!.t,
          plain[i]!.level,
          plain[i]!.site,
        ]);
      });
      await svc.downloaded(done.id);
      expect(existsSync(offered.path)).toBe(false);
      expect(await svc.download(done.id)).toBeUndefined();
    } finally {
      await svc.close();
    }
  });

  it('Parquet keeps the types; JSON lines writes one object per row', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      for (const format of ['parquet', 'jsonl'] as const) {
        const done = await finish(
          svc,
          await svc.exportResult({ pond: handle, path: '/data/readings.series', sql, format }),
        );
        const offered = await svc.download(done.id);
        if (offered?.kind !== 'file') throw new Error(`no ${format} file`);
        const reader = format === 'parquet' ? 'read_parquet' : 'read_json';
        const [back] = await duck<{ n: number; t: string }>(
          `SELECT count(*)::INTEGER AS n, typeof(any_value(timestamp)) AS t FROM ${reader}('${offered.path}')`,
        );
        expect(back!.n).toBe((done.result as ResultExportSummary).rows);
        if (format === 'parquet') expect(back!.t).toBe('TIMESTAMP WITH TIME ZONE');
        else {
          const first = (await readFile(offered.path, 'utf8')).split('\n')[0]!;
          expect(JSON.parse(first)).toEqual({
            timestamp: expect.stringMatching(/^2024-\d\d-\d\dT\d\d:\d\d:00Z$/),
            level: 20.25,
            site: expect.stringMatching(/^site \d$/),
          });
        }
      }
      // Parquet cannot hold two columns of one name: refused with the reason.
      const twice = await finish(
        svc,
        await svc.exportResult({
          pond: handle,
          path: '/data/readings.series',
          sql: 'SELECT level, level FROM source',
          format: 'parquet',
        }),
      );
      expect(twice.error?.message).toMatch(/two columns named 'level'/);
      // Closing the pond removes the files still waiting for their download.
      expect(await waitingResults(pondDir)).toHaveLength(2);
      // Where they wait is the pond's own: fsck finds nothing foreign.
      expect((await fsck(svc.pond(handle).pond)).foreign).toEqual([]);
      await svc.closePond(handle);
      expect(await waitingResults(pondDir)).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('a cancelled or failed result export leaves no file', async () => {
    const svc = served(root);
    try {
      const { handle } = await svc.openPath(pondDir);
      const bad = await finish(
        svc,
        await svc.exportResult({
          pond: handle,
          path: '/data/readings.series',
          sql: 'SELECT nope FROM source',
          format: 'csv',
        }),
      );
      expect(bad.error?.code).toBe('SQL_ERROR');
      const job = await svc.exportResult({
        pond: handle,
        path: '/data/readings.series',
        // Slow on purpose: a cross join the cancel interrupts.
        sql: 'SELECT a.level, b.level AS l2 FROM source a, source b',
        format: 'csv',
      });
      setTimeout(() => void svc.cancelJob(job!.id), 300);
      const done = await finish(svc, job);
      expect(done.state).toBe('cancelled');
      expect(await waitingResults(pondDir)).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('in the desktop app: a save dialog first, a folder dialog for the wizard', async () => {
    const chosen = join(s.dir, 'desktop');
    await mkdir(chosen, { recursive: true });
    const answers: (string | undefined)[] = [];
    const shown: string[] = [];
    const dialogs: HostDialogs = {
      chooseExistingPond: async () => undefined,
      chooseNewPondFolder: async () => undefined,
      chooseSaveFile: async (name) => {
        shown.push(name);
        return answers.shift();
      },
      chooseExportFolder: async () => answers.shift(),
      showFolder: async (path) => void shown.push(`show ${path}`),
    };
    const svc = served(undefined, dialogs);
    try {
      const { handle } = await svc.openPath(pondDir);
      const req = { pond: handle, path: '/data/readings.series', sql, format: 'csv' as const };
      answers.push(undefined);
      expect(await svc.exportResult(req)).toBeUndefined();
      answers.push(join(chosen, 'levels.csv'));
      const done = await finish(svc, await svc.exportResult(req));
      expect(done.result).toMatchObject({ savedTo: join(chosen, 'levels.csv') });
      expect(shown).toEqual(['readings.csv', 'readings.csv']);
      expect((await readFile(join(chosen, 'levels.csv'), 'utf8')).split('\n')[0]).toBe(
        'timestamp,level,site',
      );
      expect(await waitingResults(pondDir)).toEqual([]);

      // The wizard writes only into a folder picked in the dialog (or below it).
      expect(await errorCode(svc.exportPlan({ pond: handle, settings: settings(chosen) }))).toBe(
        'PATH_ESCAPE',
      );
      answers.push(chosen);
      expect(await svc.chooseExportFolder()).toBe(chosen);
      const run = await finish(
        svc,
        await svc.exportRun({ pond: handle, settings: settings(join(chosen, 'portal')) }),
      );
      expect(run.state).toBe('done');
      await svc.showExportFolder(run.id);
      expect(shown.at(-1)).toBe(`show ${join(chosen, 'portal')}`);
      expect(await errorCode(svc.exportRun({ pond: handle, settings: settings(s.dir) }))).toBe(
        'PATH_ESCAPE',
      );
    } finally {
      await svc.close();
    }
  });
});
