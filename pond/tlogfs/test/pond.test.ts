import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPondError } from '../../../shared/errors.js';
import type { FileNode } from '../../tinyfs/node.js';
import { visitGlob } from '../../tinyfs/visit.js';
import { fsck } from '../fsck.js';
import { Pond } from '../pond.js';
import { restorePath } from '../restore.js';
import { INLINE_LIMIT } from '../transaction.js';
import { JS_WRITE_MAX_BYTES } from '../oplog-write.js';

const meta = (...command: string[]) => ({ command });
const text = (s: string) => ({ bytes: Buffer.from(s) });

describe('tlogfs: a pond in a Delta table', () => {
  let dir: string;
  let pond: Pond;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlogfs-'));
    pond = await Pond.create(join(dir, 'pond'), 'unit', meta('init'));
  });
  afterEach(async () => {
    await pond.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers transactions and records identity', async () => {
    expect(pond.lastSeq).toBe(1);
    const r = await pond.write(meta('mkdir', '/a'), async (txn) => (await txn.wd()).mkdir('/a'));
    expect(r.seq).toBe(2);
    expect(r.changes).toEqual([{ path: '/a', action: 'created', type: 'directory' }]);
    const reopened = await Pond.open(join(dir, 'pond'));
    expect(reopened.identity).toEqual(pond.identity);
    expect(reopened.identity.birthplace).toBe('unit');
    await reopened.close();
  });

  it('writes a small transaction in JS (uncompressed) and a large one through DuckDB (zstd)', async () => {
    const writer = await Pond.open(join(dir, 'pond'));
    const codecs = async (seq: number): Promise<string[]> => {
      const files = writer.delta.snapshot.files.filter((f) =>
        f.stats?.includes(`"txn_seq":${seq}`),
      );
      expect(files.length).toBeGreaterThan(0);
      const out = new Set<string>();
      for (const f of files) {
        const meta = await parquetMetadataAsync(
          await asyncBufferFromFile(writer.delta.snapshot.filePath(f)),
        );
        for (const c of meta.row_groups[0]!.columns) out.add(c.meta_data!.codec);
      }
      return [...out].sort();
    };
    // Each file under the inline limit, together over the JS writer's limit.
    const size = INLINE_LIMIT - 1024;
    const count = Math.ceil(JS_WRITE_MAX_BYTES / size) + 1;
    const small = await writer.write(meta('small'), async (txn) =>
      (await txn.wd()).writeFile('/one', 'data', { bytes: Buffer.alloc(size, 1) }),
    );
    expect(writer.session.isOpen).toBe(false);
    expect(await codecs(small.seq!)).toEqual(['UNCOMPRESSED']);
    const large = await writer.write(meta('large'), async (txn) => {
      const wd = await txn.wd();
      for (let i = 0; i < count; i++)
        await wd.writeFile(`/big${i}`, 'data', { bytes: Buffer.alloc(size, i) });
    });
    expect(writer.session.isOpen).toBe(true);
    expect(await codecs(large.seq!)).toContain('ZSTD');
    await writer.read(async (txn) => {
      const wd = await txn.wd();
      expect(Buffer.from(await ((await wd.getFile('/one')) as FileNode).read())).toEqual(
        Buffer.alloc(size, 1),
      );
      for (let i = 0; i < count; i++) {
        const bytes = await ((await wd.getFile(`/big${i}`)) as FileNode).read();
        expect(Buffer.from(bytes)).toEqual(Buffer.alloc(size, i));
      }
    });
    await writer.close();
  });

  it('opens, reads and writes without a DuckDB instance; closes', async () => {
    await pond.write(meta('w'), async (txn) =>
      (await txn.wd()).writeFile('/f', 'data', text('one')),
    );
    const reader = await Pond.open(join(dir, 'pond'));
    const f = await reader.read(async (txn) => (await (await txn.wd()).getFile('/f')) as FileNode);
    expect(f.type).toBe('data');
    expect(reader.session.isOpen).toBe(false);
    await reader.close();
    await expect(reader.session.run('SELECT 1')).rejects.toThrow('the DuckDB session is closed');
    const writer = await Pond.open(join(dir, 'pond'));
    await writer.write(meta('w'), async (txn) =>
      (await txn.wd()).writeFile('/f', 'data', text('two')),
    );
    // The oplog rows are written as Parquet in JS: a small write starts no DuckDB either.
    expect(writer.session.isOpen).toBe(false);
    const back = await writer.read(async (txn) =>
      Buffer.from(await ((await (await txn.wd()).getFile('/f')) as FileNode).read()).toString(),
    );
    expect(back).toBe('two');
    expect(writer.session.isOpen).toBe(false);
    await writer.close();
  });

  it('a write that changes nothing makes no transaction', async () => {
    const r = await pond.write(meta('noop'), async () => 42);
    expect(r).toEqual({ result: 42, seq: undefined, changes: [] });
    expect(pond.lastSeq).toBe(1);
  });

  it('a failed write changes nothing', async () => {
    await expect(
      pond.write(meta('bad'), async (txn) => {
        const wd = await txn.wd();
        await wd.mkdir('/x');
        await wd.writeFile('/x/f', 'data', text('hello'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(pond.lastSeq).toBe(1);
    expect(await pond.read(async (txn) => (await txn.root()).entries())).toEqual([]);
  });

  it('data: readers see the latest version; every version is kept', async () => {
    await pond.write(meta('w1'), async (txn) =>
      (await txn.wd()).writeFile('/f', 'data', text('one')),
    );
    await pond.write(meta('w2'), async (txn) =>
      (await txn.wd()).writeFile('/f', 'data', text('two')),
    );
    await pond.read(async (txn) => {
      const f = (await (await txn.wd()).getFile('/f')) as FileNode;
      expect(Buffer.from(await f.read()).toString()).toBe('two');
      expect(Buffer.from(await f.read(1)).toString()).toBe('one');
      expect((await f.versions()).map((v) => [v.version, v.txnSeq])).toEqual([
        [1, 2],
        [2, 3],
      ]);
    });
  });

  it('large data goes to a blob, small data stays inline', async () => {
    const big = Buffer.alloc(INLINE_LIMIT + 1, 7);
    await pond.write(meta('w'), async (txn) => {
      const wd = await txn.wd();
      await wd.writeFile('/small', 'data', text('x'));
      await wd.writeFile('/big', 'data', { bytes: big });
    });
    await pond.read(async (txn) => {
      const wd = await txn.wd();
      const small = (await (await wd.getFile('/small')).versions())[0]!;
      const large = (await (await wd.getFile('/big')).versions())[0]!;
      expect(small.blobPath).toBeUndefined();
      expect(large.blobPath).toMatch(/_large_files\/sha256=[0-9a-f]{64}$/);
      expect(Buffer.compare(Buffer.from(await (await wd.getFile('/big')).read()), big)).toBe(0);
    });
  });

  it('time travel: the pond as of any earlier transaction', async () => {
    await pond.write(meta('a'), async (txn) => (await txn.wd()).mkdir('/a'));
    await pond.write(meta('b'), async (txn) =>
      (await txn.wd()).writeFile('/a/f', 'data', text('v1')),
    );
    await pond.write(meta('c'), async (txn) =>
      (await txn.wd()).writeFile('/a/f', 'data', text('v2')),
    );
    await pond.write(meta('d'), async (txn) => (await txn.wd()).mkdir('/b'));
    const names = (seq: number) =>
      pond.read(
        async (txn) => (await visitGlob(await txn.wd(), '/**')).map((m) => m.path).sort(),
        seq,
      );
    expect(await names(1)).toEqual([]);
    expect(await names(2)).toEqual(['/a']);
    expect(await names(3)).toEqual(['/a', '/a/f']);
    expect(await names(5)).toEqual(['/a', '/a/f', '/b']);
    const content = (seq: number) =>
      pond.read(
        async (txn) =>
          Buffer.from(await (await (await txn.wd()).getFile('/a/f')).read()).toString(),
        seq,
      );
    expect(await content(3)).toBe('v1');
    expect(await content(4)).toBe('v2');
    // A time-travel view is read-only.
    await pond.read(async (txn) => {
      try {
        await (await txn.wd()).mkdir('/c');
        expect.unreachable();
      } catch (e) {
        expect(isPondError(e, 'READ_ONLY')).toBe(true);
      }
    }, 3);
    await expect(pond.read(async () => 0, 99)).rejects.toThrow(/transaction 99 does not exist/);
  });

  it('time travel survives compaction (it filters rows by transaction)', async () => {
    for (let i = 0; i < 12; i++)
      await pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile(`/f${i}`, 'data', text(`${i}`)),
      );
    const before = await pond.read(async (txn) => (await (await txn.root()).entries()).length, 7);
    const r = await pond.delta.optimize({ minFilesPerPartition: 2 });
    expect(r.filesRemoved).toBeGreaterThan(1);
    await pond.delta.vacuum({ retentionMs: 0 });
    expect(await pond.read(async (txn) => (await (await txn.root()).entries()).length, 7)).toBe(
      before,
    );
    expect(await pond.read(async (txn) => (await (await txn.root()).entries()).length)).toBe(12);
  });

  it('oplog files per partition stay few, whatever the history (automatic compaction)', async () => {
    for (let i = 0; i < 40; i++) {
      await pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile(`/f${i}`, 'data', text(`${i}`)),
      );
    }
    const root = '00000000-0000-7000-8000-000000000000';
    const files = pond.delta.snapshot.files.filter((f) => f.partitionValues['part_id'] === root);
    expect(files.length).toBeLessThan(16);
    const entries = await pond.read(async (txn) => (await txn.root()).entries());
    expect(entries).toHaveLength(40);
    expect(entries.find((e) => e.name === 'f3')).toMatchObject({
      type: 'data',
      version: 1,
      size: 1,
    });
    // Compactions are transactions of their own; a view as of an earlier one is unchanged.
    const at10 = await pond.read(async (txn) => (await txn.root()).entries(), 10);
    expect(at10.map((e) => e.name).sort()).toEqual([
      'f0',
      'f1',
      'f2',
      'f3',
      'f4',
      'f5',
      'f6',
      'f7',
      'f8',
    ]);
  });

  it('symlinks are stored and followed', async () => {
    await pond.write(meta('w'), async (txn) => {
      const wd = await txn.wd();
      await wd.mkdir('/real');
      await wd.writeFile('/real/f', 'data', text('through the link'));
      await wd.create('/link', { kind: 'symlink', target: '/real' });
    });
    const r = await pond.read(async (txn) =>
      Buffer.from(await (await (await txn.wd()).getFile('/link/f')).read()).toString(),
    );
    expect(r).toBe('through the link');
  });

  it('a growing data file stores each new part once; readers see the whole file', async () => {
    const big = Buffer.alloc(INLINE_LIMIT + 10, 'x');
    await pond.write(meta('w1'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', text('line 1\n')),
    );
    await pond.write(meta('w2'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', { ...text('line 2\n'), continues: true }),
    );
    await pond.write(meta('w3'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', { bytes: big, continues: true }),
    );
    const seen = await pond.read(async (txn) => {
      const f = await (await txn.wd()).getFile('/log');
      return {
        whole: Buffer.from(await f.read()),
        v2: Buffer.from(await f.read(2)).toString(),
        versions: (await f.versions()).map((v) => [v.version, v.size, v.offset]),
        listed: (await (await txn.root()).entries()).find((e) => e.name === 'log')?.size,
      };
    });
    expect(seen.whole.equals(Buffer.concat([Buffer.from('line 1\nline 2\n'), big]))).toBe(true);
    expect(seen.v2).toBe('line 1\nline 2\n');
    expect(seen.versions).toEqual([
      [1, 7, undefined],
      [2, 7, 7],
      [3, big.length, 14],
    ]);
    expect(seen.listed).toBe(14 + big.length);
    // A view as of the first write (transaction 2) sees the file as it was then.
    const before = await pond.read(
      async (txn) => Buffer.from(await (await (await txn.wd()).getFile('/log')).read()).toString(),
      2,
    );
    expect(before).toBe('line 1\n');
    const report = await fsck(pond);
    expect(report.problems).toEqual([]);
  });

  it('restore of a growing data file brings back the whole file as it was', async () => {
    const big = Buffer.alloc(INLINE_LIMIT + 5, 'y');
    await pond.write(meta('w1'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', text('a\n')),
    );
    await pond.write(meta('w2'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', { bytes: big, continues: true }),
    );
    const asOf = pond.lastSeq;
    await pond.write(meta('w3'), async (txn) =>
      (await txn.wd()).writeFile('/log', 'data', { ...text('c\n'), continues: true }),
    );
    await pond.write(meta('restore'), (txn) => restorePath(txn, '/log', asOf));
    const now = await pond.read(async (txn) => {
      const f = await (await txn.wd()).getFile('/log');
      return { bytes: Buffer.from(await f.read()), versions: await f.versions() };
    });
    expect(now.bytes.equals(Buffer.concat([Buffer.from('a\n'), big]))).toBe(true);
    expect(now.versions.slice(-2).map((v) => [v.offset, v.restoredFrom?.version])).toEqual([
      [undefined, 1],
      [2, 2],
    ]);
    expect((await fsck(pond)).problems).toEqual([]);
  });

  it('only a data file with a version can be continued', async () => {
    await expect(
      pond.write(meta('w'), async (txn) =>
        (await txn.wd()).writeFile('/new', 'data', { ...text('x'), continues: true }),
      ),
    ).rejects.toThrow(/only a data file with a version can be continued/);
    expect(pond.lastSeq).toBe(1);
  });
});
