import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { duck } from '../../cli/test/fixtures.js';
import { errorCode } from '../../service/test/fixtures.js';
import { addRemote, mirror, MIRROR_MANIFEST } from '../index.js';
import { addDay, scratchDir, seriesPond, withPond } from './helpers.js';

describe('pond mirror', () => {
  let s: Awaited<ReturnType<typeof scratchDir>>;
  let source: string;
  let out: string;
  beforeAll(async () => {
    s = await scratchDir('pond-mirror-');
    source = await seriesPond(s.dir, 'source', 3);
    out = join(s.dir, 'mirror');
  });
  afterAll(async () => s.cleanup());

  it('writes data as bytes and series as Parquet (and CSV), then only what changed', async () => {
    const first = await withPond(source, (p) => mirror(p, out, { csv: true }));
    expect(first.written.sort()).toEqual([
      'data/notes.txt',
      'data/readings.series',
      'data/readings.series.csv',
    ]);
    expect(await readFile(join(out, 'data/notes.txt'), 'utf8')).toBe('hello\n');
    // Every row of the three versions, read back with plain DuckDB.
    const [parquetRows] = await duck<{ n: bigint; s: number }>(
      `SELECT count(*) AS n, sum(temperature) AS s FROM read_parquet('${join(out, 'data/readings.series')}')`,
    );
    expect(Number(parquetRows!.n)).toBe(72);
    const [csvRows] = await duck<{ n: bigint }>(
      `SELECT count(*) AS n FROM read_csv('${join(out, 'data/readings.series.csv')}')`,
    );
    expect(Number(csvRows!.n)).toBe(72);
    const notesTime = (await stat(join(out, 'data/notes.txt'))).mtimeMs;

    const again = await withPond(source, (p) => mirror(p, out, { csv: true }));
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(3);

    await withPond(source, (p) => addDay(p, s.dir, 9));
    const third = await withPond(source, (p) => mirror(p, out, { csv: true }));
    expect(third.written.sort()).toEqual(['data/readings.series', 'data/readings.series.csv']);
    expect((await stat(join(out, 'data/notes.txt'))).mtimeMs).toBe(notesTime);
    const [after] = await duck<{ n: bigint }>(
      `SELECT count(*) AS n FROM read_parquet('${join(out, 'data/readings.series')}')`,
    );
    expect(Number(after!.n)).toBe(96);
  });

  it('never replaces or deletes a file it did not write, or one changed since', async () => {
    const dir = join(s.dir, 'shared-folder');
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'notes.txt'), 'mine\n');
    await writeFile(join(dir, 'unrelated.txt'), 'keep me\n');
    expect(await withPond(source, (p) => errorCode(mirror(p, dir)))).toBe(ErrorCode.AlreadyExists);
    // Nothing was written: not even the series, nor a manifest.
    await expect(stat(join(dir, 'data', 'readings.series'))).rejects.toThrow();
    await expect(stat(join(dir, MIRROR_MANIFEST))).rejects.toThrow();
    expect(await readFile(join(dir, 'data', 'notes.txt'), 'utf8')).toBe('mine\n');

    // A file the mirror wrote and someone edited is not replaced either.
    await writeFile(join(out, 'data', 'readings.series.csv'), 'edited\n');
    await withPond(source, (p) => addDay(p, s.dir, 10));
    expect(await withPond(source, (p) => errorCode(mirror(p, out, { csv: true })))).toBe(
      ErrorCode.AlreadyExists,
    );
    expect(await readFile(join(out, 'data', 'readings.series.csv'), 'utf8')).toBe('edited\n');

    // Narrowing the pattern removes the mirror's own files that are no longer matched, but the
    // edited one stays (and is forgotten).
    const narrow = await withPond(source, (p) => mirror(p, out, { pattern: '/data/*.txt' }));
    expect(narrow.removed).toEqual(['data/readings.series']);
    expect(narrow.kept).toEqual(['data/readings.series.csv']);
    expect(await readFile(join(out, 'data', 'readings.series.csv'), 'utf8')).toBe('edited\n');
    expect(await readFile(join(dir, 'unrelated.txt'), 'utf8')).toBe('keep me\n');
  });
  it("refuses a folder overlapping the pond's or a backup's: a mirrored file would become the pond's next transaction", async () => {
    // This pond holds data/notes.txt: mirrored into the pond's folder it lands in the Delta
    // table's folder; a file at data/_delta_log/<next>.json would be read as a commit.
    await addRemote(source, { name: 'usb', url: `file://${join(s.dir, 'usb')}`, auto: false });
    await symlink(source, join(s.dir, 'pond-link'));
    const log = join(source, 'data', '_delta_log');
    const before = (await readdir(log)).sort();
    for (const dir of [
      source,
      join(source, 'data'),
      join(source, 'cache', 'm'),
      s.dir,
      join(s.dir, 'pond-link', 'm'),
      join(s.dir, 'usb', 'm'),
    ]) {
      const e = await withPond(source, (p) =>
        mirror(p, dir).then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
      expect(e, dir).toBeInstanceOf(PondError);
      expect((e as PondError).message).toMatch(/overlaps (the pond's folder|the backup 'usb')/);
    }
    expect((await readdir(log)).sort()).toEqual(before);
    expect(existsSync(join(source, MIRROR_MANIFEST))).toBe(false);
    expect(existsSync(join(s.dir, 'usb'))).toBe(false);
  });
});
