import { isPondError } from '../../../shared/errors.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPond } from '../open-pond.js';
import { LocalPondService, type HostDialogs } from '../pond-service.js';

/** A temp folder for one test file: an app data folder and room for ponds. */
export async function scratch(prefix = 'pond-svc-'): Promise<{
  dir: string;
  appData: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    appData: join(dir, 'app-data'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function service(appData: string, dialogs?: HostDialogs): LocalPondService {
  return new LocalPondService({ mode: 'browser', appData, ...(dialogs ? { dialogs } : {}) });
}

/** Writes a Parquet file with plain DuckDB (expected values come from DuckDB, not from us). */
/** Plain-DuckDB helpers shared with the CLI tests (expected values never come from the pond). */
export { duck, writeParquet as parquet } from '../../cli/test/fixtures.js';

/**
 * The result files waiting for their download in a pond (their folders): they wait in the
 * serving process's staging folder of the pond, `<staging>/<owner>/exports/<id>/`.
 */
export async function waitingResults(pondDir: string): Promise<string[]> {
  const root = join(pondDir, 'data', '_large_files', '_staging');
  const out: string[] = [];
  for (const owner of await readdir(root).catch(() => [] as string[]))
    out.push(...(await readdir(join(root, owner, 'exports')).catch(() => [] as string[])));
  return out;
}

/** The code of the PondError a call fails with (the test fails if it succeeds). */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isPondError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}

/**
 * A pond with `/data/readings.series` made of the given Parquet files, one version (and one
 * transaction) each, plus `/data/notes.txt` (data) and `/data/link` (symlink).
 */
export async function pondWithSeries(path: string, versions: string[]): Promise<void> {
  const pond = await createPond(path, 'test', { command: ['test', 'init'] });
  try {
    await pond.write({ command: ['test', 'setup'] }, async (txn) => {
      const wd = await txn.wd();
      await wd.mkdir('/data');
      await wd.writeFile('/data/notes.txt', 'data', { bytes: Buffer.from('hello\n') });
      await wd.create('/data/link', { kind: 'symlink', target: '/data/readings.series' });
    });
    for (const [i, file] of versions.entries()) {
      await pond.write({ command: ['test', 'import', String(i + 1)] }, async (txn) => {
        await (
          await txn.wd()
        ).writeFile('/data/readings.series', 'series', {
          hostPath: file,
          timestampColumn: 'timestamp',
        });
      });
    }
  } finally {
    await pond.close();
  }
}

/** A CSV of `rows` minutes of a `level` reading at site `north` (2024-07-01 from 00:00). */
export function levelCsv(rows: number): string {
  const line = (i: number) =>
    `2024-07-01 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${(100 + i / 8).toFixed(3)},north`;
  return `timestamp,level,site\n${Array.from({ length: rows }, (_, i) => line(i)).join('\n')}\n`;
}

/** A new pond `<root>/<name>` with an empty /raw, opened by a browser-mode service. */
export async function pondWithRaw(
  root: string,
  name: string,
  options: { uploadIdleMs?: number } = {},
): Promise<{ svc: LocalPondService; dir: string; handle: string }> {
  const dir = join(root, name);
  const pond = await createPond(dir, name, { command: ['test', 'init'] });
  await pond.write({ command: ['test', 'mkdir'] }, async (txn) => (await txn.wd()).mkdir('/raw'));
  await pond.close();
  const svc = new LocalPondService({
    mode: 'browser',
    appData: join(root, `${name}-app`),
    ...options,
  });
  const summary = await svc.openPath(dir);
  return { svc, dir, handle: summary.handle };
}
