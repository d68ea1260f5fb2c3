import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsck } from '../fsck.js';
import { maintain } from '../maintain.js';
import { Pond } from '../pond.js';
import { stagingFolderName } from '../staging.js';

const meta = (...command: string[]) => ({ command });
const bytes = (n: number, seed: string) => ({ bytes: Buffer.alloc(n, seed) });

/**
 * A pond never deletes a file it did not write: cleanup removes only files whose names the
 * pond's own writers make, and fsck lists everything else as foreign.
 */
describe('tlogfs: foreign files and leftovers', () => {
  let dir: string;
  let pond: Pond;
  let partition: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlogfs-foreign-'));
    pond = await Pond.create(join(dir, 'pond'), 'unit', meta('init'));
    for (let i = 0; i < 3; i++) {
      // Blobs (over the inline limit) and several oplog files in the root's partition.
      await pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile(`/f${i}`, 'data', bytes(100_000, String(i))),
      );
    }
    const parts = (await readdir(pond.layout.data)).filter((n) => n.startsWith('part_id='));
    expect(parts).toHaveLength(1);
    partition = join(pond.layout.data, parts[0]!);
  });
  afterEach(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** User files in every folder the pond cleans, some with names close to the pond's own. */
  async function plantUserFiles(): Promise<Map<string, string>> {
    const d = pond.layout.data;
    const files = new Map<string, string>([
      [join(d, 'readings.csv'), 'a,b\n1,2\n'],
      [join(d, 'old', 'part-0.parquet'), 'not ours'],
      [join(d, 'part_id=mine', `part-${randomUUID()}.parquet`), 'a lookalike in a foreign folder'],
      [join(partition, 'notes.txt'), 'in a partition'],
      [join(partition, `part-${randomUUID()}.parquet.bak`), 'a backup'],
      [join(partition, 'part-1.parquet'), 'Spark-style name'],
      [join(pond.layout.blobs, 'photo.jpg'), 'jpeg'],
      [join(pond.layout.blobs, 'sha256=abc'), 'short hash'],
      [join(pond.layout.blobs, '.tmp-mine'), 'a temp of the user'],
      [join(pond.layout.blobs, '_staging', 'mine', 'x'), 'a folder in staging'],
      [join(pond.layout.blobs, '_staging', `${process.pid}-x@${hostname()}`, 'y'), 'close'],
      [join(d, '_delta_log', 'README'), 'about this table'],
      [join(d, '_delta_log', '00000000000000000001.crc'), 'a checksum'],
      [join(d, '_delta_log', '_commit_mine.json.tmp'), 'not a uuid'],
      [join(pond.layout.cache, 'export.csv'), 'x'],
      [join(pond.layout.cache, 'inline', 'notes'), 'x'],
      [join(pond.layout.cache, 'csv-directory', 'keep.parquet'), 'x'],
    ]);
    for (const [path, content] of files) {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, content);
    }
    return files;
  }

  it('maintain never touches foreign files, even with zero retention; fsck lists them', async () => {
    const planted = await plantUserFiles();
    const before = await fsck(pond);
    expect(before.problems).toEqual([]);
    expect(before.orphans).toEqual([]);
    const foreign = before.foreign.map((f) => f.path);
    for (const path of planted.keys()) {
      // Reported as the file itself or as the foreign folder holding it.
      expect(foreign.some((f) => path === f || path.startsWith(f + '/'))).toBe(true);
    }
    expect(foreign).toContain(join(pond.layout.data, 'old'));
    expect(foreign).toContain(join(pond.layout.data, 'part_id=mine'));

    const r = await maintain(pond, { vacuumRetentionMs: 0, logRetentionMs: 0 });
    expect(r.filesRemoved).toBeGreaterThan(1); // compaction retired files, vacuum removed them
    expect(r.vacuumed.length).toBe(r.filesRemoved);
    expect(r.foreign).toBe(before.foreign.length);
    for (const [path, content] of planted) expect(await readFile(path, 'utf8')).toBe(content);

    const after = await fsck(pond);
    expect(after.problems).toEqual([]);
    expect(after.orphans).toEqual([]);
    expect(after.foreign).toEqual(before.foreign);
    expect(after.digest).toBe(before.digest);
    const read = await pond.read(async (txn) => (await (await txn.wd()).getFile('/f2')).read());
    expect(Buffer.from(read).equals(Buffer.alloc(100_000, '2'))).toBe(true);
  });

  it("removes the pond's own leftovers, and only those", async () => {
    const planted = await plantUserFiles();
    const blobs = pond.layout.blobs;
    const log = join(pond.layout.data, '_delta_log');
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max: no such process
    const neverCommitted = join(partition, `part-${randomUUID()}.parquet`); // an old one
    const leftovers = [
      join(blobs, `sha256=${'ab'.repeat(32)}`), // a blob no commit references
      join(blobs, `.tmp-${randomUUID()}.parquet`), // a temp of pond versions before staging
      join(log, `_commit_${randomUUID()}.json.tmp`),
      join(log, `_checkpoint_${randomUUID()}.parquet.tmp`),
      join(log, `_checkpoint_${randomUUID()}.ndjson.tmp`),
      join(log, `_last_checkpoint_${randomUUID()}.tmp`),
      neverCommitted,
      join(blobs, '_staging', stagingFolderName({ pid: deadPid, host: hostname() }, randomUUID())),
    ];
    const dead = leftovers.at(-1)!;
    for (const path of leftovers.slice(0, -1)) await writeFile(path, 'leftover');
    await mkdir(dead, { recursive: true });
    await writeFile(join(dead, `${randomUUID()}.parquet`), 'half a conversion');
    // A live writer's staging (another process of this host, and this one) is not a leftover.
    const live = join(
      blobs,
      '_staging',
      stagingFolderName({ pid: process.ppid, host: hostname() }, randomUUID()),
    );
    await mkdir(live, { recursive: true });
    await writeFile(join(live, 'in-progress.parquet'), 'busy');
    // Another host's staging is removed only when it has been idle for long.
    const remote = join(
      blobs,
      '_staging',
      stagingFolderName({ pid: 1, host: 'other-host.example' }, randomUUID()),
    );
    await mkdir(remote, { recursive: true });
    const idle = join(
      blobs,
      '_staging',
      stagingFolderName({ pid: 1, host: 'other-host.example' }, randomUUID()),
    );
    await mkdir(idle, { recursive: true });
    await writeFile(join(idle, 'f.parquet'), 'x');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await utimes(neverCommitted, eightDaysAgo, eightDaysAgo); // older than the vacuum retention
    await utimes(join(idle, 'f.parquet'), eightDaysAgo, eightDaysAgo);
    await utimes(idle, eightDaysAgo, eightDaysAgo);
    leftovers.push(idle);

    const report = await fsck(pond);
    expect(report.problems).toEqual([]);
    expect(report.orphans.map((o) => o.path).sort()).toEqual([...leftovers].sort());
    const details = report.orphans.filter((o) => o.kind === 'staging').map((o) => o.detail);
    expect(details).toContainEqual(
      expect.stringMatching(new RegExp(`pid ${deadPid}\\) has ended`)),
    );
    expect(details).toContainEqual(
      expect.stringMatching(/other-host.example \(pid 1\) has not changed it for 8 days/),
    );

    const r = await maintain(pond, { compact: false });
    expect(r.damaged).toBe(0);
    expect(r.orphanBlobsRemoved).toHaveLength(1);
    expect(r.tempFilesRemoved).toHaveLength(5);
    expect(r.vacuumed).toEqual([neverCommitted.slice(pond.layout.data.length + 1)]);
    expect(r.stagingRemoved.sort()).toEqual(leftovers.slice(-2).sort());
    for (const path of leftovers) await expect(readFile(path)).rejects.toThrow(/ENOENT|EISDIR/);
    expect(await readFile(join(live, 'in-progress.parquet'), 'utf8')).toBe('busy');
    expect(await readdir(remote)).toEqual([]);
    for (const [path, content] of planted) expect(await readFile(path, 'utf8')).toBe(content);
    expect((await fsck(pond)).orphans).toEqual([]);
  });

  it('keeps every leftover of a damaged pond', async () => {
    const orphan = join(pond.layout.blobs, `sha256=${'cd'.repeat(32)}`);
    await writeFile(orphan, 'x');
    const live = (await readdir(partition)).filter((n) => n.endsWith('.parquet'));
    await rm(join(partition, live[0]!)); // an oplog file the log needs
    const r = await maintain(pond, { compact: false });
    expect(r.damaged).toBeGreaterThan(0);
    expect(r.orphanBlobsRemoved).toEqual([]);
    // Every real blob is still there: with oplog rows unreadable, none is taken for an orphan.
    const names = await readdir(pond.layout.blobs);
    expect(names.filter((n) => n.startsWith('sha256=')).length).toBe(4);
  });
});
