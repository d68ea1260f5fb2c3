import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanSql } from '../../delta/index.js';
import { fsck } from '../fsck.js';
import { maintain } from '../maintain.js';
import { Pond } from '../pond.js';

const meta = (...command: string[]) => ({ command });
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/**
 * `maintain` keeps what the retentions say, as Delta does: a file retired from the table within
 * the vacuum retention stays (even when the retention asked for is longer than the tombstones the
 * checkpoint keeps, delta.deletedFileRetentionDuration), an oplog file no commit names goes only
 * once it is older than that retention, and commit files go by delta.logRetentionDuration unless
 * the caller says otherwise.
 */
describe('tlogfs: maintain and the retentions', () => {
  let dir: string;
  let pond: Pond;
  let partition: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlogfs-retention-'));
    pond = await Pond.create(join(dir, 'pond'), 'unit', meta('init'));
    for (let i = 0; i < 4; i++) {
      await pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile(`/f${i}`, 'data', { bytes: Buffer.from(`file ${i}\n`) }),
      );
    }
    const parts = (await readdir(pond.layout.data)).filter((n) => n.startsWith('part_id='));
    partition = join(pond.layout.data, parts[0]!);
  });
  afterEach(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sets Delta table properties, as ALTER TABLE SET TBLPROPERTIES does (one metaData action). */
  async function setProperties(properties: Record<string, string>): Promise<void> {
    const table = pond.delta;
    const snapshot = await table.refresh();
    await table.commit({
      actions: [
        {
          metaData: {
            ...snapshot.metadata,
            configuration: { ...snapshot.metadata.configuration, ...properties },
          },
        },
      ],
      commitInfo: {
        pond: { txn_seq: snapshot.version + 1, command: ['test'], changes: [], changes_total: 0 },
      },
      readVersion: snapshot.version,
      blindAppend: false,
    });
  }

  /** Rows of the Delta table at a version, read by our Delta reader from the files it names. */
  async function rowsAt(version: number): Promise<number> {
    const snapshot = await pond.delta.snapshotAt(version);
    const r = await pond.session.all<{ n: number }>(
      `SELECT count(*)::DOUBLE AS n FROM (${scanSql(snapshot)})`,
    );
    return r[0]!.n;
  }

  it('a retention longer than the tombstones of the checkpoint keeps the files retired within it', async () => {
    await setProperties({ 'delta.deletedFileRetentionDuration': 'interval 1 second' });
    const before = (await pond.delta.refresh()).version;
    const rows = await rowsAt(before);
    const compacted = await maintain(pond, { vacuumRetentionMs: DAY });
    expect(compacted.filesRemoved).toBeGreaterThan(1);
    const live = new Set((await pond.delta.refresh()).files.map((f) => f.path.split('/').pop()));
    const retired = (await readdir(partition)).filter(
      (n) => n.endsWith('.parquet') && !live.has(n),
    );
    expect(retired.length).toBe(compacted.filesRemoved);
    // The tombstones expire, so the next checkpoint leaves them out, and a process that opens the
    // pond from it no longer sees them; the files were written long ago (by their times).
    await new Promise((r) => setTimeout(r, 1500));
    await pond.write(meta('w'), async (txn) =>
      (await txn.wd()).writeFile('/later', 'data', { bytes: Buffer.from('later\n') }),
    );
    await maintain(pond, { compact: false, vacuumRetentionMs: DAY });
    await pond.close();
    pond = await Pond.open(join(dir, 'pond'));
    expect((await pond.delta.snapshot.tombstonesAt(Date.now())).length).toBe(0);
    const old = new Date(Date.now() - 2 * DAY);
    for (const n of retired) await utimes(join(partition, n), old, old);

    const r = await maintain(pond, { compact: false, vacuumRetentionMs: DAY });
    expect(r.vacuumed).toEqual([]);
    const files = await readdir(partition);
    for (const n of retired) expect(files).toContain(n);
    const report = await fsck(pond);
    expect(report.problems).toEqual([]);
    expect(report.orphans).toEqual([]);
    expect(await rowsAt(before)).toBe(rows);

    // Shorter than the time since they were retired: now they go.
    const short = await maintain(pond, { compact: false, vacuumRetentionMs: 500 });
    expect(short.vacuumed.length).toBe(compacted.filesRemoved);
    await expect(rowsAt(before)).rejects.toThrow(/part-[0-9a-f-]+\.parquet/);
  });

  it('an oplog file no commit names goes only once it is older than the vacuum retention', async () => {
    const orphan = join(partition, `part-${randomUUID()}.parquet`);
    await writeFile(orphan, 'a killed writer left this');
    const r = await maintain(pond, { compact: false });
    expect(r.vacuumed).toEqual([]);
    await stat(orphan);
    const listed = (await fsck(pond)).orphans;
    expect(listed).toEqual([
      {
        kind: 'data-file',
        path: orphan,
        detail: expect.stringMatching(/older than the vacuum retention/),
      },
    ]);
    expect((await maintain(pond, { compact: false, vacuumRetentionMs: HOUR })).vacuumed).toEqual(
      [],
    );
    const eightDaysAgo = new Date(Date.now() - 8 * DAY);
    await utimes(orphan, eightDaysAgo, eightDaysAgo);
    const later = await maintain(pond, { compact: false });
    expect(later.vacuumed).toEqual([orphan.slice(pond.layout.data.length + 1)]);
    await expect(stat(orphan)).rejects.toThrow(/ENOENT/);
    expect((await fsck(pond)).orphans).toEqual([]);
  });

  it('log cleanup honours delta.logRetentionDuration, and the caller overrides it', async () => {
    await setProperties({ 'delta.logRetentionDuration': 'interval 1 second' });
    for (let i = 0; i < 12; i++) {
      await pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile(`/g${i}`, 'data', { bytes: Buffer.from(`g ${i}\n`) }),
      );
    }
    await maintain(pond, { compact: false, logRetentionMs: 30 * DAY });
    await new Promise((r) => setTimeout(r, 1500));
    const kept = await maintain(pond, { compact: false, logRetentionMs: 30 * DAY });
    expect(kept.logVersionsRemoved).toEqual([]);
    const cleaned = await maintain(pond, { compact: false });
    expect(cleaned.logVersionsRemoved.length).toBeGreaterThan(10);
    expect((await fsck(pond)).problems).toEqual([]);
  });
});
